import pytest

from digests.models import Follow
from tests.appeals.factories import AISystemFactory, published_guideline
from tests.consultation.factories import consultation
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000


@pytest.fixture
def version(organization):
    """Version 1 of "Medical advice", open for comment."""
    return consultation(organization)


@pytest.fixture
def guideline(organization):
    """A published guideline appeals are filed under."""
    return published_guideline(organization)


@pytest.fixture
def system(organization):
    return AISystemFactory(organization=organization, slug="helper", name="Acme Helper")


@pytest.fixture
def follower():
    """Makes a person with a verified email who follows `target` (a guideline, version or appeal) as often as told."""

    def make(target, frequency=Follow.IMMEDIATE, **person):
        user = UserFactory(**person)
        field = {"Guideline": "guideline", "GuidelineVersion": "version", "Appeal": "appeal"}[type(target).__name__]
        return Follow.objects.create(user=user, frequency=frequency, **{field: target}).user

    return make
