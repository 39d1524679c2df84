import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import ClauseChange, GuidelineVersion, Response
from consultation.services import closing, drafting
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import GuidelineVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(organization):
    return consultation(organization, closed=True)


def test_answering_a_comment_after_the_period_closes(publisher, closed, mailoutbox, django_capture_on_commit_callbacks):
    comment = CommentFactory(version=closed, clause=closed.clauses.first())
    with django_capture_on_commit_callbacks(execute=True):
        closing.respond_to_comment(comment=comment, disposition="adopted", text="Narrowed it.", by=publisher)
    assert comment.response.disposition == "adopted"
    assert Entry.objects.get(kind=EntryKind.COMMENT_ANSWERED).data["disposition"] == "adopted"
    assert mailoutbox[0].to == [comment.author.email] and "Narrowed it." in mailoutbox[0].body


def test_no_answer_while_the_period_is_open(publisher, organization):
    version = consultation(organization)
    comment = CommentFactory(version=version)
    with pytest.raises(ValidationError, match="once the comment period has closed"):
        closing.respond_to_comment(comment=comment, disposition="noted", text="Thanks", by=publisher)
    assert not Response.objects.exists()


def test_a_response_is_never_rewritten(publisher, closed):
    comment = CommentFactory(version=closed)
    closing.respond_to_comment(comment=comment, disposition="noted", text="Thanks", by=publisher)
    with pytest.raises(ValidationError, match="already been answered"):
        closing.respond_to_comment(comment=comment, disposition="adopted", text="Changed mind", by=publisher)


def test_only_the_organizations_publishers_answer(moderator, outsider, closed):
    comment = CommentFactory(version=closed, clause=closed.clauses.first())
    for person in [moderator, outsider]:
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            closing.respond_to_comment(comment=comment, disposition="noted", text="x", by=person)
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            closing.respond_to_clause_comments(
                version=closed, clause=comment.clause, disposition="noted", text="x", by=person
            )
    assert not Response.objects.exists() and not Entry.objects.exists()


def test_only_the_organizations_publishers_publish_the_final_version(publisher, moderator, outsider, closed):
    draft = drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    for person in [moderator, outsider]:
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            closing.publish_final_version(version=draft, summary_of_changes="Final.", by=person)
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT and not Entry.objects.exists()


@pytest.mark.parametrize("who, refusal", [("other_publisher", 403), ("citizen", 403), ("visitor", 302)])
def test_outsiders_cannot_answer_or_publish_through_the_pages(client, request, publisher, closed, who, refusal):
    comment = CommentFactory(version=closed, clause=closed.clauses.first())
    drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    answer = {"disposition": "noted", "text": "Thanks."}
    assert (
        client.post("/publish/acme/medical/v1/responses/new/", {**answer, "comment": comment.pk}).status_code == refusal
    )
    assert client.post("/publish/acme/medical/v1/responses/new/", {**answer, "clause": "R-1.1"}).status_code == refusal
    assert client.post("/publish/acme/medical/v2/final/", {"summary_of_changes": "Final."}).status_code == refusal
    assert not Response.objects.exists() and not Entry.objects.exists()
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.DRAFT


def test_a_bad_disposition_or_empty_text_is_refused(publisher, closed):
    comment = CommentFactory(version=closed)
    with pytest.raises(ValidationError):
        closing.respond_to_comment(comment=comment, disposition="ignored", text="x", by=publisher)
    with pytest.raises(ValidationError):
        closing.respond_to_comment(comment=comment, disposition="noted", text=" ", by=publisher)
    assert not Response.objects.exists()


def test_answering_all_comments_on_a_clause(publisher, closed, client):
    clause = closed.clauses.first()
    for _ in range(3):
        CommentFactory(version=closed, clause=clause)
    CommentFactory(version=closed, clause=clause, status="hidden", hidden_reason="spam")
    CommentFactory(version=closed)  # a general comment stays unanswered
    count = closing.respond_to_clause_comments(
        version=closed, clause=clause, disposition="noted", text="We read them all.", by=publisher
    )
    assert count == 3
    assert "Answered 3 of 4" in client.get(closed.get_absolute_url()).content.decode()


def test_publishing_the_final_version(publisher, organization, client, django_capture_on_commit_callbacks):
    closed = consultation(organization, closed=True)
    old_final = GuidelineVersionFactory(guideline=closed.guideline, number=0, status=GuidelineVersion.FINAL)
    comment = CommentFactory(version=closed, clause=closed.clauses.get(key="R-1.1"))
    draft = drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    clause = draft.clauses.get(key="R-1.1")
    drafting.edit_clause(clause=clause, heading=clause.heading, text="The assistant declines less.", by=publisher)
    drafting.remove_clause(clause=draft.clauses.get(key="R-2.1"), by=publisher)
    drafting.add_clause(version=draft, key="R-3.1", heading="New", text="A new rule.", by=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        closing.publish_final_version(
            version=draft,
            summary_of_changes="Narrower medical rules.",
            statements={"R-1.1": {"text": "Narrowed after comments.", "comments": [comment.pk]}},
            by=publisher,
        )
    draft.refresh_from_db()
    old_final.refresh_from_db()
    assert (draft.status, old_final.status) == (GuidelineVersion.FINAL, GuidelineVersion.SUPERSEDED)
    kinds = dict(draft.clause_changes.values_list("clause_key", "kind"))
    assert kinds == {"R-1.1": "changed", "R-2.1": "removed", "R-3.1": "added"}
    assert list(ClauseChange.objects.get(clause_key="R-1.1").comments.all()) == [comment]
    assert Entry.objects.filter(kind=EntryKind.VERSION_FINAL_PUBLISHED).exists()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Narrowed after comments." in page and f"comment {comment.pk}" in page
    diff = client.get(f"{draft.get_absolute_url()}diff/1/").content.decode()
    assert "<ins>less</ins>" in diff and "<del>" in diff
    assert "Removed" in diff and "Added" in diff


def test_no_final_version_before_the_period_closes(publisher, organization):
    version = consultation(organization)
    draft = drafting.create_draft_version(guideline=version.guideline, by=publisher)
    with pytest.raises(ValidationError, match="has closed"):
        closing.publish_final_version(version=draft, summary_of_changes="Done", by=publisher)
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT


def test_statements_must_cite_comments_of_the_consultation(publisher, closed):
    draft = drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    stranger = CommentFactory()
    with pytest.raises(ValidationError, match="were not made on version 1"):
        closing.publish_final_version(
            version=draft,
            summary_of_changes="Done",
            statements={"R-1.1": {"text": "x", "comments": [stranger.pk]}},
            by=publisher,
        )
    assert not ClauseChange.objects.exists()


def test_the_responses_page_and_final_form(client, publisher, closed):
    comment = CommentFactory(version=closed, clause=closed.clauses.first())
    client.force_login(publisher)
    base = "/publish/acme/medical/v1/responses/"
    assert f"Answer comment {comment.pk}" in client.get(base).content.decode()
    client.post(f"{base}new/", {"comment": comment.pk, "disposition": "adopted", "text": "Yes."})
    assert comment.__class__.objects.get(pk=comment.pk).response.text == "Yes."
    client.post("/publish/acme/medical/drafts/new/")
    response = client.post("/publish/acme/medical/v2/final/", {"summary_of_changes": "", "confirm": "1"})
    assert response.status_code == 400 and "cannot be empty" in response.content.decode()
    response = client.post(
        "/publish/acme/medical/v2/final/",
        {"summary_of_changes": "Final.", "statement-R-1.1": "Kept.", "comments-R-1.1": str(comment.pk), "confirm": "1"},
    )
    assert response.status_code == 302
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.FINAL


@pytest.mark.parametrize("numbers", ["9" * 40, "²", "12; drop"])
def test_the_final_form_refuses_comment_numbers_that_are_not_comments(client, publisher, closed, numbers):
    client.force_login(publisher)
    client.post("/publish/acme/medical/drafts/new/")
    response = client.post(
        "/publish/acme/medical/v2/final/",
        {"summary_of_changes": "Final.", "statement-R-1.1": "Kept.", "comments-R-1.1": numbers, "confirm": "1"},
    )
    assert response.status_code == 400
    assert "comment numbers" in response.text or "were not made on version 1" in response.text
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.DRAFT


def test_answering_a_clause_with_one_comment_says_one_comment(client, publisher, closed):
    CommentFactory(version=closed, clause=closed.clauses.first())
    client.force_login(publisher)
    base = "/publish/acme/medical/v1/responses/"
    page = client.post(f"{base}new/", {"clause": "R-1.1", "disposition": "noted", "text": "Read."}, follow=True).text
    assert "Response published on 1 comment." in page


def test_the_final_form_asks_each_clause_a_question_that_fits_it(client, publisher, closed):
    client.force_login(publisher)
    client.post("/publish/acme/medical/drafts/new/")
    page = client.get("/publish/acme/medical/v2/final/").text
    assert "Why (public)" not in page
    assert "Why it stays as it was" in page
