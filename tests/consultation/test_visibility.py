"""An organization's unpublished work is answered exactly like work that does not exist, except to its publishers."""

import pytest

from consultation.models import GuidelineVersion
from tests.consultation.factories import consultation
from tests.factories import ClauseFactory, GuidelineVersionFactory

pytestmark = pytest.mark.django_db

UNPUBLISHED_GUIDELINE = [
    "/guidelines/acme/secret/",
    "/guidelines/acme/secret/v1/",
    "/guidelines/acme/secret/v1/clauses/R-1.1/",
    "/api/v1/guidelines/acme/secret/",
    "/api/v1/guidelines/acme/secret/versions/1/",
    "/api/v1/guidelines/acme/secret/versions/1/comments/",
]
DRAFT_OF_A_PUBLIC_GUIDELINE = [
    "/guidelines/acme/medical/v2/",
    "/guidelines/acme/medical/v2/diff/1/",
    "/api/v1/guidelines/acme/medical/versions/2/",
]


@pytest.fixture
def secret(organization):
    """A guideline whose only version is a draft."""
    version = GuidelineVersionFactory(
        guideline__organization=organization, guideline__slug="secret", status=GuidelineVersion.DRAFT, number=1
    )
    ClauseFactory(version=version, key="R-1.1")
    return version


@pytest.fixture
def draft_v2(organization):
    consulted = consultation(organization)
    return GuidelineVersionFactory(guideline=consulted.guideline, number=2, based_on=consulted, status="draft")


@pytest.mark.parametrize("url", UNPUBLISHED_GUIDELINE)
def test_an_unpublished_guideline_is_missing_to_outsiders(outsider_client, secret, url):
    assert outsider_client.get(url).status_code == 404


@pytest.mark.parametrize("url", UNPUBLISHED_GUIDELINE)
def test_its_publishers_see_an_unpublished_guideline(client, publisher, secret, url):
    client.force_login(publisher)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", DRAFT_OF_A_PUBLIC_GUIDELINE)
def test_a_draft_of_a_public_guideline_is_missing_to_outsiders(outsider_client, draft_v2, url):
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url.replace("2", "1", 1)).status_code == 200


@pytest.mark.parametrize("url", DRAFT_OF_A_PUBLIC_GUIDELINE)
def test_its_publishers_see_the_draft_of_a_public_guideline(client, publisher, draft_v2, url):
    client.force_login(publisher)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["other_publisher", "citizen"])
def test_managing_an_unpublished_guideline_is_missing_to_outsiders(client, request, secret, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/publish/acme/secret/").status_code == 404
    assert client.post("/publish/acme/secret/drafts/import/", {"markdown": "## R-2.1 X\nY"}).status_code == 404
    response = client.post("/api/v1/guidelines/acme/secret/versions/", {}, content_type="application/json")
    assert response.status_code == 404
    assert GuidelineVersion.objects.count() == 1
