"""/organizations/: every organization with its systems, open consultations, decisions and recommendations due."""

from datetime import timedelta

from django.utils import timezone

from appeals.models import Recommendation
from tests.appeals.factories import AISystemFactory
from tests.appeals.test_recommendations import recommended
from tests.consultation.factories import consultation
from tests.factories import OrganizationFactory

DIRECTORY = "/organizations/"


def test_every_organization_is_listed_by_name_and_links_to_its_page(client, organization, other_organization):
    page = client.get(DIRECTORY)
    assert page.status_code == 200 and page.text.count("<h1>") == 1 and "<main" in page.text
    assert page.text.index("Acme AI") < page.text.index("Globex")
    assert 'href="/organizations/acme/"' in page.text and 'href="/organizations/globex/"' in page.text


def test_it_shows_the_systems_and_the_consultations_open_now(client, organization, other_organization, system):
    open_version = consultation(organization)
    page = client.get(DIRECTORY).text
    acme, globex = page.split("Globex")[0], page.split("Globex")[1]
    assert "Acme Helper" in acme and open_version.get_absolute_url() in acme and "Medical advice v1" in acme
    assert "None registered" in globex and "None open now" in globex


def test_a_closed_consultation_is_not_listed_as_open(client, organization):
    consultation(organization, closed=True)
    assert "None open now" in client.get(DIRECTORY).text


def test_it_counts_decisions_in_force_and_recommendations_awaiting_an_answer(
    client, citizen, system, guideline, moderator
):
    first, second = recommended(citizen, system, guideline, moderator, "Publish the limits.", "Name the clause.")
    Recommendation.objects.filter(pk=first.pk).update(respond_by=timezone.now() - timedelta(days=1))
    page = client.get(DIRECTORY).text
    assert "1 decision in force" in page
    assert "2 awaiting an answer</a>, <strong>1 overdue</strong>" in page
    assert 'href="/decisions/?organization=acme&amp;in_force=yes"' in page


def test_an_organization_without_decisions_or_recommendations_says_so(client, organization):
    page = client.get(DIRECTORY).text
    assert "0 decisions in force" in page and "None awaiting an answer" in page


def test_the_directory_takes_the_same_queries_for_one_organization_or_many(
    client, organization, system, django_assert_max_num_queries
):
    consultation(organization)
    with django_assert_max_num_queries(3):
        client.get(DIRECTORY)
    for n in range(4):
        AISystemFactory(organization=OrganizationFactory(slug=f"more-{n}"))
    with django_assert_max_num_queries(3):
        assert client.get(DIRECTORY).text.count('class="card"') == 5


def test_the_header_and_the_footer_link_to_it(client, db):
    assert client.get("/").text.count(f'href="{DIRECTORY}"') == 2


def test_an_empty_directory_says_so(client, db):
    assert "No organization has joined yet." in client.get(DIRECTORY).text


def test_an_organizations_page_leads_back_to_the_directory(client, organization):
    page = client.get("/organizations/acme/").text
    assert f'<p class="breadcrumbs"><a href="{DIRECTORY}">Organizations</a> › Acme AI</p>' in page
