"""The responses page shows answer forms only once the period has closed, as the services require; before that it
says when answering becomes possible. A POST made anyway is still refused."""

import pytest

from consultation.models import CommentCluster, Response
from tests.consultation.factories import consultation
from tests.consultation.test_campaign_pages import make_campaign

pytestmark = pytest.mark.django_db

PAGE = "/publish/acme/medical/v1/responses/"


def campaign(version):
    return CommentCluster.objects.get(pk=make_campaign(version, 2, clause=version.clauses.first())[0].pk)


def test_while_the_period_is_open_there_are_no_answer_forms_but_the_date_they_come(client, publisher, organization):
    version = consultation(organization)
    campaign(version)
    client.force_login(publisher)
    page = client.get(PAGE).text
    assert "You can answer these comments once the comment period closes" in page
    assert f'datetime="{version.period.closes_at:%Y-%m-%dT%H:%M:%S}+00:00"' in page
    assert 'name="cluster"' not in page and 'name="clause"' not in page and "Answer comment " not in page


def test_a_post_while_the_period_is_open_is_still_refused(client, publisher, organization):
    cluster = campaign(consultation(organization))
    client.force_login(publisher)
    response = client.post(f"{PAGE}new/", {"cluster": cluster.pk, "disposition": "noted", "text": "Read."}, follow=True)
    assert "once the comment period has closed" in response.text and not Response.objects.exists()


def test_once_the_period_has_closed_the_forms_are_there(client, publisher, organization):
    campaign(consultation(organization, closed=True))
    client.force_login(publisher)
    page = client.get(PAGE).text
    assert "once the comment period closes" not in page
    assert page.count('name="cluster"') == 1 and page.count('name="clause"') == 1
