import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import CloseOut, GuidelineVersion
from consultation.services import closing, drafting
from consultation.services.closeout import canonical_json, document_sha256
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.closeout_factories import (
    OpinionGroupsFactory,
    SuggestionDecisionFactory,
    SuggestionFactory,
    campaign,
    endorse,
)
from tests.consultation.factories import CommentFactory, auth, consultation

pytestmark = pytest.mark.django_db
API = "/api/v1/guidelines/acme/medical/versions"


@pytest.fixture
def closed(organization):
    return consultation(organization, closed=True)


@pytest.fixture
def draft(closed, publisher):
    return drafting.create_draft_version(guideline=closed.guideline, by=publisher)


def publish(draft, publisher, **extra):
    return closing.publish_final_version(version=draft, summary_of_changes="Final.", by=publisher, **extra)


def refused(draft, publisher) -> list[str]:
    with pytest.raises(ValidationError) as refusal:
        publish(draft, publisher)
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT
    assert not CloseOut.objects.exists() and not Entry.objects.filter(kind__startswith="version.final").exists()
    return refusal.value.messages


def test_an_undecided_suggestion_holds_the_final_version_back(closed, draft, publisher):
    clause = closed.clauses.get(key="R-1.1")
    first, second = SuggestionFactory(clause=clause), SuggestionFactory(clause=clause)
    SuggestionDecisionFactory(suggestion=first)
    assert refused(draft, publisher) == [
        f"R-1.1: 1 suggestion is not decided yet: suggestion {second.pk} "
        f"(/guidelines/acme/medical/v1/suggestions/{second.pk}/)."
    ]
    SuggestionDecisionFactory(suggestion=second, outcome="declined", reason="Too broad.")
    publish(draft, publisher)
    assert CloseOut.objects.get().version == draft


def test_an_unanswered_cluster_of_ten_holds_it_back_and_one_of_nine_does_not(closed, draft, publisher):
    clause = closed.clauses.get(key="R-2.1")
    big, small = campaign(closed, clause, 10), campaign(closed, clause, 9, body="Another argument, nine times over.")
    assert refused(draft, publisher) == [
        f"R-2.1: 10 of the 10 comments of cluster {big.pk} are not answered yet "
        f"(/guidelines/acme/medical/v1/clusters/{big.pk}/)."
    ]
    closing.respond_to_cluster(cluster=big, disposition="noted", text="Read.", by=publisher)
    publish(draft, publisher)
    assert small.members.filter(answered_at__isnull=True).count() == 9


def test_a_comment_with_25_endorsements_must_be_answered(closed, draft, publisher, settings):
    clause = closed.clauses.get(key="R-1.1")
    popular = endorse(CommentFactory(version=closed, clause=clause), 25)
    endorse(CommentFactory(version=closed, clause=clause), 24)
    assert refused(draft, publisher) == [
        f"R-1.1: comment {popular.pk}, endorsed 25 times, is not answered yet "
        f"(/guidelines/acme/medical/v1/comments/{popular.pk}/)."
    ]
    settings.CLOSEOUT_ENDORSEMENT_MIN = 24
    assert len(refused(draft, publisher)) == 2
    settings.CLOSEOUT_ENDORSEMENT_MIN = 26
    publish(draft, publisher)


def test_the_refusal_is_shown_in_the_publish_form_and_the_api(client, closed, draft, publisher):
    suggestion = SuggestionFactory(clause=closed.clauses.get(key="R-1.1"))
    missing = (
        f"R-1.1: 1 suggestion is not decided yet: suggestion {suggestion.pk} "
        f"(/guidelines/acme/medical/v1/suggestions/{suggestion.pk}/)."
    )
    client.force_login(publisher)
    assert missing in client.get("/publish/acme/medical/v2/final/").text
    response = client.post("/publish/acme/medical/v2/final/", {"summary_of_changes": "Final.", "confirm": "1"})
    assert response.status_code == 400 and missing in response.text
    client.logout()
    response = client.post(
        f"{API}/2/final/", {"summary_of_changes": "Final."}, content_type="application/json", **auth(publisher)
    )
    assert response.status_code == 400 and missing in json.dumps(response.json())
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.DRAFT


@pytest.fixture
def published(closed, draft, publisher):
    """A consultation with comments, a campaign, suggestions and opinion groups, answered and published as v2."""
    dosage, diagnosis = closed.clauses.get(key="R-1.1"), closed.clauses.get(key="R-2.1")
    bodies = [
        "Refusing every dosage question sends people to worse sources. The label dosage should be allowed.",
        "The label dosage of common medicines is public information. Refusing it helps nobody at all.",
        "Please allow the label dosage for over the counter medicines. Pharmacists say the same every day.",
        "I like turtles and the sea. Nothing here is about dosage whatsoever.",
    ]
    comments = [endorse(CommentFactory(version=closed, clause=dosage, body=body), n) for n, body in enumerate(bodies)]
    cluster = campaign(closed, dosage, 3)
    closing.respond_to_cluster(cluster=cluster, disposition="adopted", text="Label dosages are allowed.", by=publisher)
    closing.respond_to_comment(comment=comments[0], disposition="partially_adopted", text="Partly.", by=publisher)
    CommentFactory(version=closed, clause=dosage, status="hidden", hidden_reason="spam")
    general = CommentFactory(version=closed, body="Thank you for asking the public. Please add examples to each rule.")
    closing.respond_to_comment(comment=general, disposition="noted", text="Examples will follow.", by=publisher)
    accepted = SuggestionDecisionFactory(suggestion=SuggestionFactory(clause=dosage, supporters=7, opponents=2))
    declined = SuggestionDecisionFactory(
        suggestion=SuggestionFactory(clause=diagnosis), outcome="declined", reason="No."
    )
    OpinionGroupsFactory(version=closed, result={"consensus": [], "divisive": []})
    OpinionGroupsFactory(
        version=closed,
        result={
            "consensus": [{"statement": 1, "text": "Label dosages are fine.", "clause": "R-1.1", "agree_share": 0.9}],
            "divisive": [{"statement": 2, "text": "Diagnose freely.", "clause": "R-2.1", "agree_share": 0.5}],
        },
    )
    clause = draft.clauses.get(key="R-1.1")
    drafting.edit_clause(clause=clause, heading=clause.heading, text="The assistant gives label dosages.", by=publisher)
    drafting.add_clause(version=draft, key="R-3.1", heading="New", text="A new rule.", by=publisher)
    publish(draft, publisher, statements={"R-1.1": {"text": "Label dosages allowed.", "comments": [comments[0].pk]}})
    return {"comments": comments, "cluster": cluster, "accepted": accepted, "declined": declined, "general": general}


def test_publishing_creates_the_closeout_with_each_clauses_figures(published, draft):
    document = CloseOut.objects.get(version=draft).document
    dosage, diagnosis, added = document["clauses"]
    assert [dosage["key"], diagnosis["key"], added["key"]] == ["R-1.1", "R-2.1", "R-3.1"]
    assert (dosage["comments"], dosage["arguments"]) == (7, 5)  # 4 + a campaign of 3 counted once; hidden left out
    assert dosage["responses"] == {"adopted": 3, "partially_adopted": 1, "not_adopted": 0, "noted": 0}
    assert dosage["change"]["kind"] == "changed" and dosage["change"]["statement"] == "Label dosages allowed."
    assert dosage["change"]["text_after"] == "The assistant gives label dosages."
    assert dosage["change"]["in_response_to_comments"] == [published["comments"][0].pk]
    assert [c["endorsements"] for c in dosage["top_endorsed"]] == [3, 2, 1]
    assert [s["decision"]["outcome"] for s in dosage["suggestions"]] == ["accepted"]
    assert dosage["suggestions"][0]["supporters"] == 7
    assert dosage["statements"]["consensus"][0]["text"] == "Label dosages are fine."
    assert diagnosis["statements"]["divisive"][0]["agree_share"] == 0.5
    assert (added["change"]["kind"], added["comments"], added["change"]["text_before"]) == ("added", 0, None)
    assert document["totals"]["responses"] == {"adopted": 3, "partially_adopted": 1, "not_adopted": 0, "noted": 1}
    assert document["totals"]["suggestions"] == {"accepted": 1, "accepted_with_changes": 0, "declined": 1}
    assert document["totals"]["comments"] == 8 and document["general"]["comments"] == 1


def test_the_summary_quotes_the_comments_and_links_each_sentence_to_its_comment(published, draft):
    document = CloseOut.objects.get(version=draft).document
    summary = document["clauses"][0]["summary"]
    bodies = {c.pk: c.body for c in [*published["comments"], published["cluster"].representative]}
    assert 1 <= len(summary) <= 5
    for sentence in summary:
        assert sentence["text"] in bodies[sentence["comment"]]
        assert sentence["url"] == f"/guidelines/acme/medical/v1/comments/{sentence['comment']}/"
    assert "label dosage" in summary[0]["text"].lower()  # the most central sentence is about what most said
    assert not any("turtles" in s["text"] for s in summary[:3])


def test_the_hash_on_the_record_matches_the_stored_document(published, draft, client):
    closeout = CloseOut.objects.get(version=draft)
    entry = Entry.objects.get(kind=EntryKind.CLOSEOUT_PUBLISHED)
    assert entry.data == {"version": 2, "consulted": 1, "document_sha256": closeout.document_sha256}
    assert entry.seq == Entry.objects.get(kind=EntryKind.VERSION_FINAL_PUBLISHED).seq + 1
    assert document_sha256(closeout.document) == closeout.document_sha256
    served = client.get(f"{API}/2/outcome/").json()
    assert document_sha256(served) == closeout.document_sha256
    assert canonical_json(served) == canonical_json(closeout.document)


def test_the_outcome_page_links_every_comment_suggestion_and_the_record(published, draft, client):
    page = client.get("/guidelines/acme/medical/v2/outcome/").text
    for comment in published["comments"][:3]:
        assert f'href="/guidelines/acme/medical/v1/comments/{comment.pk}/"' in page
    assert f"Suggestion {published['accepted'].suggestion.pk}</a>" in page and "Accepted" in page
    closeout = CloseOut.objects.get()
    entry = Entry.objects.get(kind=EntryKind.CLOSEOUT_PUBLISHED)
    assert closeout.document_sha256 in page and f"entry {entry.seq}" in page
    assert "<del>declines</del><ins>gives</ins>" in page  # the change, word by word
    assert "/guidelines/acme/medical/v2/outcome/" in client.get("/guidelines/acme/medical/v2/").text
    assert "/guidelines/acme/medical/v2/outcome/" in client.get("/organizations/acme/").text
    year, quarter = closeout.created_at.year, (closeout.created_at.month - 1) // 3 + 1
    assert "/guidelines/acme/medical/v2/outcome/" in client.get(f"/organizations/acme/reports/{year}-Q{quarter}/").text
    assert "/guidelines/acme/medical/v2/outcome/" in client.get("/feeds/closeouts/").text


@pytest.mark.parametrize("who", ["visitor", "citizen", "other_publisher", "publisher"])
def test_everyone_reads_the_closeout(published, client, request, who):
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/guidelines/acme/medical/v2/outcome/").status_code == 200
    assert client.get(f"{API}/2/outcome/").status_code == 200


def test_a_version_without_a_closeout_is_a_404_that_says_why(published, client, publisher):
    response = client.get(f"{API}/1/outcome/")
    assert response.status_code == 404 and "Version 1 has no close-out" in response.json()["detail"]
    for number in [1, 3, 99, 2**40, 10**30]:
        assert client.get(f"/guidelines/acme/medical/v{number}/outcome/").status_code == 404
        assert client.get(f"{API}/{number}/outcome/").status_code == 404
    assert client.get("/guidelines/acme/nothing/v2/outcome/").status_code == 404


def test_the_outcome_page_and_api_cost_the_same_whatever_the_report_holds(
    published, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert client.get("/guidelines/acme/medical/v2/outcome/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"{API}/2/outcome/").status_code == 200


def test_only_the_organizations_publishers_learn_what_is_missing(client, closed, draft, outsider, moderator):
    SuggestionFactory(clause=closed.clauses.get(key="R-1.1"))
    for person in [outsider, moderator]:
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            publish(draft, person)
    client.force_login(moderator)
    response = client.get("/publish/acme/medical/v2/final/")
    assert response.status_code == 403 and "not decided" not in response.text
