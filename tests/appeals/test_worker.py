"""Appeals through real Celery worker processes on Redis and PostgreSQL (skipped without them)."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from appeals import services, tasks
from appeals.models import Appeal, Assignment, Decision
from config.celery import app as celery_app
from ledger.services import check_chain
from tests.appeals.factories import AISystemFactory, file, make_reviewer, published_guideline
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.real_services import require_broker
from tests.workers import running_workers, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def offered_to(appeal):
    def check():
        """a reviewer to be offered the appeal"""
        return appeal.assignments.filter(status=Assignment.OFFERED).select_related("reviewer__user").first()

    return check


def test_the_whole_life_of_an_appeal_through_a_real_worker():
    organization = OrganizationFactory(slug="acme")
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper")
    appellant, moderator = UserFactory(), UserFactory(is_moderator=True)
    publisher = MembershipFactory(organization=organization).user
    first = make_reviewer("first", expertise=["medical"])
    second = make_reviewer("second")
    conflicted = make_reviewer("conflicted", expertise=["medical"])
    conflicted.affiliations.add(organization)

    with running_workers(count=1):
        appeal = file(appellant, system, guideline, prompt_excerpt="Call me on +1 415 555 0100 about dosage")
        services.admit_appeal(appeal=appeal, by=moderator)  # commits, then queues routing
        offer = wait_for(offered_to(appeal))
        assert offer.reviewer == first and "expertise match: medical" in offer.reason

        services.decline_assignment(assignment=offer, by=first.user, reason="Too close to my work.")
        offer = wait_for(offered_to(appeal))  # the decline re-routes, through the worker
        assert offer.reviewer == second

        services.accept_assignment(assignment=offer, by=second.user)
        decision = services.decide_appeal(
            assignment=offer,
            by=second.user,
            outcome=Decision.PARTIAL,
            rationale="General facts are fine; the exact overdose threshold is not.",
            cited_clause_keys=["R-1.1"],
        )
        services.respond_to_decision(decision=decision, by=publisher, kind="will_comply", text="We will.")

    appeal.refresh_from_db()
    assert appeal.status == Appeal.DECIDED
    assert not conflicted.assignments.exists()
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == [
        "filed",
        "screening",
        "admitted",
        "offered",
        "declined",
        "offered",
        "accepted",
        "in_review",
        "decided",
        "responded",
    ]
    assert "+1 415" not in appeal.refusal.public_prompt_excerpt
    assert check_chain().ok


def test_expiry_and_the_sweeper_run_on_the_worker():
    organization = OrganizationFactory(slug="acme")
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper")
    moderator = UserFactory(is_moderator=True)
    slow = make_reviewer("slow", expertise=["medical"])
    appeal = file(UserFactory(), system, guideline)
    # Admitted while the broker is unreachable for it: the routing message is lost.
    Appeal.objects.filter(pk=appeal.pk).update(status=Appeal.AWAITING_REVIEW, screened_by=moderator)

    with running_workers(count=1):
        tasks.sweep_unrouted_appeals.delay()
        offer = wait_for(offered_to(appeal))
        assert offer.reviewer == slow
        make_reviewer("next")
        Assignment.objects.filter(pk=offer.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
        tasks.expire_offers.delay()
        offer = wait_for(lambda: appeal.assignments.filter(status=Assignment.OFFERED, reviewer__handle="next").first())

    assert appeal.assignments.get(reviewer=slow).status == Assignment.EXPIRED


def a_hundred_admitted_appeals(organization, monkeypatch):
    """100 admitted appeals, 10 of them for a panel of three, not routed yet."""
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper")
    moderator, appellant = UserFactory(is_moderator=True), UserFactory()
    with monkeypatch.context() as patched:
        patched.setattr(tasks.route_appeal, "delay", lambda *args: None)  # route only once the workers run
        return [
            services.admit_appeal(
                appeal=file(appellant, system, guideline, refusal_excerpt=f"Refusal {n}"),
                by=moderator,
                significant=n % 10 == 0,
            )
            for n in range(100)
        ]


def workers_idle(count: int = 2) -> bool:
    """the workers to finish every task, the duplicates and any retries included"""
    with celery_app.connection_for_read() as broker:
        if broker.default_channel.client.llen("celery"):
            return False
    inspect = celery_app.control.inspect(timeout=2, limit=count)
    replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    return all(reply and len(reply) == count and not any(reply.values()) for reply in replies)


def test_two_workers_route_100_appeals_once_without_overbooking_anyone(monkeypatch):
    require_broker()  # before building the data, so a run without the services skips at once
    organization = OrganizationFactory(slug="acme")
    reviewers = [make_reviewer(f"r{n}", capacity=9, expertise=["medical"] if n % 2 else []) for n in range(15)]
    conflicted = [make_reviewer(f"c{n}", capacity=9, expertise=["medical"]) for n in range(3)]
    for reviewer in conflicted:
        reviewer.affiliations.add(organization)
    appeals = a_hundred_admitted_appeals(organization, monkeypatch)  # 90 + 3 * 10 = 120 of 135 places

    with running_workers(count=2):
        for appeal in appeals:
            tasks.route_appeal.delay(appeal.pk)
            tasks.route_appeal.delay(appeal.pk)  # twice: routing must be idempotent under concurrency
        wait_for(workers_idle, timeout=90)

    per_appeal = Assignment.objects.values("appeal").annotate(n=Count("id"), people=Count("reviewer", distinct=True))
    routed = {row["appeal"]: (row["n"], row["people"]) for row in per_appeal}
    assert routed == {appeal.pk: (appeal.panel_size, appeal.panel_size) for appeal in appeals}  # each routed once
    open_load = Count("assignments", filter=Q(assignments__status__in=Assignment.OPEN_STATUSES))
    loads = type(reviewers[0]).objects.annotate(load=open_load)
    assert all(reviewer.load <= reviewer.capacity for reviewer in loads)  # nobody over capacity
    assert not Assignment.objects.filter(reviewer__in=conflicted).exists()
    assert check_chain().ok
