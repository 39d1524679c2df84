"""The public decision database: filters, search, paging, the CSV export."""

from django.urls import reverse

from appeals.models import Decision
from tests.appeals.factories import (
    decided,
    published_guideline,
)


def test_decisions_are_listed_newest_first_with_filters_and_search(client, citizen, system, guideline, moderator):
    first = decided(citizen, system, guideline, moderator, "rae", Decision.UPHELD, refusal_excerpt="one")
    second = decided(citizen, system, guideline, moderator, "sam", Decision.OVERTURNED, refusal_excerpt="two")
    text = client.get(reverse("decisions")).text
    assert text.index(second.public_id) < text.index(first.public_id)
    text = client.get(reverse("decisions"), {"outcome": "upheld"}).text
    assert first.public_id in text and second.public_id not in text
    text = client.get(reverse("decisions"), {"organization": "acme", "system": "helper", "clause": "R-1.1"}).text
    assert first.public_id in text and second.public_id in text
    assert "No decisions match" in client.get(reverse("decisions"), {"clause": "R-3.1"}).text
    assert first.public_id in client.get(reverse("decisions"), {"q": "health"}).text


def test_the_decision_filters_offer_known_organizations_and_systems(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    page = client.get(reverse("decisions")).text
    assert '<option value="acme">Acme AI</option>' in page
    assert '<option value="helper">Acme Helper (Acme AI)</option>' in page
    unknown = client.get(reverse("decisions"), {"organization": "nobody"})
    assert "Select a valid choice" in unknown.text
    assert appeal.public_id not in unknown.text and "No decisions match" in unknown.text
    export = client.get(reverse("decisions-export"), {"system": "<script>"})
    assert export.status_code == 400 and "Select a valid choice" in export.content.decode()


def test_the_decisions_page_runs_a_constant_number_of_queries(
    client, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    for n in range(3):
        decided(citizen, system, guideline, moderator, f"r{n}", refusal_excerpt=f"refusal {n}")
    with django_assert_max_num_queries(5):
        client.get(reverse("decisions"))
    for n in range(3, 6):
        decided(citizen, system, guideline, moderator, f"r{n}", refusal_excerpt=f"refusal {n}")
    with django_assert_max_num_queries(6):  # a search adds one: the headlines of the page's rows only
        client.get(reverse("decisions"), {"q": "health", "outcome": "overturned"})


def test_the_decisions_page_pages_by_cursor(client, citizen, system, guideline, moderator, monkeypatch):
    monkeypatch.setattr("appeals.public_views.DECISIONS_PER_PAGE", 1)
    decided(citizen, system, guideline, moderator, "rae", refusal_excerpt="one")
    decided(citizen, system, guideline, moderator, "sam", refusal_excerpt="two")
    first_page = client.get(reverse("decisions"))
    assert "Older decisions" in first_page.text
    older = first_page.context["older"]
    assert "Older decisions" not in client.get(reverse("decisions"), {"before": older}).text
    assert client.get(reverse("decisions"), {"before": "nope"}).status_code == 404


def test_decisions_download_as_streamed_csv(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    response = client.get(reverse("decisions-export"), {"outcome": "overturned"})
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("decision,appeal,organization")
    assert appeal.public_id in lines[1] and "R-1.1" in lines[1]
    empty = b"".join(client.get(reverse("decisions-export"), {"outcome": "upheld"}).streaming_content)
    assert len(empty.decode().splitlines()) == 1


def test_decision_exports_are_rate_limited_with_a_clear_message(db, client, settings):
    settings.CONSULTATION_EXPORTS_PER_HOUR = 1
    assert client.get(reverse("decisions-export")).status_code == 200
    refused = client.get(reverse("decisions-export"))
    assert refused.status_code == 429 and "try again later" in refused.content.decode()


def test_a_bad_page_of_decisions_is_a_404(db, client):
    assert client.get(reverse("decisions"), {"before": "²"}).status_code == 404


def test_a_clause_key_is_searched_within_its_guideline(client, citizen, organization, system, guideline, moderator):
    other = published_guideline(organization, slug="other-rules")
    ours = decided(citizen, system, guideline, moderator, "rae", refusal_excerpt="ours")
    theirs = decided(citizen, system, other, moderator, "sam", refusal_excerpt="theirs")
    both = client.get(reverse("decisions"), {"clause": "R-1.1"}).text
    assert ours.public_id in both and theirs.public_id in both
    page = client.get(reverse("decisions"), {"guideline": "other-rules", "clause": "R-1.1"}).text
    assert theirs.public_id in page and ours.public_id not in page
    api = client.get("/api/v1/decisions/", {"guideline": "assistant-refusals", "clause": "R-1.1"}).json()
    assert [d["appeal"] for d in api["results"]] == [ours.public_id]


def test_an_unknown_parameter_is_a_400_naming_it(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    response = client.get(reverse("decisions"), {"topik": "security", "outcome": "upheld"})
    assert response.status_code == 400 and "Unknown parameter: topik" in response.text
    assert appeal.public_id not in response.text  # a typo does not show the whole database


def test_known_parameters_are_not_refused(client, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator)
    known = {"q": "x", "topic": "security", "in_force": "yes", "from": "2026-01", "to": "2026-Q4", "before": "9"}
    assert client.get(reverse("decisions"), known).status_code == 200
