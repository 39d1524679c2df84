"""Migrations that move data: clause key lists become rows (0005), decisions get search documents (0009)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.appeals.factories import AISystemFactory, published_guideline
from tests.factories import OrganizationFactory, ReviewerProfileFactory, UserFactory

BEFORE, AFTER = [("appeals", "0004_appeal_admitted_by")], [("appeals", "0007_remove_clause_key_lists")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Leave the database as every other test expects it: fully migrated."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def appeal_with_lists(apps, guideline, system):
    """An appeal, its decision and its vote as stored before 0005, with their clauses only in the lists."""
    now = timezone.now()
    model = apps.get_model
    refusal = model("appeals", "Refusal").objects.create(
        system_id=system.pk, happened_at=now, prompt_excerpt="p", refusal_excerpt="r"
    )
    appeal = model("appeals", "Appeal").objects.create(
        public_id="A-2026-000001", appellant_id=UserFactory().pk, refusal=refusal, guideline_id=guideline.pk,
        version_id=guideline.versions.get().pk, clause_keys=["R-3.1", "R-1.1"], grounds="g", deadline=now,
    )  # fmt: skip
    decision = model("appeals", "Decision").objects.create(
        appeal=appeal, organization_id=system.organization_id, system_id=system.pk, outcome="upheld",
        rationale="r", cited_clause_keys=["R-1.1"],
    )  # fmt: skip
    assignment = model("appeals", "Assignment").objects.create(
        appeal=appeal, reviewer_id=ReviewerProfileFactory().pk, offer_expires_at=now, reason="r"
    )
    model("appeals", "Vote").objects.create(
        assignment=assignment, decision=decision, outcome="upheld", rationale="r", cited_clause_keys=["R-2.1"]
    )


@pytest.mark.django_db(transaction=True)
def test_the_clause_lists_become_rows_in_their_order(back_to_latest):
    organization = OrganizationFactory()
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization)
    appeal_with_lists(migrate(BEFORE), guideline, system)
    apps = migrate(AFTER)
    appeal = apps.get_model("appeals", "Appeal").objects.get()
    assert list(appeal.contested_clauses.order_by("pk").values_list("key", flat=True)) == ["R-3.1", "R-1.1"]
    cited = apps.get_model("appeals", "CitedClause").objects
    assert list(cited.filter(decision__isnull=False).values_list("key", flat=True)) == ["R-1.1"]
    assert list(cited.filter(vote__isnull=False).values_list("key", flat=True)) == ["R-2.1"]


@pytest.mark.django_db(transaction=True)
def test_decisions_taken_before_the_search_table_get_their_search_document(back_to_latest):
    organization = OrganizationFactory(name="Acme AI")
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, name="Acme Helper")
    appeal_with_lists(migrate(BEFORE), guideline, system)
    apps = migrate([("appeals", "0009_decision_search_documents")])
    document = apps.get_model("appeals", "DecisionSearch").objects.get().document
    assert "R-1.1 Heading R-1.1" in document and "Acme Helper" in document and "Acme AI" in document
