"""Refusals reported by the organizations are folded beside the appeals filed: per organization, system, clause and
topic, in the month of each statement's application_date."""

from django.urls import reverse

from tests.appeals.company_api import key_client, make_key, statement
from tests.appeals.factories import file
from transparency.fold import fold_record

REPORT = "/api/v1/organizations/acme/refusal-statements/"


def test_the_statistics_count_reported_refusals_beside_appeals(
    client, citizen, organization, publisher, system, guideline
):
    _, value = make_key(organization, publisher)
    batch = [statement(f"r-{n}") for n in range(3)] + [statement("s-1", incompatible_content_ground="R-2.1")]
    assert key_client(value).post(REPORT, {"statements": batch}, format="json").status_code == 201
    file(citizen, system, guideline)
    fold_record()
    figures = client.get(reverse("api-statistics")).json()["figures"]["appeals"]
    assert figures["refused"] == 4 and figures["filed"] == 1 and figures["appeal_share_of_refusals"] == 0.25
    by_url = {
        reverse("api-statistics-organization", args=["acme"]): 4,
        reverse("api-statistics-system", args=["acme", "helper"]): 4,
        reverse("api-statistics-clause", args=["acme", "assistant-refusals", "R-1.1"]): 3,
        reverse("api-statistics-clause", args=["acme", "assistant-refusals", "R-2.1"]): 1,
        reverse("api-statistics-topic", args=["medical"]): 3,
        reverse("api-statistics-topic", args=["security"]): 1,
    }
    for url, refused in by_url.items():
        assert client.get(url).json()["figures"]["appeals"]["refused"] == refused, url
    page = client.get(reverse("statistics-organization", args=["acme"])).content.decode()
    assert "Refusals reported by the company" in page and 'data-figure="refused">4<' in page
    assert '<th scope="col" class="numeric">Refusals reported</th>' in page  # beside appeals filed, by system


def test_refusals_are_counted_in_the_month_of_their_application_date(
    client, organization, publisher, system, guideline
):
    _, value = make_key(organization, publisher)
    earlier = statement("old", content_date="2026-01-10", application_date="2026-01-11")
    assert key_client(value).post(REPORT, {"statements": [earlier]}, format="json").status_code == 201
    fold_record()
    january = client.get(reverse("api-statistics"), {"from": "2026-01", "to": "2026-01"}).json()
    assert january["figures"]["appeals"]["refused"] == 1
