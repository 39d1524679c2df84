from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import GuidelineVersion
from tests.consultation.closeout_factories import SuggestionDecisionFactory, SuggestionFactory
from tests.consultation.factories import consultation
from tests.factories import GuidelineFactory, GuidelineVersionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def consulted_and_final(organization, *, slug: str, days_to_final: int, outcomes: list[str]):
    """A consultation closed 40 days ago with one decided suggestion per outcome, and its final version published
    `days_to_final` days after the close."""
    closed = consultation(organization, closed=True)
    closed.guideline.__class__.objects.filter(pk=closed.guideline.pk).update(slug=slug)
    clause = closed.clauses.first()
    for outcome in outcomes:
        SuggestionDecisionFactory(suggestion=SuggestionFactory(clause=clause), outcome=outcome)
    published_at = closed.comment_period.closes_at + timedelta(days=days_to_final)
    GuidelineVersionFactory(guideline=closed.guideline, number=2, based_on=closed, published_at=published_at)


@pytest.fixture
def outcomes(organization, other_organization):
    consulted_and_final(organization, slug="a", days_to_final=3, outcomes=["accepted", "declined", "declined"])
    consulted_and_final(organization, slug="b", days_to_final=10, outcomes=["accepted_with_changes"])
    consulted_and_final(organization, slug="c", days_to_final=30, outcomes=[])
    consulted_and_final(other_organization, slug="d", days_to_final=1, outcomes=["declined"])


def test_statistics_show_the_share_accepted_and_the_median_days_to_final(client, outcomes):
    page = client.get("/statistics/").text
    acme = page[page.index('data-organization="acme"') :]
    assert '<td class="numeric" data-label="Accepted" data-outcome="accepted_share">50%</td>' in acme
    assert 'data-outcome="median_days">10 days</td>' in acme
    globex = page[page.index('data-organization="globex"') :]
    assert 'data-outcome="accepted_share">0%</td>' in globex and 'data-outcome="median_days">1 day</td>' in globex
    rows = client.get("/api/v1/statistics/").json()["consultation_outcomes"]
    assert rows[0] == {
        "organization": "acme",
        "name": "Acme AI",
        "suggestions_decided": 4,
        "suggestions_accepted": 2,
        "accepted_share": 0.5,
        "final_versions": 3,
        "median_days_from_close_to_final": 10,
    }
    assert [
        row["organization"]
        for row in client.get("/api/v1/statistics/organizations/globex/").json()["consultation_outcomes"]
    ] == ["globex"]


def test_the_period_filter_applies_to_them(client, outcomes):
    last_year = (timezone.now() - timedelta(days=400)).strftime("%Y-%m")
    response = client.get(f"/api/v1/statistics/?to={last_year}")
    assert response.json()["consultation_outcomes"] == []
    assert "No suggestion was decided" in client.get(f"/statistics/?to={last_year}").text


def test_an_organization_without_decisions_shows_no_share(client, organization):
    GuidelineVersionFactory(guideline=GuidelineFactory(organization=organization), status=GuidelineVersion.FINAL)
    assert client.get("/api/v1/statistics/").json()["consultation_outcomes"] == []


def test_they_cost_the_same_queries_for_any_number_of_organizations(client, outcomes):
    def cost() -> int:
        cache.clear()  # the page is cached; count what rendering it costs
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/statistics/").status_code == 200
        return len(queries.captured_queries)

    before = cost()
    for index in range(4):
        consulted_and_final(
            OrganizationFactory(slug=f"org{index}"), slug="e", days_to_final=index, outcomes=["accepted"]
        )
    assert cost() == before
