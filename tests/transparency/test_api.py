import pytest
from django.urls import reverse


def test_the_api_gives_the_figures_of_the_page(client, record):
    body = client.get(reverse("api-statistics")).json()
    assert body["figures"]["appeals"]["filed"] == 8
    assert body["figures"]["appeals"]["outcomes"] == {"upheld": 1, "overturned": 1, "partially_overturned": 2}
    assert body["figures"]["appeals"]["overturn_share"] == 0.75
    assert body["figures"]["appeals"]["overdue_now"] == 1
    assert body["figures"]["consultations"]["answered_share"] == pytest.approx(1 / 3, abs=0.001)
    organizations = next(b for b in body["breakdowns"] if b["dimension"] == "organization")
    assert {row["key"] for row in organizations["rows"]} == {"acme", "globex"}


def test_the_api_has_a_page_per_organization_system_guideline_clause_and_topic(client, record):
    urls = [
        reverse("api-statistics-organization", args=["globex"]),
        reverse("api-statistics-system", args=["globex", "chat"]),
        reverse("api-statistics-guideline", args=["globex", "chat-rules"]),
        reverse("api-statistics-clause", args=["globex", "chat-rules", "R-1.1"]),
    ]
    for url in urls:
        assert client.get(url).json()["figures"]["appeals"]["outcomes"]["partially_overturned"] == 1, url
    assert client.get(reverse("api-statistics-topic", args=["security"])).json()["figures"]["appeals"]["decided"] == 1


def test_a_bad_period_is_a_400_naming_it(client, record):
    response = client.get(reverse("api-statistics"), {"to": "Q3"})
    assert response.status_code == 400
    assert response.json()["errors"]["to"] == [
        "'Q3' is not a month or a quarter. Use a month such as 2026-03 or a quarter such as 2026-Q1."
    ]


def test_a_period_is_echoed(client, record):
    body = client.get(reverse("api-statistics"), {"from": "2001-Q2", "to": "2001-Q2"}).json()
    assert body["period"] == {"from": "2001-04", "to": "2001-06"}
    assert body["figures"]["appeals"]["decided"] == 0


def test_an_unknown_organization_is_a_json_404(client, record):
    response = client.get(reverse("api-statistics-organization", args=["nobody"]))
    assert response.status_code == 404 and "detail" in response.json()
