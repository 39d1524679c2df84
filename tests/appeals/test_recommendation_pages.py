"""The pages of recommendations: the organization's public tracker, the decision, and the publishers' answers."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Recommendation
from tests.appeals.factories import admitted
from tests.appeals.test_recommendations import accepted_assignments, answer, recommended, vote
from tests.factories import MembershipFactory, UserFactory

ORGANIZATION_PAGE = "/organizations/acme/"


@pytest.fixture
def recommendation(citizen, system, guideline, moderator):
    return recommended(citizen, system, guideline, moderator, "Publish the dosage limits you apply.")[0]


def several(citizen, system, guideline, moderator, count: int, batch: str = "a") -> list[Recommendation]:
    """`count` recommendations, five to a decision, each decision by a new reviewer (named after `batch`)."""
    texts = [f"Recommendation number {n}." for n in range(count)]
    made = []
    for n in range(0, count, 5):
        made += recommended(citizen, system, guideline, moderator, *texts[n : n + 5], handle=f"{batch}{n}")
    return made


# The organization's page


def test_the_organization_page_shows_the_organization_and_its_guidelines(client, organization, guideline):
    organization.website = "https://acme.example"
    organization.save()
    page = client.get(ORGANIZATION_PAGE)
    assert page.status_code == 200
    assert "<h1>Acme AI</h1>" in page.text and 'href="https://acme.example"' in page.text
    assert guideline.get_absolute_url() in page.text
    assert "No recommendations have been made to Acme AI yet." in page.text


def test_an_unknown_organization_is_not_found(client, db):
    assert client.get("/organizations/nobody/").status_code == 404


def test_the_tracker_counts_each_answer_and_links_to_its_list(client, citizen, system, guideline, moderator, publisher):
    accepted, partly, declined, done, waiting = several(citizen, system, guideline, moderator, 5)
    answer(accepted, publisher, "accepted")
    answer(accepted, publisher, "in_progress")
    answer(partly, publisher, "partly_accepted", note="Half.")
    answer(declined, publisher, "declined", note="No.")
    answer(done, publisher, "already_done", note="Since v1.")
    page = client.get(ORGANIZATION_PAGE)
    assert "How Acme AI answered the 5 recommendations made to it" in page.text
    rows = page.context["tracker"].rows()
    assert {row.view: (row.count, row.percent) for row in rows} == {
        "responded": (4, 80),
        "accepted": (1, 20),
        "partly_accepted": (1, 20),
        "declined": (1, 20),
        "already_done": (1, 20),
        "in_progress": (1, 20),
        "implemented": (0, 0),
        "awaiting_response": (1, 20),
        "overdue": (0, 0),
    }
    for row in rows:
        listed = client.get(ORGANIZATION_PAGE, {"state": row.view}).context["recommendations"]
        assert len(listed) == row.count, row.view
    cache.clear()  # the same address again: rendered, not the cached copy (which has no context)
    assert [r.public_id for r in client.get(ORGANIZATION_PAGE, {"state": "accepted"}).context["recommendations"]] == [
        accepted.public_id
    ]


def test_the_tracker_follows_each_step_without_counting_every_row(recommendation, publisher, django_assert_num_queries):
    from appeals.selectors import recommendation_tracker

    answer(recommendation, publisher, "accepted")
    answer(recommendation, publisher, "in_progress")
    answer(
        recommendation, publisher, "implemented", implemented_on=timezone.localdate(), evidence_url="https://a.example"
    )
    with django_assert_num_queries(2):  # the kept counts, and the overdue ones now
        counts = recommendation_tracker(recommendation.organization, timezone.now()).counts
    assert {figure: count for figure, count in counts.items() if count} == {
        "made": 1,
        "responded": 1,
        "accepted": 1,
        "implemented": 1,
    }


def test_overdue_responses_are_listed_first_and_marked(client, citizen, system, guideline, moderator):
    late, on_time = several(citizen, system, guideline, moderator, 2)
    Recommendation.objects.filter(pk=late.pk).update(respond_by=timezone.now() - timedelta(days=2))
    page = client.get(ORGANIZATION_PAGE)
    assert "Overdue responses: 1" in page.text
    assert [r.public_id for r in page.context["overdue"]] == [late.public_id]
    assert page.text.index("Overdue responses") < page.text.index("Recommendations tracker")
    overdue_list = client.get(ORGANIZATION_PAGE, {"state": "overdue"})
    assert [r.public_id for r in overdue_list.context["recommendations"]] == [late.public_id]
    assert '<strong class="overdue">overdue</strong>' in overdue_list.text


def test_each_recommendation_links_to_its_decision_and_evidence(client, recommendation, publisher):
    answer(recommendation, publisher, "accepted")
    answer(
        recommendation,
        publisher,
        "implemented",
        implemented_on=timezone.localdate(),
        evidence_url="https://acme.example/v2",
    )
    page = client.get(ORGANIZATION_PAGE)
    assert recommendation.decision.get_absolute_url() in page.text
    assert 'href="https://acme.example/v2"' in page.text
    assert "Implemented" in page.text


def test_the_page_reads_the_same_number_of_queries_however_many_recommendations(
    client, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    several(citizen, system, guideline, moderator, 2)
    Recommendation.objects.update(respond_by=timezone.now() - timedelta(days=1))
    with django_assert_max_num_queries(
        10
    ) as few:  # 8, one for its close-outs (consultation's tag), one for its systems
        client.get(ORGANIZATION_PAGE)
    several(citizen, system, guideline, moderator, 25, batch="b")
    Recommendation.objects.filter(respond_by__gt=timezone.now()).update(respond_by=timezone.now() - timedelta(days=1))
    cache.clear()  # the deadlines moved by update(), outside the ledger that renews cached pages
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(ORGANIZATION_PAGE)
    assert len(page.context["recommendations"]) == 20 and len(page.context["overdue"]) == 27


def test_the_list_is_paged_by_a_cursor(client, citizen, system, guideline, moderator):
    made = several(citizen, system, guideline, moderator, 23)
    first = client.get(ORGANIZATION_PAGE, {"state": "awaiting_response"})
    assert len(first.context["recommendations"]) == 20
    assert first.context["older"] and "state=awaiting_response&amp;before=" in first.text
    rest = client.get(ORGANIZATION_PAGE, {"state": "awaiting_response", "before": first.context["older"]})
    shown = [r.public_id for r in first.context["recommendations"] + rest.context["recommendations"]]
    assert sorted(shown) == sorted(r.public_id for r in made)
    assert client.get(ORGANIZATION_PAGE, {"before": "nonsense"}).status_code == 404


def test_an_unknown_state_is_said_and_lists_nothing(client, recommendation):
    page = client.get(ORGANIZATION_PAGE, {"state": "maybe"})
    assert "Select a valid choice" in page.text and page.context["recommendations"] == []


# The decision and the publishers' pages


def test_the_appeal_page_shows_the_recommendations_and_their_steps(client, recommendation, publisher):
    answer(recommendation, publisher, "declined", note="It would help misuse.")
    appeal_page = client.get(recommendation.decision.appeal.get_absolute_url())
    assert f'id="{recommendation.public_id}"' in appeal_page.text
    assert "Publish the dosage limits you apply." in appeal_page.text
    assert "It would help misuse." in appeal_page.text and "Declined" in appeal_page.text
    assert reverse("answer-recommendation", args=[recommendation.pk]) not in appeal_page.text
    assert reverse("organization", args=["acme"]) in appeal_page.text


def test_a_publisher_finds_the_recommendation_to_answer(client, recommendation, publisher):
    client.force_login(publisher)
    answer_url = reverse("answer-recommendation", args=[recommendation.pk])
    assert answer_url in client.get(recommendation.decision.appeal.get_absolute_url()).text
    to_answer = client.get(reverse("decisions-to-answer"))
    assert "Recommendations to answer" in to_answer.text and answer_url in to_answer.text


def test_a_publisher_answers_in_the_browser(client, recommendation, publisher):
    client.force_login(publisher)
    url = reverse("answer-recommendation", args=[recommendation.pk])
    form = client.get(url)
    assert 'value="accepted"' in form.text and 'value="implemented"' not in form.text
    done = client.post(url, {"kind": "accepted", "note": "We will publish them."})
    assert done.status_code == 302 and done.url == recommendation.get_absolute_url()
    recommendation.refresh_from_db()
    assert recommendation.state == "accepted"
    assert 'value="implemented"' in client.get(url).text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "declined", "note": ""}, "Give the reasons for declining."),
        ({"kind": "implemented", "implemented_on": "2026-01-01", "evidence_url": "https://a.example"},
         "must be accepted (in full or in part) before it is implemented"),
        ({"kind": "accepted", "implemented_on": "31/31/2026"}, "Give the date as a day, month and year"),
        ({}, "Choose an answer."),
    ],
)  # fmt: skip  # a table: one row per refused answer
def test_a_wrong_answer_in_the_browser_is_said_and_changes_nothing(client, recommendation, publisher, data, message):
    client.force_login(publisher)
    page = client.post(reverse("answer-recommendation", args=[recommendation.pk]), data)
    assert page.status_code == 400 and message in page.text
    recommendation.refresh_from_db()
    assert recommendation.state == Recommendation.AWAITING and recommendation.steps.count() == 1


@pytest.mark.parametrize("who", ["other_publisher", "citizen", "moderator", "reviewer"])
def test_only_the_organizations_publishers_may_open_the_answer_page(
    client, recommendation, other_organization, moderator, who
):
    people = {
        "other_publisher": lambda: MembershipFactory(organization=other_organization).user,
        "citizen": UserFactory,
        "moderator": lambda: moderator,
        "reviewer": lambda: recommendation.decision.votes.get().assignment.reviewer.user,
    }
    client.force_login(people[who]())
    url = reverse("answer-recommendation", args=[recommendation.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "accepted"}).status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.state == Recommendation.AWAITING


def test_a_visitor_is_asked_to_sign_in_to_answer(client, recommendation):
    page = client.post(reverse("answer-recommendation", args=[recommendation.pk]), {"kind": "accepted"})
    assert page.status_code == 302 and "/accounts/login/" in page.url


def test_a_reviewer_writes_recommendations_with_the_decision(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    (assignment,) = accepted_assignments(appeal, "rae")
    client.force_login(assignment.reviewer.user)
    url = reverse("decide-appeal", args=[assignment.pk])
    data = {"outcome": "overturned", "rationale": "Public facts.", "cited_clause_keys": ["R-1.1"]}
    review = client.get(reverse("review", args=[assignment.pk]))
    assert "Recommendations to the organization (optional)" in review.text
    refused = client.post(url, {**data, "recommendations": "\n\n".join(f"R{n}" for n in range(6)), "confirm": "1"})
    assert refused.status_code == 400 and "Make at most 5 recommendations" in refused.text
    check = client.post(url, {**data, "recommendations": "Publish the limits.\n\nExplain refusals."})
    assert "Publish the limits." in check.text  # the check-your-answers page
    client.post(url, {**data, "recommendations": "Publish the limits.\n\nExplain refusals.", "confirm": "1"})
    texts = list(appeal.decisions.get().recommendations.order_by("pk").values_list("text", flat=True))
    assert texts == ["Publish the limits.", "Explain refusals."]


def test_the_publishers_hear_of_the_recommendations_with_the_decision(
    citizen, system, guideline, moderator, publisher, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = admitted(citizen, system, guideline, moderator)
    (assignment,) = accepted_assignments(appeal, "rae")
    with django_capture_on_commit_callbacks(execute=True):
        decision = vote(assignment, recommendations=["Publish the limits."])
    (mail,) = [m for m in mailoutbox if m.to == [publisher.email]]
    recommendation = decision.recommendations.get()
    assert "Publish the limits." in mail.body and f"/recommendations/{recommendation.pk}/answer/" in mail.body


def test_a_correction_leaves_the_recommendations_with_the_decision_they_were_made_with(
    client, recommendation, moderator
):
    decision = recommendation.decision
    client.force_login(moderator)
    correcting = client.get(reverse("correct-decision", args=[decision.pk]))
    assert correcting.status_code == 200 and "Recommendations to the organization" not in correcting.text
    services.correct_decision(
        decision=decision,
        by=moderator,
        outcome="upheld",
        rationale="On reflection.",
        cited_clause_keys=["R-1.1"],
        note="Wrong outcome.",
    )
    page = client.get(decision.appeal.get_absolute_url())
    assert page.text.count(f'id="{recommendation.public_id}"') == 1
    assert "Recommendations to answer" not in page.text


def test_the_demo_shows_a_recommendation_in_each_state_once(client, demo, settings, tmp_path):
    from django.core.management import call_command

    settings.DEBUG = True
    assert set(Recommendation.objects.values_list("state", flat=True)) == {s for s, _ in Recommendation.STATE_CHOICES}
    page = client.get("/organizations/acme-ai/")
    assert "Overdue responses: 1" in page.text
    assert {row.view for row in page.context["tracker"].rows() if row.count} == {
        view for view, _ in Recommendation.VIEW_CHOICES
    }
    assert any(r.was_late for r in Recommendation.objects.all())
    count = Recommendation.objects.count()
    call_command("seed_demo", stdout=open(tmp_path / "again.txt", "w"))  # noqa: SIM115
    assert Recommendation.objects.count() == count
