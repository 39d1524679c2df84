"""Migrations that move data: clause key lists become rows (0005), decisions get search documents (0009); and the
squashed migrations that replaced the merge tangles of accounts, appeals and consultation."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
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
        public_id="A-2026-000001",
        appellant_id=UserFactory().pk,
        refusal=refusal,
        guideline_id=guideline.pk,
        version_id=guideline.versions.get().pk,
        clause_keys=["R-3.1", "R-1.1"],
        grounds="g",
        deadline=now,
    )
    decision = model("appeals", "Decision").objects.create(
        appeal=appeal,
        organization_id=system.organization_id,
        system_id=system.pk,
        outcome="upheld",
        rationale="r",
        cited_clause_keys=["R-1.1"],
    )
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


# Each squash and every name it replaced, as a database migrated before the squash recorded them.
SQUASHED = {
    ("accounts", "0002_auditor_profile_and_open_assignments"): [
        "0002_auditor_profile",
        "0002_reviewer_open_assignments",
        "0003_merge_auditors_and_open_assignments",
    ],
    ("appeals", "0011_recommendations_search_vector_and_stored_html"): [
        "0011_count_open_assignments",
        "0011_decision_search_stored_vector",
        "0011_index_filing_and_decision_dates_for_statistics_lists",
        "0011_recommendations",
        "0011_stored_rationale_html",
        "0012_fill_stored_rationale_html",
        "0012_recommendation_tally",
        "0013_merge_search_and_recommendations",
        "0014_merge_statistics_indexes",
        "0015_merge_open_assignments",
        "0016_merge_stored_rationale_html",
    ],
    ("consultation", "0006_search_counters_clusters_and_pick_indexes"): [
        "0006_comment_clusters",
        "0006_comment_search_and_clause_pressure_answers",
        "0006_index_comment_dates_for_statistics_lists",
        "0006_stored_html_and_thread_counters",
        "0007_fill_stored_html_and_thread_counters",
        "0007_merge_statistics_indexes",
        "0008_merge_stored_html_and_counters",
        "0009_merge_clusters",
        "0010_one_window_index_for_shown_comments",
        "0011_comment_answered_at_and_pick_indexes",
    ],
}


@pytest.mark.parametrize("app", ["accounts", "appeals", "consultation"])
def test_migrations_are_numbered_in_order_with_no_merges(app):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(name for label, name in loader.disk_migrations if label == app)
    assert [int(re.match(r"\d{4}", name)[0]) for name in names] == list(range(1, len(names) + 1))
    for name in names:
        migration = loader.disk_migrations[app, name]
        assert migration.operations, f"{app}.{name} is an empty merge"
        assert len([dep for dep in migration.dependencies if dep[0] == app]) <= 1, f"{app}.{name} merges"


def test_each_squash_replaces_every_old_name():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), old in SQUASHED.items():
        assert sorted(loader.disk_migrations[app, name].replaces) == [(app, old_name) for old_name in old]


@pytest.mark.django_db
def test_a_database_migrated_before_the_squashes_has_nothing_to_apply():
    recorder = MigrationRecorder(connection)
    for (app, name), old in SQUASHED.items():
        recorder.record_unapplied(app, name)
        for old_name in old:
            recorder.record_applied(app, old_name)
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    targets = executor.loader.graph.leaf_nodes()
    assert executor.migration_plan(targets) == []
    executor.check_replacements()  # what migrate does: the squashes are recorded as applied
    applied = recorder.applied_migrations()
    assert all(key in applied for key in SQUASHED)
