"""Recommendations: made with a decision, answered by the organization step by step, reminded and flagged overdue."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appeals import services, tasks
from appeals.forms import DecisionForm
from appeals.models import RECOMMENDATION_MAX, RECOMMENDATIONS_MAX, Decision, Recommendation, RecommendationStep
from core.models import AppendOnlyError
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import admitted, make_reviewer
from tests.factories import MembershipFactory, UserFactory

ACCEPTED, PARTLY, DECLINED = Recommendation.ACCEPTED, Recommendation.PARTLY, Recommendation.DECLINED
ALREADY_DONE, IN_PROGRESS, IMPLEMENTED = (
    Recommendation.ALREADY_DONE,
    Recommendation.IN_PROGRESS,
    Recommendation.IMPLEMENTED,
)


def accepted_assignments(appeal, *handles):
    reviewers = [make_reviewer(handle) for handle in handles]
    services.route_appeal(appeal=appeal)
    assignments = [appeal.assignments.get(reviewer=reviewer) for reviewer in reviewers]
    for assignment in assignments:
        services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
    return assignments


def vote(assignment, outcome=Decision.OVERTURNED, recommendations=()):
    return services.decide_appeal(
        assignment=assignment,
        by=assignment.reviewer.user,
        outcome=outcome,
        rationale=f"Reasons for {outcome}.",
        cited_clause_keys=["R-1.1"],
        recommendations=list(recommendations),
    )


def recommended(citizen, system, guideline, moderator, *texts, handle="rae") -> list[Recommendation]:
    """A decided appeal whose single reviewer recommended `texts`."""
    appeal = admitted(citizen, system, guideline, moderator)
    (assignment,) = accepted_assignments(appeal, handle)
    decision = vote(assignment, recommendations=texts or ["Publish the dosage limits you apply."])
    return list(decision.recommendations.order_by("pk"))


@pytest.fixture
def recommendation(citizen, system, guideline, moderator):
    return recommended(citizen, system, guideline, moderator)[0]


def answer(recommendation, by, kind, **fields):
    return services.answer_recommendation(recommendation=recommendation, by=by, kind=kind, **fields)


def kinds_on_record(recommendation) -> list[str]:
    return list(Entry.objects.filter(subject=recommendation.subject).order_by("seq").values_list("kind", flat=True))


def own_version_path(guideline) -> str:
    return f"/guidelines/{guideline.organization.slug}/{guideline.slug}/v1/"


# Making them


def test_a_decision_carries_the_panels_recommendations(citizen, system, guideline, moderator, settings):
    settings.RECOMMENDATION_RESPONSE_DAYS = 60
    first, second = recommended(citizen, system, guideline, moderator, "Publish the limits.", "Explain refusals.")
    appeal = first.decision.appeal
    assert [first.public_id, second.public_id] == [f"{appeal.public_id}-R1", f"{appeal.public_id}-R2"]
    assert first.state == Recommendation.AWAITING and first.organization == appeal.guideline.organization
    assert first.respond_by - first.made_at == timedelta(days=60)
    assert kinds_on_record(first) == [EntryKind.RECOMMENDATION_MADE]
    made = Entry.objects.get(subject=second.subject).payload
    assert '"note":"Explain refusals."' in made and '"state":"awaiting_response"' in made
    decided = Entry.objects.filter(kind=EntryKind.APPEAL_DECIDED).get()
    assert first.public_id in decided.payload and second.public_id in decided.payload


def test_a_decision_without_recommendations_makes_none(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    (assignment,) = accepted_assignments(appeal, "rae")
    assert not vote(assignment).recommendations.exists()
    assert not Entry.objects.filter(kind__startswith="recommendation.").exists()


def test_a_panel_decision_carries_the_recommendations_of_the_majority(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator, significant=True)
    one, two, three = accepted_assignments(appeal, "ana", "bo", "cy")
    vote(one, Decision.PARTIAL, ["Give the general maximum dose."])
    vote(two, Decision.PARTIAL, ["Give the general maximum dose.", "Link to the leaflet."])
    decision = vote(three, Decision.UPHELD, ["Refuse all dose figures."])
    texts = list(decision.recommendations.order_by("pk").values_list("text", flat=True))
    assert texts == ["Give the general maximum dose.", "Link to the leaflet."]


def test_too_many_recommendations_are_refused_and_nothing_is_decided(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    (assignment,) = accepted_assignments(appeal, "rae")
    texts = [f"Recommendation {n}." for n in range(RECOMMENDATIONS_MAX + 1)]
    with pytest.raises(ValidationError) as refused:
        vote(assignment, recommendations=texts)
    assert f"at most {RECOMMENDATIONS_MAX} recommendations" in str(refused.value.message_dict["recommendations"])
    assert not Decision.objects.exists() and not Recommendation.objects.exists()


def test_the_decision_form_reads_one_recommendation_per_paragraph(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    data = {"outcome": "overturned", "rationale": "R.", "cited_clause_keys": ["R-1.1"]}
    text = "Publish the limits.\r\n\r\nExplain refusals\nin plain words.\n\n\n"
    form = DecisionForm({**data, "recommendations": text}, appeal=appeal)
    assert form.is_valid()
    assert form.arguments()["recommendations"] == ["Publish the limits.", "Explain refusals\nin plain words."]
    too_long = DecisionForm({**data, "recommendations": "ok\n\n" + "x" * (RECOMMENDATION_MAX + 1)}, appeal=appeal)
    assert not too_long.is_valid()
    assert "Recommendation 2 is longer than" in too_long.errors["recommendations"][0]


# Answering them


@pytest.mark.parametrize(
    "kind, note",
    [
        (ACCEPTED, ""),
        (PARTLY, "The limits, not the reasons."),
        (DECLINED, "It would help misuse."),
        (ALREADY_DONE, "Since version 1."),
    ],
)
def test_the_organization_responds(recommendation, publisher, kind, note):
    step = answer(recommendation, publisher, kind, note=note)
    recommendation.refresh_from_db()
    assert recommendation.state == recommendation.response == kind
    assert recommendation.responded_at and step.actor == "Acme AI" and step.note == note
    assert kinds_on_record(recommendation) == [EntryKind.RECOMMENDATION_MADE, f"recommendation.{kind}"]


def test_an_accepted_recommendation_moves_through_in_progress_to_implemented(recommendation, publisher, guideline):
    answer(recommendation, publisher, ACCEPTED)
    answer(recommendation, publisher, IN_PROGRESS, note="Drafting the new clause.")
    answer(
        recommendation,
        publisher,
        IMPLEMENTED,
        implemented_on=timezone.localdate(),
        evidence_url=own_version_path(guideline),
    )
    recommendation.refresh_from_db()
    assert recommendation.state == IMPLEMENTED and recommendation.response == ACCEPTED
    assert recommendation.implemented_on == timezone.localdate()
    assert recommendation.evidence_url == own_version_path(guideline)
    assert [s.kind for s in recommendation.steps.order_by("pk")] == ["made", ACCEPTED, IN_PROGRESS, IMPLEMENTED]
    assert kinds_on_record(recommendation)[-1] == EntryKind.RECOMMENDATION_IMPLEMENTED


def test_a_partly_accepted_recommendation_can_be_implemented_directly(recommendation, publisher):
    answer(recommendation, publisher, PARTLY, note="The first half.")
    answer(
        recommendation,
        publisher,
        IMPLEMENTED,
        implemented_on=timezone.localdate(),
        evidence_url="https://acme.example/changes",
    )
    recommendation.refresh_from_db()
    assert recommendation.state == IMPLEMENTED and recommendation.response == PARTLY


@pytest.mark.parametrize(
    "kind, fields, field, message",
    [
        (DECLINED, {}, "note", "Give the reasons for declining."),
        (DECLINED, {"note": "   "}, "note", "Give the reasons for declining."),
        (PARTLY, {}, "note", "Say which part you accept"),
        (ALREADY_DONE, {}, "note", "Say where and since when"),
        (IMPLEMENTED, {"implemented_on": date(2020, 1, 1), "evidence_url": "https://a.example"}, "kind",
         "it must be accepted (in full or in part) before it is implemented"),
        (IN_PROGRESS, {}, "kind", "before it is in progress"),
        (Recommendation.AWAITING, {}, "kind", "Choose one of the answers offered."),
        (ACCEPTED, {"implemented_on": date(2020, 1, 1)}, "implemented_on", "only when the recommendation is"),
    ],
)  # fmt: skip  # a table: one row per refused answer
def test_a_wrong_answer_is_refused_and_changes_nothing(recommendation, publisher, kind, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        answer(recommendation, publisher, kind, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    recommendation.refresh_from_db()
    assert recommendation.state == Recommendation.AWAITING and not recommendation.response
    assert recommendation.steps.count() == 1 and kinds_on_record(recommendation) == [EntryKind.RECOMMENDATION_MADE]


def test_implemented_needs_a_date_not_in_the_future_and_evidence(recommendation, publisher):
    answer(recommendation, publisher, ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        answer(recommendation, publisher, IMPLEMENTED)
    assert set(refused.value.message_dict) == {"implemented_on", "evidence_url"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        answer(recommendation, publisher, IMPLEMENTED, implemented_on=tomorrow, evidence_url="https://a.example")
    with pytest.raises(ValidationError, match="before it was recommended"):
        answer(
            recommendation, publisher, IMPLEMENTED, implemented_on=date(2020, 1, 1), evidence_url="https://a.example"
        )
    recommendation.refresh_from_db()
    assert recommendation.state == ACCEPTED


@pytest.mark.parametrize(
    "url, message",
    [
        ("javascript:alert(1)", "full web address"),
        ("ftp://acme.example/x", "full web address"),
        ("/appeals/new/", "must be to a guideline version of the organization"),
        ("/guidelines/acme/assistant-refusals/v9/", "no published guideline version"),
        ("/guidelines/globex/assistant-refusals/v1/", "not Acme AI's"),
        ("http://testserver-elsewhere.invalid/guidelines/globex/assistant-refusals/v1/", None),
    ],
)
def test_evidence_must_be_a_web_address_or_a_published_version_of_their_own(
    recommendation, publisher, other_organization, settings, url, message
):
    from tests.appeals.factories import published_guideline

    published_guideline(other_organization)
    settings.SITE_URL = "https://whodecides.example"
    answer(recommendation, publisher, ACCEPTED)
    if message is None:  # another site's address is a web page like any other
        answer(recommendation, publisher, IN_PROGRESS, evidence_url=url)
        return
    with pytest.raises(ValidationError) as refused:
        answer(recommendation, publisher, IN_PROGRESS, evidence_url=url)
    assert message in refused.value.message_dict["evidence_url"][0]


def test_a_full_address_of_this_site_is_checked_and_stored_as_a_path(recommendation, publisher, guideline, settings):
    settings.SITE_URL = "https://whodecides.example"
    answer(recommendation, publisher, ACCEPTED)
    with pytest.raises(ValidationError, match="not Acme AI's"):
        answer(
            recommendation, publisher, IN_PROGRESS, evidence_url="https://whodecides.example/guidelines/globex/g/v1/"
        )
    answer(
        recommendation, publisher, IN_PROGRESS, evidence_url=f"https://whodecides.example{own_version_path(guideline)}"
    )
    recommendation.refresh_from_db()
    assert recommendation.evidence_url == own_version_path(guideline)
    answer(
        recommendation,
        publisher,
        IMPLEMENTED,
        implemented_on=timezone.localdate(),
        evidence_url=f"{own_version_path(guideline)}?from=mail#R-1.1",
    )
    recommendation.refresh_from_db()
    assert recommendation.evidence_url == f"{own_version_path(guideline)}#R-1.1"


def test_a_final_answer_takes_no_further_steps(recommendation, publisher):
    answer(recommendation, publisher, DECLINED, note="No.")
    with pytest.raises(ValidationError, match="it takes no further steps"):
        answer(recommendation, publisher, ACCEPTED)
    recommendation.refresh_from_db()
    assert recommendation.state == DECLINED


def test_a_response_is_given_once(recommendation, publisher):
    answer(recommendation, publisher, ACCEPTED)
    with pytest.raises(ValidationError, match="already responded"):
        answer(recommendation, publisher, DECLINED, note="Changed our mind.")


@pytest.mark.parametrize("who", ["other_publisher", "citizen", "moderator", "reviewer", "visitor"])
def test_only_the_organizations_publishers_answer(recommendation, other_organization, moderator, who):
    from django.contrib.auth.models import AnonymousUser

    people = {
        "other_publisher": lambda: MembershipFactory(organization=other_organization).user,
        "citizen": UserFactory,
        "moderator": lambda: moderator,
        "reviewer": lambda: recommendation.decision.votes.get().assignment.reviewer.user,
        "visitor": AnonymousUser,
    }
    with pytest.raises(PermissionDenied):
        answer(recommendation, people[who](), ACCEPTED)
    recommendation.refresh_from_db()
    assert recommendation.state == Recommendation.AWAITING and recommendation.steps.count() == 1


def test_the_steps_are_never_edited_or_deleted(recommendation, publisher):
    step = answer(recommendation, publisher, DECLINED, note="No.")
    step.note = "Yes."
    with pytest.raises(AppendOnlyError):
        step.save()
    with pytest.raises(AppendOnlyError):
        RecommendationStep.objects.filter(pk=step.pk).update(note="Yes.")
    with pytest.raises(AppendOnlyError):
        RecommendationStep.objects.all().delete()


# The deadline


def test_publishers_are_reminded_before_the_deadline_once_each(
    recommendation, publisher, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.RECOMMENDATION_REMINDER_DAYS = [3, 14]
    second_publisher = MembershipFactory(organization=recommendation.organization).user
    deadline = recommendation.respond_by
    for days_left in (20, 13, 12, 2, 2):
        with django_capture_on_commit_callbacks(execute=True):
            services.check_recommendation_deadlines(now=deadline - timedelta(days=days_left))
    reminders = [m for m in mailoutbox if "please respond by" in m.subject]
    assert sorted(m.to[0] for m in reminders) == sorted([publisher.email, second_publisher.email] * 2)
    assert "14 days or less" in reminders[0].body and "3 days or less" in reminders[-1].body
    assert f"/recommendations/{recommendation.pk}/answer/" in reminders[0].body


def test_a_recommendation_near_its_deadline_gets_only_the_nearest_reminder(
    recommendation, publisher, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.RECOMMENDATION_REMINDER_DAYS = [3, 14]
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.check_recommendation_deadlines(now=recommendation.respond_by - timedelta(days=1))
    assert counts == {"reminded": 1, "overdue": 0}
    assert [m.body.count("3 days or less") for m in mailoutbox if "please respond" in m.subject] == [1]


def test_a_redelivered_reminder_mails_nobody_twice(recommendation, publisher, mailoutbox):
    assert tasks.notify_recommendation_reminder(recommendation.pk, 14) == 1
    assert tasks.notify_recommendation_reminder(recommendation.pk, 14) == 0
    assert len(mailoutbox) == 1


def test_an_unanswered_recommendation_is_flagged_overdue_once(recommendation):
    after = recommendation.respond_by + timedelta(hours=1)
    assert services.check_recommendation_deadlines(now=recommendation.respond_by - timedelta(hours=1))["overdue"] == 0
    assert services.check_recommendation_deadlines(now=after)["overdue"] == 1
    assert services.check_recommendation_deadlines(now=after + timedelta(days=1))["overdue"] == 0
    recommendation.refresh_from_db()
    assert recommendation.overdue_flagged_at == after and recommendation.state == Recommendation.AWAITING
    assert kinds_on_record(recommendation) == [EntryKind.RECOMMENDATION_MADE, EntryKind.RECOMMENDATION_OVERDUE]
    assert [s.kind for s in recommendation.steps.order_by("pk")] == ["made", "overdue"]


def test_the_beat_task_flags_overdue_recommendations(recommendation):
    Recommendation.objects.filter(pk=recommendation.pk).update(respond_by=timezone.now() - timedelta(days=1))
    assert tasks.check_recommendation_deadlines.delay().get() == {"reminded": 0, "overdue": 1}
    assert tasks.check_recommendation_deadlines.delay().get() == {"reminded": 0, "overdue": 0}
    recommendation.refresh_from_db()
    assert recommendation.is_overdue and recommendation.status_tag().label == "Overdue"


def test_an_answered_recommendation_is_neither_reminded_nor_flagged(recommendation, publisher, mailoutbox):
    answer(recommendation, publisher, ACCEPTED)
    counts = services.check_recommendation_deadlines(now=recommendation.respond_by + timedelta(days=1))
    assert counts == {"reminded": 0, "overdue": 0}


def test_a_late_answer_keeps_the_overdue_flag(recommendation, publisher):
    services.check_recommendation_deadlines(now=recommendation.respond_by + timedelta(days=1))
    answer(recommendation, publisher, DECLINED, note="Too late, and no.")
    recommendation.refresh_from_db()
    assert recommendation.was_late and not recommendation.is_overdue
