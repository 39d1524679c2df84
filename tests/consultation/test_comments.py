from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import Comment, Endorsement
from consultation.services import comments
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import ClauseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_citizen_comments_on_a_clause(citizen, version):
    clause = version.clauses.first()
    comment = comments.post_comment(version=version, clause=clause, body="Too broad.", by=citizen)
    assert (comment.clause, comment.status) == (clause, Comment.PUBLISHED)
    entry = Entry.objects.get(kind=EntryKind.COMMENT_POSTED)
    assert entry.subject == f"comment:{comment.pk}" and entry.data["clause"] == "R-1.1"
    assert "Too broad" not in entry.payload  # only a hash of the text, so hiding it later leaves nothing behind


def test_a_general_comment_has_no_clause(citizen, version):
    comment = comments.post_comment(version=version, body="Overall fine.", on_behalf_of="EFF", by=citizen)
    assert comment.clause is None and comment.on_behalf_of == "EFF"


def test_a_reply_goes_one_level_deep(citizen, version):
    parent = CommentFactory(version=version, clause=version.clauses.first())
    reply = comments.post_comment(version=version, parent=parent, body="I agree.", by=citizen)
    assert reply.clause == parent.clause
    with pytest.raises(ValidationError):
        comments.post_comment(version=version, parent=reply, body="Deeper.", by=citizen)


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_oversized_comment_is_refused(citizen, version, body):
    with pytest.raises(ValidationError) as error:
        comments.post_comment(version=version, body=body, by=citizen)
    assert "body" in error.value.message_dict
    assert not Comment.objects.exists() and not Entry.objects.exists()


def test_unverified_and_anonymous_people_cannot_comment(unverified, version):
    from django.contrib.auth.models import AnonymousUser

    for person in [unverified, AnonymousUser()]:
        with pytest.raises(PermissionDenied):
            comments.post_comment(version=version, body="Hello", by=person)
    assert not Comment.objects.exists()


def test_no_comment_before_the_period_opens(citizen, organization):
    version = consultation(organization, opens_in=timedelta(days=2))
    with pytest.raises(ValidationError, match="not open"):
        comments.post_comment(version=version, body="Early", by=citizen)


def test_no_comment_after_the_period_closes(citizen, organization):
    version = consultation(organization, closed=True)
    with pytest.raises(ValidationError, match="not open"):
        comments.post_comment(version=version, body="Late", by=citizen)
    assert not Comment.objects.exists()


def test_a_clause_of_another_version_is_refused(citizen, version):
    with pytest.raises(ValidationError) as error:
        comments.post_comment(version=version, clause=ClauseFactory(), body="Hm", by=citizen)
    assert "clause" in error.value.message_dict


def test_comments_are_rate_limited_with_a_clear_message(citizen, version, settings):
    settings.CONSULTATION_COMMENT_LIMIT = 2
    for _ in range(2):
        comments.post_comment(version=version, body="Again", by=citizen)
    with pytest.raises(ValidationError, match="Please wait"):
        comments.post_comment(version=version, body="Again", by=citizen)
    assert Comment.objects.count() == 2


def test_endorsing_once_per_person(citizen, version):
    comment = CommentFactory(version=version)
    comments.endorse_comment(comment=comment, by=citizen)
    with pytest.raises(ValidationError, match="already endorsed"):
        comments.endorse_comment(comment=comment, by=citizen)
    assert Endorsement.objects.count() == 1
    assert Entry.objects.filter(kind=EntryKind.COMMENT_ENDORSED).count() == 1


def test_a_double_click_that_passes_the_check_still_gets_the_clear_message(citizen, version):
    """Two requests at once can both pass the "already endorsed?" check; the unique constraint decides."""
    comment = CommentFactory(version=version)
    Endorsement.objects.create(comment=comment, user=citizen)
    with pytest.raises(ValidationError, match="already endorsed"):
        comments._create_once(
            ValidationError("You have already endorsed this comment."), Endorsement, comment=comment, user=citizen
        )
    assert Endorsement.objects.count() == 1


def test_nobody_endorses_their_own_comment(citizen, version):
    comment = CommentFactory(version=version, author=citizen)
    with pytest.raises(ValidationError):
        comments.endorse_comment(comment=comment, by=citizen)


def test_a_report_reaches_the_moderators_queue(citizen, version):
    comment = CommentFactory(version=version)
    comments.report_comment(comment=comment, reason="Spam link", by=citizen)
    assert list(Comment.objects.reported()) == [comment]
    with pytest.raises(ValidationError, match="already reported"):
        comments.report_comment(comment=comment, by=citizen)
    assert not Entry.objects.filter(kind__startswith="comment.report").exists()


# Through the pages ---------------------------------------------------------------------------------------------------


def test_posting_without_javascript_redirects_to_the_comment(client, citizen, version):
    client.force_login(citizen)
    response = client.post(f"{version.get_absolute_url()}comments/new/", {"clause": "R-1.1", "body": "Too vague."})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Too vague." in page and "Your comment is posted." in page


def test_an_empty_comment_shows_the_error_next_to_the_field(client, citizen, version):
    client.force_login(citizen)
    response = client.post(f"{version.get_absolute_url()}comments/new/", {"clause": "R-1.1", "body": " "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Your comment cannot be empty." in page and 'aria-invalid="true"' in page
    assert not Comment.objects.exists()


def test_an_empty_comment_shows_the_error_summary_linking_to_its_box(client, citizen, version):
    client.force_login(citizen)
    response = client.post(f"{version.get_absolute_url()}comments/new/", {"clause": "R-1.1", "body": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert '<a href="#body-R-1.1">Your comment: Your comment cannot be empty.</a>' in page
    assert '<textarea id="body-R-1.1"' in page
    assert not Comment.objects.exists()


def test_an_empty_reply_in_place_links_the_summary_to_the_reply_box(client, citizen, version):
    comment = CommentFactory(version=version, clause=version.clauses.get(key="R-1.1"))
    client.force_login(citizen)
    data = {"clause": "R-1.1", "parent": comment.pk, "body": ""}
    response = client.post(f"{version.get_absolute_url()}comments/new/", data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#body-R-1.1-r{comment.pk}"' in page
    assert f'<textarea id="body-R-1.1-r{comment.pk}"' in page
    assert Comment.objects.count() == 1


def test_htmx_posting_answers_the_clause_section(client, citizen, version):
    client.force_login(citizen)
    url = f"{version.get_absolute_url()}comments/new/"
    response = client.post(url, {"clause": "R-1.1", "body": "In place."}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and page.startswith('<section class="thread" id="thread-R-1.1"')
    assert "In place." in page and "<html" not in page
    response = client.post(url, {"clause": "R-1.1", "body": ""}, headers={"HX-Request": "true"})
    assert "Your comment cannot be empty." in response.content.decode()


def test_an_unknown_clause_is_a_clear_error(client, citizen, version):
    client.force_login(citizen)
    response = client.post(f"{version.get_absolute_url()}comments/new/", {"clause": "R-99.9", "body": "Hm"})
    assert response.status_code == 400 and "no clause R-99.9" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, version):
    response = client.post(f"{version.get_absolute_url()}comments/new/", {"clause": "R-1.1", "body": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get(version.get_absolute_url()).content.decode()
    assert "to comment, reply and endorse" in page and 'name="body"' not in page


def test_endorse_and_report_through_the_pages(client, citizen, version):
    comment = CommentFactory(version=version, clause=version.clauses.first())
    client.force_login(citizen)
    base = version.get_absolute_url()
    client.post(f"{base}comments/{comment.pk}/endorse/")
    response = client.post(f"{base}comments/{comment.pk}/endorse/", follow=True)
    assert "already endorsed" in response.content.decode()
    response = client.post(f"{base}comments/{comment.pk}/endorse/", headers={"HX-Request": "true"})
    assert "Endorsed by you" in response.content.decode()
    client.post(f"{base}comments/{comment.pk}/report/", {"reason": "Looks like spam"})
    assert comment.reports.get().reason == "Looks like spam"


def test_an_endorsement_refused_after_closing_offers_no_button(client, citizen, organization):
    closed = consultation(organization, closed=True)
    comment = CommentFactory(version=closed, clause=closed.clauses.first())
    client.force_login(citizen)
    url = f"{closed.get_absolute_url()}comments/{comment.pk}/endorse/"
    fragment = client.post(url, headers={"HX-Request": "true"}).text
    assert "only while the comment period is open" in fragment
    assert "<button" not in fragment and "0 endorsements" in fragment


def test_comments_cannot_be_edited_or_deleted_through_any_page(client, citizen, version):
    comment = CommentFactory(version=version, author=citizen)
    client.force_login(citizen)
    assert client.post(f"{version.get_absolute_url()}comments/{comment.pk}/", {"body": "changed"}).status_code == 200
    comment.refresh_from_db()
    assert comment.body != "changed"


def test_my_activity_lists_comments_with_status_and_responses(client, citizen, version):
    CommentFactory(version=version, author=citizen, body="Mine, visible")
    CommentFactory(version=version, author=citizen, body="Mine, hidden", status="hidden", hidden_reason="spam")
    CommentFactory(version=version, author=UserFactory(), body="Someone else's")
    client.force_login(citizen)
    page = client.get("/activity/").content.decode()
    assert "Mine, visible" in page and "Hidden by moderators: Spam or advertising" in page
    assert "Someone else" not in page


def test_my_activity_needs_sign_in(client):
    assert client.get("/activity/").status_code == 302


def test_absurd_ids_are_clear_errors_not_crashes(client, citizen, version):
    client.force_login(citizen)
    huge = "9" * 40
    for parent in [huge, "²"]:
        response = client.post(f"{version.get_absolute_url()}comments/new/", {"parent": parent, "body": "Hi"})
        assert response.status_code == 400
    assert client.get(f"{version.get_absolute_url()}comments/new/", {"parent": "²"}).status_code == 200
    assert client.get(f"{version.get_absolute_url()}comments/{huge}/").status_code == 404
    assert client.get(f"{version.get_absolute_url()}diff/{huge}/").status_code == 404
    response = client.post(
        "/api/v1/guidelines/acme/medical/versions/1/comments/",
        {"parent": int(huge), "body": "Hi"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_unverified_people_cannot_endorse_or_report(unverified, version):
    comment = CommentFactory(version=version)
    with pytest.raises(PermissionDenied):
        comments.endorse_comment(comment=comment, by=unverified)
    with pytest.raises(PermissionDenied):
        comments.report_comment(comment=comment, by=unverified)
    assert not comment.endorsements.exists() and not comment.reports.exists()


def test_no_endorsement_after_the_period_closes(citizen, organization):
    comment = CommentFactory(version=consultation(organization, closed=True))
    with pytest.raises(ValidationError, match="only while the comment period is open"):
        comments.endorse_comment(comment=comment, by=citizen)


def test_a_hidden_comment_takes_no_replies_or_endorsements(citizen, version):
    hidden = CommentFactory(version=version, status=Comment.HIDDEN, hidden_reason="abuse")
    with pytest.raises(ValidationError):
        comments.post_comment(version=version, parent=hidden, body="Reply", by=citizen)
    with pytest.raises(ValidationError):
        comments.endorse_comment(comment=hidden, by=citizen)


def test_comment_markdown_is_sanitized(client, citizen, version):
    comments.post_comment(version=version, body="<script>alert(1)</script> [x](javascript:alert(1)) *fine*", by=citizen)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page and "<em>fine</em>" in page


def test_a_hidden_comments_permalink_shows_only_the_tombstone(client, version):
    hidden = CommentFactory(
        version=version, body="Private phone 555-0100", status="hidden", hidden_reason="personal_data"
    )
    page = client.get(f"{version.get_absolute_url()}comments/{hidden.pk}/").content.decode()
    assert "Hidden by moderators: Personal data about someone" in page and "555-0100" not in page
