"""Every moderation action on an appeal asks one rule, `Appeal.moderation_conflict`: never one's own appeal, never
one against an organization one publishes for, never one one reviewed; and never anyone who is not a moderator."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Assignment
from ledger.models import Entry
from tests.appeals.factories import file, make_reviewer
from tests.factories import MembershipFactory, UserFactory

REDACTION = {"public_prompt_excerpt": "a", "public_refusal_excerpt": "b", "public_grounds": "c"}

# name: (the appeal's status before, the service call, the page's URL name and form)
ACTIONS = {
    "start screening": (Appeal.SUBMITTED, services.start_screening, {}, "start-screening", {}),
    "redact": (Appeal.SUBMITTED, services.redact_refusal, REDACTION, "redact-appeal", REDACTION),
    "admit": (Appeal.SUBMITTED, services.admit_appeal, {}, "admit-appeal", {}),
    "declare inadmissible": (
        Appeal.SUBMITTED,
        services.declare_inadmissible,
        {"reason": "abusive", "public_note": "No."},
        "declare-inadmissible",
        {"reason": "abusive", "public_note": "No.", "confirm": "1"},
    ),
    "take down personal data": (Appeal.AWAITING_REVIEW, services.redact_refusal, REDACTION, "redact-appeal", REDACTION),
    "route by hand": (Appeal.AWAITING_REVIEW, services.assign_reviewer_by_hand, {}, "route-appeal", {}),
}
CONFLICTS = ["own appeal", "publishes for the organization", "reviewed the appeal", "not a moderator"]


@pytest.fixture
def other_moderator(db):
    return UserFactory(is_moderator=True)


def appeal_in(status, *, appellant, system, guideline, other_moderator):
    appeal = file(appellant, system, guideline, prompt_excerpt="Call me on +44 20 7946 0958")
    if status == Appeal.AWAITING_REVIEW:
        services.admit_appeal(appeal=appeal, by=other_moderator)
    return appeal


def conflicted(conflict, moderator, organization, appeal):
    if conflict == "publishes for the organization":
        MembershipFactory(user=moderator, organization=organization)
    if conflict == "reviewed the appeal":
        profile = make_reviewer("mo", user=moderator)
        Assignment.objects.create(appeal=appeal, reviewer=profile, offer_expires_at=timezone.now(), reason="routing")
    return UserFactory() if conflict == "not a moderator" else moderator


def arguments(action, appeal):
    _, _, values, _, form = ACTIONS[action]
    if action == "route by hand":
        reviewer = make_reviewer("free")
        return {"reviewer": reviewer}, {"reviewer": reviewer.pk}
    return values, form


def snapshot(appeal):
    appeal.refresh_from_db()
    refusal = appeal.refusal
    refusal.refresh_from_db()
    excerpts = (refusal.public_prompt_excerpt, refusal.public_refusal_excerpt, appeal.public_grounds)
    return appeal.status, excerpts, appeal.events.count(), appeal.assignments.count(), Entry.objects.count()


def setting(action, conflict, moderator, other_moderator, citizen, organization, system, guideline):
    appellant = moderator if conflict == "own appeal" else citizen
    appeal = appeal_in(
        ACTIONS[action][0], appellant=appellant, system=system, guideline=guideline, other_moderator=other_moderator
    )
    return appeal, conflicted(conflict, moderator, organization, appeal)


@pytest.mark.parametrize("conflict", CONFLICTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_a_conflicted_moderator_is_refused_by_the_service(
    action, conflict, moderator, other_moderator, citizen, organization, system, guideline
):
    appeal, actor = setting(action, conflict, moderator, other_moderator, citizen, organization, system, guideline)
    values, _ = arguments(action, appeal)
    before = snapshot(appeal)
    with pytest.raises(PermissionDenied):
        ACTIONS[action][1](appeal=appeal, by=actor, **values)
    assert snapshot(appeal) == before


@pytest.mark.parametrize("conflict", CONFLICTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_a_conflicted_moderator_is_refused_by_the_page(
    client, action, conflict, moderator, other_moderator, citizen, organization, system, guideline
):
    appeal, actor = setting(action, conflict, moderator, other_moderator, citizen, organization, system, guideline)
    _, form = arguments(action, appeal)
    before = snapshot(appeal)
    client.force_login(actor)
    assert client.post(reverse(ACTIONS[action][3], args=[appeal.public_id]), form).status_code == 403
    assert client.get(reverse("screen-appeal", args=[appeal.public_id])).status_code == 403
    assert snapshot(appeal) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_moderator_without_a_conflict_may_act(client, action, moderator, other_moderator, citizen, system, guideline):
    appeal = appeal_in(
        ACTIONS[action][0], appellant=citizen, system=system, guideline=guideline, other_moderator=other_moderator
    )
    _, form = arguments(action, appeal)
    before = snapshot(appeal)
    client.force_login(moderator)
    response = client.post(reverse(ACTIONS[action][3], args=[appeal.public_id]), form, follow=True)
    assert [message.level_tag for message in response.context["messages"]] == ["success"]
    assert snapshot(appeal) != before


def test_the_reason_is_given_to_the_moderator(client, moderator, organization, citizen, system, guideline):
    MembershipFactory(user=moderator, organization=organization)
    appeal = file(citizen, system, guideline)
    client.force_login(moderator)
    response = client.get(reverse("screen-appeal", args=[appeal.public_id]))
    assert response.status_code == 403 and "You publish for Acme AI" in response.text


def test_a_moderator_who_publishes_for_the_organization_cannot_correct_its_decision(
    client, moderator, organization, citizen, system, guideline
):
    from tests.appeals.factories import decided

    decision = decided(citizen, system, guideline, UserFactory(is_moderator=True)).decisions.get()
    MembershipFactory(user=moderator, organization=organization)
    with pytest.raises(PermissionDenied):
        services.correct_decision(
            decision=decision, by=moderator, outcome="upheld", rationale="r", cited_clause_keys=["R-1.1"], note="n"
        )
    client.force_login(moderator)
    assert client.get(reverse("correct-decision", args=[decision.pk])).status_code == 403
