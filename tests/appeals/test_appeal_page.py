"""The public page of an appeal: what it shows to whom, its attachments, its cost in queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import services
from appeals.models import Citation
from tests.appeals.factories import (
    admitted,
    decided,
    file,
    make_reviewer,
    screenshot,
)
from tests.factories import UserFactory


def test_the_public_page_shows_redacted_excerpts_only_after_screening(
    client, citizen, system, guideline, moderator, django_capture_on_commit_callbacks
):
    appeal = file(citizen, system, guideline, prompt_excerpt="Write to ada@example.org about dosage")
    response = client.get(appeal.get_absolute_url())
    assert "published once a moderator has screened" in response.text
    assert "ada@example.org" not in response.text
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is renewed once screening commits
        services.admit_appeal(appeal=appeal, by=moderator)
    response = client.get(appeal.get_absolute_url())
    assert "[redacted]" in response.text
    assert "ada@example.org" not in response.text
    assert "Appellant " + appeal.public_id in response.text  # pseudonymous by default
    assert "/guidelines/acme/assistant-refusals/v1/#R-1.1" in response.text


def test_the_appellant_and_moderators_see_the_original(client, citizen, system, guideline, moderator, publisher):
    appeal = file(citizen, system, guideline, prompt_excerpt="Write to ada@example.org about dosage")
    for user, sees in [(citizen, True), (moderator, True), (publisher, False), (UserFactory(), False)]:
        client.force_login(user)
        assert ("ada@example.org" in client.get(appeal.get_absolute_url()).text) is sees


def test_the_decided_appeal_page_shows_decision_and_timeline_in_constant_queries(
    client, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    appeal = decided(citizen, system, guideline, moderator)
    with django_assert_max_num_queries(14):  # 12, the receipts of the appeal and its decisions in one, and precedent
        response = client.get(appeal.get_absolute_url())
    assert "Overturned" in response.text
    assert "<em>public health</em>" in response.text
    assert "reviewer rae" in response.text


def test_attachments_are_private_until_screened_and_published(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, attachments=[screenshot()])
    item = appeal.attachments.get()
    url = item.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(moderator)
    client.post(
        reverse("redact-appeal", args=[appeal.public_id]),
        {
            "public_prompt_excerpt": "a",
            "public_refusal_excerpt": "b",
            "public_grounds": "c",
            "public_attachments": [item.pk],
        },
    )
    client.logout()
    assert client.get(url).status_code == 404  # screened but not yet admitted
    services.admit_appeal(appeal=appeal, by=moderator)
    assert client.get(url).status_code == 200


def test_a_private_attachment_is_refused_to_publishers_and_other_reviewers(
    client, citizen, publisher, system, guideline, moderator
):
    appeal = file(citizen, system, guideline, attachments=[screenshot("ada-lovelace-ada@example.org.png")])
    url = appeal.attachments.get().get_absolute_url()
    services.admit_appeal(appeal=appeal, by=moderator)
    for person in [publisher, make_reviewer("stranger").user, UserFactory()]:
        client.force_login(person)
        assert client.get(url).status_code == 404  # not even whether it exists
        page = client.get(appeal.get_absolute_url()).text
        assert "ada-lovelace" not in page and "image/png" not in page  # private: not even listed


def test_the_public_page_names_a_published_attachment_neutrally(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, attachments=[screenshot("ada-lovelace-ada@example.org.png")])
    item = appeal.attachments.get()
    services.redact_refusal(
        appeal=appeal,
        by=moderator,
        public_prompt_excerpt="a",
        public_refusal_excerpt="b",
        public_attachment_ids=[item.pk],
    )
    services.admit_appeal(appeal=appeal, by=moderator)
    page = client.get(appeal.get_absolute_url()).text
    assert "Attachment 1 (image/png)" in page and "ada-lovelace" not in page
    client.force_login(citizen)
    assert "ada-lovelace-ada@example.org.png" in client.get(appeal.get_absolute_url()).text


def test_unknown_appeals_are_404(client, db):
    assert client.get("/appeals/A-2026-999999/").status_code == 404
    assert client.get("/appeals/not-an-id/").status_code == 404


@pytest.mark.parametrize("name", ["my-appeals", "appeal-screening-queue", "reviewer-home"])
def test_signed_out_people_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def busy_appeal(citizen, system, guideline, moderator, publisher, cites):
    """Decided by a panel of three with a dissent, citing an earlier decision, corrected and answered."""
    appeal = admitted(citizen, system, guideline, moderator, significant=True, refusal_excerpt="busy")
    for handle in ["a", "b", "c"]:
        make_reviewer(handle)
    services.route_appeal(appeal=appeal)
    for assignment, outcome in zip(appeal.assignments.all(), ["upheld", "overturned", "upheld"], strict=True):
        reviewer = assignment.reviewer.user
        services.accept_assignment(assignment=assignment, by=reviewer)
        services.decide_appeal(
            assignment=assignment,
            by=reviewer,
            outcome=outcome,
            rationale="r",
            cited_clause_keys=["R-1.1"],
            citations=[Citation(decision=cites.pk, relation="follows", reason="The same refusal.")],
        )
    first = appeal.decisions.get()
    services.correct_decision(decision=first, by=moderator, **CORRECTION)
    services.respond_to_decision(decision=first, by=publisher, kind="disagrees", text="No.")
    return appeal


CORRECTION = {"outcome": "upheld", "rationale": "r2", "cited_clause_keys": ["R-1.1"], "note": "n"}


def test_the_appeal_page_costs_the_same_however_much_happened(
    client, citizen, system, guideline, moderator, publisher, django_assert_num_queries
):
    simple = decided(citizen, system, guideline, moderator, "rae", refusal_excerpt="simple")
    busy = busy_appeal(citizen, system, guideline, moderator, publisher, cites=simple.decisions.get())
    with CaptureQueriesContext(connection) as few:
        client.get(simple.get_absolute_url())
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(busy.get_absolute_url()).text
    assert page.count('class="decision') == 2 and "Dissent" in page and "No." in page
