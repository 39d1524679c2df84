"""Searching decisions: by clause heading, public excerpt, rationale, organization and system, with highlighting."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import public_views, services
from appeals.selectors import search_decisions
from consultation.models import Clause
from tests.appeals.factories import decided


@pytest.fixture
def medication(citizen, system, guideline, moderator):
    Clause.objects.filter(version__guideline=guideline, key="R-1.1").update(heading="Medication and dosage")
    return decided(
        citizen,
        system,
        guideline,
        moderator,
        rationale="Overturned: the leaflet says as much.",
        refusal_excerpt="I cannot help with your tablets.",
    )


def test_a_decision_is_found_by_the_heading_of_a_clause_it_cites(client, medication):
    page = client.get(reverse("decisions"), {"q": "dosage"}).text
    assert medication.public_id in page
    assert "<mark>dosage</mark>" in page.lower()


@pytest.mark.parametrize("q", ["tablets", "leaflet", "Acme Helper", "Acme AI"])
def test_a_decision_is_found_by_excerpt_rationale_system_and_organization(q, medication):
    assert [d.appeal_id for d in search_decisions(q=q)] == [medication.pk]


def test_a_later_redaction_takes_the_words_out_of_search(medication, moderator):
    services.redact_refusal(
        appeal=medication,
        by=moderator,
        public_prompt_excerpt="[redacted]",
        public_refusal_excerpt="I cannot help with [redacted].",
    )
    assert not search_decisions(q="tablets").exists()


def test_the_highlight_escapes_what_the_decision_says(client, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator, rationale="Never <script>alert(1)</script> dosage advice.")
    page = client.get(reverse("decisions"), {"q": "dosage"}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_postgresql_search_uses_the_gin_index(medication):
    """`enable_seqscan` and `enable_indexscan` off (for this test's transaction only) make the planner's choice
    deterministic: on a handful of rows a scan of every row is rightly cheaper. What this proves is that the search
    reads the stored vector the index is built on, so the index can be chosen as the table grows."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor reach each row's vector through its decision
    plan = search_decisions(q="dosage").explain()
    assert "Bitmap Index Scan on decision_search_vector" in plan


def test_a_word_nobody_used_is_answered_from_the_index_alone(medication):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor reach each row's vector through its decision
    plan = search_decisions(q="xylophone").explain()
    assert "decision_search_vector" in plan and "Seq Scan on appeals_decisionsearch" not in plan


def test_the_decision_that_says_it_most_comes_first(citizen, system, guideline, moderator):
    older = decided(
        citizen,
        system,
        guideline,
        moderator,
        handle="rae",
        refusal_excerpt="a",
        rationale="The leaflet, the leaflet and again the leaflet say so.",
    )
    newer = decided(
        citizen,
        system,
        guideline,
        moderator,
        handle="sam",
        refusal_excerpt="b",
        rationale="Nothing here but one leaflet among many other words about other things.",
    )
    assert [d.appeal_id for d in search_decisions(q="leaflet")] == [older.pk, newer.pk]


def test_ranked_results_page_by_cursor_on_the_page_and_in_the_api(client, citizen, system, guideline, moderator):
    for n, handle in enumerate(["rae", "sam", "kim"]):
        decided(
            citizen,
            system,
            guideline,
            moderator,
            handle=handle,
            refusal_excerpt=f"r{n}",
            rationale="leaflet " * (n + 1) + "and other words",
        )
    seen, url = [], reverse("api-decisions") + "?q=leaflet&page_size=1"
    while url:
        page = client.get(url).json()
        seen += [d["appeal"] for d in page["results"]]
        url = page["next"]
    assert seen == [d.appeal.public_id for d in search_decisions(q="leaflet")]
    assert len(set(seen)) == 3


def test_the_page_follows_the_ranking_to_the_next_page(client, monkeypatch, citizen, system, guideline, moderator):
    monkeypatch.setattr(public_views, "DECISIONS_PER_PAGE", 1)
    best = decided(
        citizen, system, guideline, moderator, handle="rae", refusal_excerpt="a", rationale="leaflet leaflet leaflet"
    )
    next_best = decided(
        citizen,
        system,
        guideline,
        moderator,
        handle="sam",
        refusal_excerpt="b",
        rationale="one leaflet among many more words",
    )
    first = client.get(reverse("decisions"), {"q": "leaflet"}).text
    assert best.public_id in first and next_best.public_id not in first
    more = re.search(r'href="\?([^"]*)" rel="next">More matches', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("decisions") + "?" + more).text
    assert next_best.public_id in second and best.public_id not in second


def test_the_api_gives_a_snippet_whose_only_tags_are_marks(client, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator, rationale='Tom & Jerry <img src=x onerror="alert(1)"> dosage.')
    [result] = client.get(reverse("api-decisions"), {"q": "dosage"}).json()["results"]
    assert "<mark>dosage</mark>" in result["snippet"] and "Tom &amp; Jerry" in result["snippet"]
    assert set(re.findall(r"</?(\w+)", result["snippet"])) == {"mark"}


def test_without_a_search_the_api_gives_no_snippet(client, medication):
    [result] = client.get(reverse("api-decisions")).json()["results"]
    assert result["snippet"] == ""


@pytest.mark.parametrize("q", ['"unclosed', "or or -", "!:*&|()", "the", "dosage & | ! <-> :*"])
def test_any_search_text_is_answered_without_an_error(client, medication, q):
    assert client.get(reverse("decisions"), {"q": q}).status_code == 200
    assert client.get(reverse("api-decisions"), {"q": q}).status_code == 200


def test_an_enormous_search_is_refused_with_a_clear_message(client, medication):
    page = client.get(reverse("decisions"), {"q": "dosage " * 100})
    assert "Search for at most 200 characters" in page.text and medication.public_id not in page.text
    api = client.get(reverse("api-decisions"), {"q": "dosage " * 100})
    assert api.status_code == 400 and "Search for at most 200 characters" in api.json()["detail"]


def test_a_search_page_takes_a_constant_number_of_queries(client, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator, handle="rae", refusal_excerpt="a")
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("decisions"), {"q": "dosage"})
    for handle in ["sam", "kim", "lou"]:
        decided(citizen, system, guideline, moderator, handle=handle, refusal_excerpt=handle)
    cache.clear()  # the page is cached; its renewal on commit is not what this test is about
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("decisions"), {"q": "dosage"}).text
    assert len(more.captured_queries) == len(first.captured_queries)
    assert page.count("<mark>") >= 4
