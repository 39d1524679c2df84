import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, Assignment, Decision
from consultation.models import GuidelineVersion
from tests.appeals.factories import (
    PDF_BYTES,
    admitted,
    decided,
    file,
    make_reviewer,
    published_guideline,
    screenshot,
    upload,
)
from tests.factories import ClauseFactory, GuidelineVersionFactory, UserFactory


def test_the_form_offers_the_clauses_in_force_not_a_draft_in_consultation(client, citizen, system, guideline):
    in_consultation = GuidelineVersionFactory(guideline=guideline, number=2, status=GuidelineVersion.CONSULTATION)
    ClauseFactory(version=in_consultation, key="R-9.9", heading="Proposed clause", position=0)
    client.force_login(citizen)
    page = client.get(form_url(system)).text
    assert "R-1.1 Heading R-1.1" in page and "R-9.9" not in page


def form_url(system):
    return f"{reverse('file-appeal')}?organization={system.organization.slug}&system={system.slug}"


def test_the_form_guides_through_organization_system_and_clauses(client, citizen, system, guideline):
    client.force_login(citizen)
    first = client.get(reverse("file-appeal"))
    assert system.organization.name in first.text
    second = client.get(f"{reverse('file-appeal')}?organization={system.organization.slug}")
    assert system.name in second.text
    third = client.get(form_url(system))
    assert "R-1.1 Heading R-1.1" in third.text
    assert "<strong>R-1.1</strong>" in third.text  # the clause text, rendered


def test_filing_in_the_browser_shows_the_public_id(client, citizen, system, guideline):
    client.force_login(citizen)
    response = client.post(
        form_url(system),
        {
            "happened_at": "2026-11-20T10:00",
            "prompt_excerpt": "Is ibuprofen safe with coffee?",
            "refusal_excerpt": "I cannot give medical advice.",
            "language": "en",
            "clause_keys": ["R-1.1"],
            "grounds": "General facts.",
            "requested_outcome": "overturned",
            "attachments": [screenshot()],
        },
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert appeal.public_id in response.text
    assert "Your appeal is filed" in response.text
    assert appeal.attachments.count() == 1


def test_bad_input_in_the_browser_shows_errors_and_stores_nothing(client, citizen, system, guideline):
    client.force_login(citizen)
    response = client.post(
        form_url(system),
        {
            "happened_at": "2099-01-01T10:00",
            "prompt_excerpt": "x",
            "refusal_excerpt": "y",
            "language": "en",
            "clause_keys": ["R-1.1"],
            "grounds": "z" * 5001,
            "requested_outcome": "overturned",
            "attachments": [upload("renamed.png", PDF_BYTES)],
        },
    )
    assert response.status_code == 400
    assert "at most 5000 characters" in response.text
    assert not Appeal.objects.exists()


def test_a_visitor_is_asked_to_sign_in_before_filing(client, system, guideline):
    response = client.get(form_url(system))
    assert "Sign in" in response.text
    assert 'name="grounds"' not in response.text


def test_the_public_page_shows_redacted_excerpts_only_after_screening(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, prompt_excerpt="Write to ada@example.org about dosage")
    response = client.get(appeal.get_absolute_url())
    assert "published once a moderator has screened" in response.text
    assert "ada@example.org" not in response.text
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
    with django_assert_max_num_queries(12):
        response = client.get(appeal.get_absolute_url())
    assert "Overturned" in response.text
    assert "<em>public health</em>" in response.text
    assert "reviewer rae" in response.text


def test_decisions_are_listed_newest_first_with_filters_and_search(client, citizen, system, guideline, moderator):
    first = decided(citizen, system, guideline, moderator, "rae", Decision.UPHELD, refusal_excerpt="one")
    second = decided(citizen, system, guideline, moderator, "sam", Decision.OVERTURNED, refusal_excerpt="two")
    text = client.get(reverse("decisions")).text
    assert text.index(second.public_id) < text.index(first.public_id)
    text = client.get(reverse("decisions"), {"outcome": "upheld"}).text
    assert first.public_id in text and second.public_id not in text
    text = client.get(reverse("decisions"), {"organization": "acme", "system": "helper", "clause": "R-1.1"}).text
    assert first.public_id in text and second.public_id in text
    assert "No decisions match" in client.get(reverse("decisions"), {"clause": "R-3.1"}).text
    assert first.public_id in client.get(reverse("decisions"), {"q": "health"}).text


def test_the_decision_filters_offer_known_organizations_and_systems(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    page = client.get(reverse("decisions")).text
    assert '<option value="acme">Acme AI</option>' in page
    assert '<option value="helper">Acme Helper (Acme AI)</option>' in page
    unknown = client.get(reverse("decisions"), {"organization": "nobody"})
    assert "Select a valid choice" in unknown.text
    assert appeal.public_id not in unknown.text and "No decisions match" in unknown.text
    export = client.get(reverse("decisions-export"), {"system": "<script>"})
    assert export.status_code == 400 and "Select a valid choice" in export.content.decode()


def test_the_decisions_page_runs_a_constant_number_of_queries(
    client, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    for n in range(3):
        decided(citizen, system, guideline, moderator, f"r{n}", refusal_excerpt=f"refusal {n}")
    with django_assert_max_num_queries(4):
        client.get(reverse("decisions"))
    for n in range(3, 6):
        decided(citizen, system, guideline, moderator, f"r{n}", refusal_excerpt=f"refusal {n}")
    with django_assert_max_num_queries(4):
        client.get(reverse("decisions"), {"q": "health", "outcome": "overturned"})


def test_the_decisions_page_pages_by_cursor(client, citizen, system, guideline, moderator, monkeypatch):
    monkeypatch.setattr("appeals.public_views.DECISIONS_PER_PAGE", 1)
    decided(citizen, system, guideline, moderator, "rae", refusal_excerpt="one")
    decided(citizen, system, guideline, moderator, "sam", refusal_excerpt="two")
    first_page = client.get(reverse("decisions"))
    assert "Older decisions" in first_page.text
    older = first_page.context["older"]
    assert "Older decisions" not in client.get(reverse("decisions"), {"before": older}).text
    assert client.get(reverse("decisions"), {"before": "nope"}).status_code == 404


def test_only_moderators_see_the_queue_and_screen(client, citizen, system, guideline, moderator, publisher):
    appeal = file(citizen, system, guideline)
    for user in [citizen, publisher]:
        client.force_login(user)
        assert client.get(reverse("appeal-screening-queue")).status_code == 403
        assert client.post(reverse("admit-appeal", args=[appeal.public_id])).status_code == 403
    client.force_login(moderator)
    assert appeal.public_id in client.get(reverse("appeal-screening-queue")).text
    client.post(reverse("admit-appeal", args=[appeal.public_id]), {"significant": "on"})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.significant) == (Appeal.AWAITING_REVIEW, True)


def test_a_moderator_redacts_and_the_timeline_says_only_that(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, prompt_excerpt="My name is Ada Lovelace, how much paracetamol?")
    client.force_login(moderator)
    client.post(
        reverse("redact-appeal", args=[appeal.public_id]),
        {
            "public_prompt_excerpt": "My name is [redacted], how much paracetamol?",
            "public_refusal_excerpt": "No.",
            "public_grounds": "The dose is on the packet, says [redacted].",
        },
    )
    appeal.refresh_from_db()
    assert appeal.refusal.public_prompt_excerpt == "My name is [redacted], how much paracetamol?"
    assert appeal.public_grounds == "The dose is on the packet, says [redacted]."
    event = appeal.events.get(kind="redacted")
    assert "Ada" not in event.note


def test_a_moderator_declares_an_appeal_inadmissible_with_a_public_note(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline)
    client.force_login(moderator)
    client.post(
        reverse("declare-inadmissible", args=[appeal.public_id]),
        {"reason": "not_a_refusal", "public_note": "The system answered the question."},
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.INADMISSIBLE
    assert "The system answered the question." in client.get(appeal.get_absolute_url()).text


def test_moderators_route_by_hand_and_see_why(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    chosen = make_reviewer("chosen")
    client.force_login(moderator)
    client.post(reverse("route-appeal", args=[appeal.public_id]), {"reviewer": chosen.pk})
    page = client.get(reverse("screen-appeal", args=[appeal.public_id]))
    assert "chosen by hand by a moderator" in page.text


def test_a_reviewer_sees_only_their_own_assignments(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator, prompt_excerpt="secret dosage question")
    mine = make_reviewer("mine")
    services.route_appeal(appeal=appeal)
    other = make_reviewer("other")
    assignment = appeal.assignments.get()
    client.force_login(other.user)
    assert client.get(reverse("review", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("accept-assignment", args=[assignment.pk])).status_code == 404
    assert "Private: the original excerpts" not in client.get(appeal.get_absolute_url()).text
    client.force_login(mine.user)
    assert "secret dosage" in client.get(reverse("review", args=[assignment.pk])).text


def test_a_reviewer_accepts_and_decides_in_the_browser(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get()
    client.force_login(reviewer.user)
    client.post(reverse("accept-assignment", args=[assignment.pk]))
    response = client.post(reverse("decide-appeal", args=[assignment.pk]), {"outcome": "upheld", "rationale": "Fine."})
    assert response.status_code == 400
    assert "This field is required" in response.text
    client.post(
        reverse("decide-appeal", args=[assignment.pk]),
        {"outcome": "upheld", "rationale": "The clause applies.", "cited_clause_keys": ["R-1.1"]},
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.DECIDED


def test_a_reviewer_declines_with_a_reason(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get()
    client.force_login(reviewer.user)
    assert client.post(reverse("decline-assignment", args=[assignment.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("decline-assignment", args=[assignment.pk]), {"reason": "Conflict."})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.DECLINED
    assert client.get(reverse("review", args=[assignment.pk])).status_code == 404  # no longer theirs to read


def test_a_publisher_responds_but_cannot_decide(client, citizen, system, guideline, moderator, publisher):
    appeal = decided(citizen, system, guideline, moderator)
    decision = appeal.decisions.get()
    client.force_login(publisher)
    assert client.get(reverse("reviewer-home")).status_code == 403
    assert client.get(reverse("correct-decision", args=[decision.pk])).status_code == 403
    client.post(reverse("respond-to-decision", args=[decision.pk]), {"kind": "will_comply", "text": "We will."})
    assert "We will." in client.get(appeal.get_absolute_url()).text


def test_others_cannot_respond_for_the_organization(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    client.force_login(citizen)
    assert client.get(reverse("respond-to-decision", args=[appeal.decisions.get().pk])).status_code == 403


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
        assert client.get(url).status_code in (403, 404)
        page = client.get(appeal.get_absolute_url()).text
        assert "ada-lovelace" not in page and "image/png" not in page  # private: not even listed


def test_the_public_page_names_a_published_attachment_neutrally(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, attachments=[screenshot("ada-lovelace-ada@example.org.png")])
    item = appeal.attachments.get()
    services.redact_refusal(
        appeal=appeal, by=moderator, public_prompt_excerpt="a", public_refusal_excerpt="b",
        public_attachment_ids=[item.pk],
    )  # fmt: skip
    services.admit_appeal(appeal=appeal, by=moderator)
    page = client.get(appeal.get_absolute_url()).text
    assert "Attachment 1 (image/png)" in page and "ada-lovelace" not in page
    client.force_login(citizen)
    assert "ada-lovelace-ada@example.org.png" in client.get(appeal.get_absolute_url()).text


def test_the_appellant_withdraws_from_the_appeal_page(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(UserFactory())
    client.post(reverse("withdraw-appeal", args=[appeal.public_id]))
    appeal.refresh_from_db()
    assert appeal.status == Appeal.SUBMITTED
    client.force_login(citizen)
    client.post(reverse("withdraw-appeal", args=[appeal.public_id]))
    appeal.refresh_from_db()
    assert appeal.status == Appeal.WITHDRAWN


def test_unknown_appeals_are_404(client, db):
    assert client.get("/appeals/A-2026-999999/").status_code == 404
    assert client.get("/appeals/not-an-id/").status_code == 404


@pytest.mark.parametrize("name", ["my-appeals", "appeal-screening-queue", "reviewer-home"])
def test_signed_out_people_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_publisher_sees_the_decisions_to_answer(client, citizen, system, guideline, moderator, publisher):
    appeal = decided(citizen, system, guideline, moderator)
    client.force_login(citizen)
    assert client.get(reverse("decisions-to-answer")).status_code == 403
    client.force_login(publisher)
    assert "Decisions on your organization" in client.get(reverse("decisions")).text
    page = client.get(reverse("decisions-to-answer"))
    assert appeal.public_id in page.text and "not answered yet" in page.text


def test_the_appeal_page_costs_the_same_however_much_happened(client, citizen, system, guideline, moderator, publisher):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    simple = decided(citizen, system, guideline, moderator, "rae", refusal_excerpt="simple")
    busy = admitted(citizen, system, guideline, moderator, significant=True, refusal_excerpt="busy")
    panel = [make_reviewer(h) for h in ["a", "b", "c"]]
    services.route_appeal(appeal=busy)
    for assignment, outcome in zip(busy.assignments.all(), ["upheld", "overturned", "upheld"], strict=True):
        services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
        services.decide_appeal(
            assignment=assignment,
            by=assignment.reviewer.user,
            outcome=outcome,
            rationale="r",
            cited_clause_keys=["R-1.1"],
            cited_decision_ids=[simple.decisions.get().pk],
        )
    first = busy.decisions.get()
    services.correct_decision(
        decision=first, by=moderator, outcome="upheld", rationale="r2", cited_clause_keys=["R-1.1"], note="n"
    )
    services.respond_to_decision(decision=first, by=publisher, kind="disagrees", text="No.")
    assert len(panel) == 3
    counts = []
    for appeal in [simple, busy]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(appeal.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_decisions_download_as_streamed_csv(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    response = client.get(reverse("decisions-export"), {"outcome": "overturned"})
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("decision,appeal,organization")
    assert appeal.public_id in lines[1] and "R-1.1" in lines[1]
    empty = b"".join(client.get(reverse("decisions-export"), {"outcome": "upheld"}).streaming_content)
    assert len(empty.decode().splitlines()) == 1


def test_decision_exports_are_rate_limited_with_a_clear_message(db, client, settings):
    settings.CONSULTATION_EXPORTS_PER_HOUR = 1
    assert client.get(reverse("decisions-export")).status_code == 200
    refused = client.get(reverse("decisions-export"))
    assert refused.status_code == 429 and "try again later" in refused.content.decode()


def test_a_bad_page_of_decisions_is_a_404(db, client):
    assert client.get(reverse("decisions"), {"before": "²"}).status_code == 404


def test_the_screening_page_flags_personal_data(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, refusal_excerpt="I won't email bob@example.org for you.")
    client.force_login(moderator)
    page = client.get(reverse("screen-appeal", args=[appeal.public_id]))
    assert "An email address in the refusal excerpt" in page.text
    assert "I won&#x27;t email [redacted] for you." in page.text  # the proposed public excerpt


@pytest.mark.parametrize("chosen", ["abc", "1.5", "", "9" * 30, "²"])
def test_routing_by_hand_to_no_such_reviewer_says_so(client, citizen, system, guideline, moderator, chosen):
    appeal = admitted(citizen, system, guideline, moderator)
    client.force_login(moderator)
    response = client.post(reverse("route-appeal", args=[appeal.public_id]), {"reviewer": chosen}, follow=True)
    assert "Choose a reviewer from the list" in response.text
    assert not appeal.assignments.exists()


def test_a_publisher_cannot_decide_through_the_page(client, citizen, publisher, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    client.force_login(publisher)
    body = {"outcome": "overturned", "rationale": "I say so.", "cited_clause_keys": ["R-1.1"]}
    assert client.post(reverse("decide-appeal", args=[assignment.pk]), body).status_code in (403, 404)
    assert not Decision.objects.exists()


def test_a_clause_key_is_searched_within_its_guideline(client, citizen, organization, system, guideline, moderator):
    other = published_guideline(organization, slug="other-rules")
    ours = decided(citizen, system, guideline, moderator, "rae", refusal_excerpt="ours")
    theirs = decided(citizen, system, other, moderator, "sam", refusal_excerpt="theirs")
    both = client.get(reverse("decisions"), {"clause": "R-1.1"}).text
    assert ours.public_id in both and theirs.public_id in both
    page = client.get(reverse("decisions"), {"guideline": "other-rules", "clause": "R-1.1"}).text
    assert theirs.public_id in page and ours.public_id not in page
    api = client.get("/api/v1/decisions/", {"guideline": "assistant-refusals", "clause": "R-1.1"}).json()
    assert [d["appeal"] for d in api["results"]] == [ours.public_id]
