"""Searching decisions: by clause heading, public excerpt, rationale, organization and system, with highlighting."""

import pytest
from django.db import connection
from django.urls import reverse

from appeals import services
from appeals.selectors import search_decisions
from consultation.models import Clause
from tests.appeals.factories import decided
from tests.real_services import require_postgres


@pytest.fixture
def medication(citizen, system, guideline, moderator):
    Clause.objects.filter(version__guideline=guideline, key="R-1.1").update(heading="Medication and dosage")
    return decided(citizen, system, guideline, moderator, rationale="Overturned: the leaflet says as much.",
                   refusal_excerpt="I cannot help with your tablets.")  # fmt: skip


def test_a_decision_is_found_by_the_heading_of_a_clause_it_cites(client, medication):
    page = client.get(reverse("decisions"), {"q": "dosage"}).text
    assert medication.public_id in page
    assert "<mark>dosage</mark>" in page.lower()


@pytest.mark.parametrize("q", ["tablets", "leaflet", "Acme Helper", "Acme AI"])
def test_a_decision_is_found_by_excerpt_rationale_system_and_organization(q, medication):
    assert [d.appeal_id for d in search_decisions(q=q)] == [medication.pk]


def test_a_later_redaction_takes_the_words_out_of_search(medication, moderator):
    services.redact_refusal(appeal=medication, by=moderator, public_prompt_excerpt="[redacted]",
                            public_refusal_excerpt="I cannot help with [redacted].")  # fmt: skip
    assert not search_decisions(q="tablets").exists()


def test_the_highlight_escapes_what_the_decision_says(client, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator, rationale="Never <script>alert(1)</script> dosage advice.")
    page = client.get(reverse("decisions"), {"q": "dosage"}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_postgresql_search_uses_the_gin_index(medication):
    """`enable_seqscan = off` makes the planner's choice deterministic: on a handful of rows a sequential scan is
    rightly cheaper. What this proves is that the query's expression matches the index, so it can be chosen."""
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search_decisions(q="dosage").explain()
    assert "appeals_decisionsearch_gin" in plan
