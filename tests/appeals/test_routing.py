from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appeals import services, tasks
from appeals.models import Appeal, Assignment
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import admitted, file, make_reviewer
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def appeal(citizen, system, guideline, moderator):
    return admitted(citizen, system, guideline, moderator)


def offered_handles(appeal):
    return sorted(appeal.assignments.live().values_list("reviewer__handle", flat=True))


def test_admitting_routes_the_appeal_after_commit(
    citizen, system, guideline, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    make_reviewer("rae")
    appeal = file(citizen, system, guideline)
    with django_capture_on_commit_callbacks(execute=True):
        services.admit_appeal(appeal=appeal, by=moderator)
    assignment = appeal.assignments.get()
    assert (assignment.status, assignment.reviewer.handle) == (Assignment.OFFERED, "rae")
    assert "expertise match" in assignment.reason
    assert any("asked to review" in message.subject for message in mailoutbox)
    assert Entry.objects.filter(kind=EntryKind.APPEAL_OFFERED).count() == 1


def test_expertise_matching_the_clause_tags_is_preferred(appeal):
    make_reviewer("generalist")
    make_reviewer("doctor", expertise=["medical"], last_assigned_at=timezone.now())
    services.route_appeal(appeal=appeal)
    assert offered_handles(appeal) == ["doctor"]
    assert "expertise match: medical" in appeal.assignments.get().reason


def test_among_equals_the_lowest_load_then_the_longest_idle_is_chosen(citizen, system, guideline, moderator, appeal):
    busy = make_reviewer("busy", last_assigned_at=timezone.now() - timedelta(days=30))
    make_reviewer("recent", last_assigned_at=timezone.now() - timedelta(days=1))
    make_reviewer("idle", last_assigned_at=timezone.now() - timedelta(days=10))
    other = admitted(citizen, system, guideline, moderator, refusal_excerpt="Another one.")
    services.assign_reviewer_by_hand(appeal=other, reviewer=busy, by=moderator)
    services.route_appeal(appeal=appeal)
    assert offered_handles(appeal) == ["idle"]


def test_a_significant_appeal_gets_a_panel_of_three(citizen, system, guideline, moderator):
    for handle in ["a", "b", "c", "d"]:
        make_reviewer(handle)
    appeal = admitted(citizen, system, guideline, moderator, significant=True)
    services.route_appeal(appeal=appeal)
    assert len(offered_handles(appeal)) == 3


def test_routing_twice_changes_nothing(appeal):
    make_reviewer("a")
    make_reviewer("b")
    services.route_appeal(appeal=appeal)
    entries = Entry.objects.count()
    result = services.route_appeal(appeal=appeal)
    assert result.offered == []
    assert appeal.assignments.count() == 1
    assert Entry.objects.count() == entries


def test_conflicts_of_interest_are_excluded(appeal, organization, moderator):
    affiliated = make_reviewer("affiliated", expertise=["medical"])
    affiliated.affiliations.add(organization)
    member = make_reviewer("member", expertise=["medical"])
    MembershipFactory(user=member.user, organization=organization)
    screener = make_reviewer("screener", expertise=["medical"], user=moderator)
    make_reviewer("independent")
    services.route_appeal(appeal=appeal)
    assert offered_handles(appeal) == ["independent"]
    with pytest.raises(ValidationError) as error:
        services.assign_reviewer_by_hand(appeal=appeal, reviewer=affiliated, by=moderator)
    assert "affiliation" in str(error.value)
    with pytest.raises(ValidationError):
        services.assign_reviewer_by_hand(appeal=appeal, reviewer=screener, by=moderator)


def test_neither_the_screening_nor_the_admitting_moderator_reviews(citizen, system, guideline, moderator):
    other_moderator = UserFactory(is_moderator=True)
    screener = make_reviewer("screener", user=moderator)
    admitter = make_reviewer("admitter", user=other_moderator)
    make_reviewer("independent")
    appeal = file(citizen, system, guideline)
    services.start_screening(appeal=appeal, by=moderator)
    services.admit_appeal(appeal=appeal, by=other_moderator)
    services.route_appeal(appeal=appeal)
    assert offered_handles(appeal) == ["independent"]
    for reviewer in [screener, admitter]:
        with pytest.raises(ValidationError, match="screened or filed"):
            services.assign_reviewer_by_hand(appeal=appeal, reviewer=reviewer, by=other_moderator)


def test_nobody_is_offered_beyond_capacity_or_while_inactive(appeal):
    full = make_reviewer("full", capacity=0)
    make_reviewer("away", active=False)
    result = services.route_appeal(appeal=appeal)
    assert (result.offered, result.missing) == ([], 1)
    assert not full.assignments.exists()
    assert appeal.status == Appeal.AWAITING_REVIEW


def test_a_decline_reroutes_to_someone_else_and_never_back(appeal, django_capture_on_commit_callbacks):
    first = make_reviewer("first", expertise=["medical"])
    make_reviewer("second")
    services.route_appeal(appeal=appeal)
    offer = appeal.assignments.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_assignment(assignment=offer, by=first.user, reason="I know the appellant.")
    assert offered_handles(appeal) == ["second"]
    assert appeal.assignments.get(reviewer=first).status == Assignment.DECLINED
    assert "declined" in list(appeal.events.values_list("kind", flat=True))


def test_a_decline_needs_a_reason(client, appeal):
    reviewer = make_reviewer("first")
    services.route_appeal(appeal=appeal)
    client.force_login(reviewer.user)
    response = client.post(reverse("decline-assignment", args=[appeal.assignments.get().pk]), {"reason": " "})
    assert response.status_code == 400 and "Say why you decline" in response.text
    assert appeal.assignments.get().status == Assignment.OFFERED


def test_an_unanswered_offer_expires_and_is_rerouted(appeal, settings, django_capture_on_commit_callbacks):
    settings.OFFER_HOURS = 48
    make_reviewer("slow", expertise=["medical"])
    make_reviewer("next")
    services.route_appeal(appeal=appeal)
    assert services.expire_offers(now=timezone.now() + timedelta(hours=47)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers(now=timezone.now() + timedelta(hours=49)) == 1
    assert dict(appeal.assignments.values_list("reviewer__handle", "status")) == {
        "slow": Assignment.EXPIRED,
        "next": Assignment.OFFERED,
    }
    assert services.expire_offers(now=timezone.now() + timedelta(hours=47)) == 0  # the new offer has its own time


def test_reviews_get_two_reminders_then_expire_and_go_back_to_awaiting_review(
    appeal, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REVIEW_DAYS = 10
    late = make_reviewer("late", expertise=["medical"])
    make_reviewer("next")
    services.route_appeal(appeal=appeal)
    services.accept_assignment(assignment=appeal.assignments.get(), by=late.user)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_and_expire_reviews(now=start + timedelta(days=4))["reminded"] == 0
        assert services.remind_and_expire_reviews(now=start + timedelta(days=5, hours=1))["reminded"] == 1
        assert services.remind_and_expire_reviews(now=start + timedelta(days=6))["reminded"] == 0
        assert services.remind_and_expire_reviews(now=start + timedelta(days=9, hours=1))["reminded"] == 1
        assert services.remind_and_expire_reviews(now=start + timedelta(days=10, hours=1))["expired"] == 1
    assert len([m for m in mailoutbox if m.subject.startswith("Reminder")]) == 2
    appeal.refresh_from_db()
    assert appeal.status == Appeal.AWAITING_REVIEW
    assert offered_handles(appeal) == ["next"]


def test_the_sweeper_routes_appeals_whose_routing_message_was_lost(appeal):
    make_reviewer("rae")
    assert not appeal.assignments.exists()  # the on_commit task never ran
    assert services.sweep_unrouted_appeals() == 1
    assert offered_handles(appeal) == ["rae"]
    assert services.sweep_unrouted_appeals() == 0


def test_moderators_route_by_hand_with_the_reason_stored(appeal, moderator):
    chosen = make_reviewer("chosen")
    make_reviewer("other", expertise=["medical"])
    assignment = services.assign_reviewer_by_hand(appeal=appeal, reviewer=chosen, by=moderator)
    assert assignment.by_hand and "by hand" in assignment.reason
    with pytest.raises(ValidationError):
        services.assign_reviewer_by_hand(appeal=appeal, reviewer=chosen, by=moderator)


def test_only_moderators_route_by_hand(appeal, citizen):
    from django.core.exceptions import PermissionDenied

    chosen = make_reviewer("chosen")
    with pytest.raises(PermissionDenied):
        services.assign_reviewer_by_hand(appeal=appeal, reviewer=chosen, by=citizen)


def test_overdue_appeals_are_flagged_once(appeal):
    later = appeal.deadline + timedelta(days=1)
    assert services.flag_overdue_appeals(now=later) == 1
    assert services.flag_overdue_appeals(now=later) == 0
    assert appeal.events.filter(kind="overdue").count() == 1


def test_the_appellant_is_never_their_own_reviewer(citizen, system, guideline, moderator):
    make_reviewer("self", user=citizen)
    appeal = admitted(citizen, system, guideline, moderator)
    assert services.route_appeal(appeal=appeal).offered == []


def test_screening_is_refused_to_non_moderators(citizen, system, guideline):
    from django.core.exceptions import PermissionDenied

    appeal = file(citizen, system, guideline)
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.admit_appeal(appeal=appeal, by=outsider)
    with pytest.raises(PermissionDenied):
        services.declare_inadmissible(appeal=appeal, by=citizen, reason="abusive", public_note="No.")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.SUBMITTED


def test_routing_twice_offers_once(appeal):
    make_reviewer("rae")
    make_reviewer("sam")
    assert tasks.route_appeal(appeal.pk) == 1
    assert tasks.route_appeal(appeal.pk) == 0  # a redelivered task finds the panel full
    assert appeal.assignments.count() == 1
