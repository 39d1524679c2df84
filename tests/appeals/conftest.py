import pytest

from tests.appeals.factories import AISystemFactory, published_guideline


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000  # the rate-limit test sets its own


@pytest.fixture
def guideline(organization):
    return published_guideline(organization)


@pytest.fixture
def system(organization):
    return AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
