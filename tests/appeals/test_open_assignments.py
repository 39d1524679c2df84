"""A reviewer's open-assignment count is kept with every assignment change, so routing never counts history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ReviewerProfile
from appeals import selectors, services
from appeals.models import Appeal, Assignment
from tests.appeals.factories import admitted, make_reviewer
from tests.factories import ReviewerProfileFactory


def assert_counts_match_a_recount():
    for reviewer in ReviewerProfile.objects.all():
        recount = Assignment.objects.filter(reviewer=reviewer, status__in=Assignment.OPEN_STATUSES).count()
        assert reviewer.open_assignments == recount, reviewer.handle


def test_the_count_follows_offer_accept_and_complete(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    reviewer.refresh_from_db()
    assert reviewer.open_assignments == 1
    assignment = appeal.assignments.get()
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    assert_counts_match_a_recount()
    services.decide_appeal(
        assignment=assignment, by=reviewer.user, outcome="upheld", rationale="It stands.", cited_clause_keys=["R-1.1"]
    )
    reviewer.refresh_from_db()
    assert reviewer.open_assignments == 0
    assert_counts_match_a_recount()


def test_the_count_follows_decline_and_the_new_offer(
    citizen, system, guideline, moderator, django_capture_on_commit_callbacks
):
    appeal = admitted(citizen, system, guideline, moderator)
    first = make_reviewer("first", last_assigned_at=timezone.now() - timedelta(days=9))
    make_reviewer("second", last_assigned_at=timezone.now())
    services.route_appeal(appeal=appeal)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_assignment(assignment=appeal.assignments.get(reviewer=first), by=first.user, reason="Busy.")
    assert list(ReviewerProfile.objects.order_by("handle").values_list("handle", "open_assignments")) == [
        ("first", 0),
        ("second", 1),
    ]
    assert_counts_match_a_recount()


def test_the_count_follows_expired_offers_and_reviews(citizen, system, guideline, moderator):
    offered = admitted(citizen, system, guideline, moderator)
    accepted = admitted(citizen, system, guideline, moderator, refusal_excerpt="Another refusal.")
    reviewer = make_reviewer("rae", capacity=5)
    services.route_appeal(appeal=offered)
    services.route_appeal(appeal=accepted)
    services.accept_assignment(assignment=accepted.assignments.get(), by=reviewer.user)
    assert services.expire_offers(now=timezone.now() + timedelta(hours=49)) == 1
    reviewer.refresh_from_db()
    assert reviewer.open_assignments == 1
    assert services.remind_and_expire_reviews(now=timezone.now() + timedelta(days=30))["expired"] == 1
    assert_counts_match_a_recount()


def test_withdrawing_frees_the_reviewer(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    services.withdraw_appeal(appeal=appeal, by=citizen)
    assert ReviewerProfile.objects.get().open_assignments == 0
    assert_counts_match_a_recount()


def test_a_full_reviewer_is_not_offered_more(citizen, system, guideline, moderator):
    full = make_reviewer("full", capacity=1, expertise=["medical"])
    make_reviewer("free")
    services.route_appeal(appeal=admitted(citizen, system, guideline, moderator))
    appeal = admitted(citizen, system, guideline, moderator, refusal_excerpt="Another refusal.")
    assert full.handle not in {r.handle for r in selectors.eligible_reviewers(appeal)}
    services.route_appeal(appeal=appeal)
    assert appeal.assignments.get().reviewer.handle == "free"


def routing_queries(appeal) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.route_appeal(appeal=appeal)
    assert appeal.assignments.count() == 1
    return len(queries)


def test_routing_costs_the_same_with_0_and_500_past_assignments(citizen, system, guideline, moderator):
    for handle in ["a", "b", "c"]:
        make_reviewer(handle)
    old = admitted(citizen, system, guideline, moderator, refusal_excerpt="An old refusal.")
    Appeal.objects.filter(pk=old.pk).update(status=Appeal.DECIDED)
    first = admitted(citizen, system, guideline, moderator)
    without_history = routing_queries(first)
    # History: 500 completed assignments, each on its own appeal, for reviewers old and new.
    reviewers = list(ReviewerProfile.objects.all()) + [ReviewerProfileFactory(active=False) for _ in range(7)]
    appeals = [admitted(citizen, system, guideline, moderator, refusal_excerpt=f"Refusal {n}.") for n in range(50)]
    Appeal.objects.filter(pk__in=[a.pk for a in appeals]).update(status=Appeal.DECIDED)
    now = timezone.now()
    Assignment.objects.bulk_create(
        Assignment(appeal=a, reviewer=r, status=Assignment.COMPLETED, offer_expires_at=now, reason="past")
        for a in appeals
        for r in reviewers
    )
    assert Assignment.objects.filter(status=Assignment.COMPLETED).count() == 500
    second = admitted(citizen, system, guideline, moderator, refusal_excerpt="A new refusal.")
    assert routing_queries(second) == without_history
    assert "GROUP BY" not in str(selectors.eligible_reviewers(second).query)  # nothing is counted per call


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_existing_open_assignments(citizen, system, guideline, moderator):
    busy = make_reviewer("busy", capacity=5)
    admitted(citizen, system, guideline, moderator)  # routed to busy after commit
    declined = admitted(citizen, system, guideline, moderator, refusal_excerpt="Another refusal.")
    services.decline_assignment(assignment=declined.assignments.get(), by=busy.user, reason="No.")
    make_reviewer("idle")
    ReviewerProfile.objects.update(open_assignments=0)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("appeals", "0010_remove_decision_search_document")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(ReviewerProfile.objects.values_list("handle", "open_assignments")) == {"busy": 1, "idle": 0}
