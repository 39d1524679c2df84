"""A real HTTP receiver in a thread (tests/webhooks/receiver.py), and the actors of the webhook tests."""

import pytest

from tests.appeals.factories import AISystemFactory, published_guideline
from tests.webhooks.receiver import receiver  # noqa: F401  (a fixture)
from webhooks.services.endpoints import subscribe_endpoint


@pytest.fixture(autouse=True)
def local_receivers(settings, tmp_path):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on 127.0.0.1; test_ssrf turns it off
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000


@pytest.fixture
def guideline(organization):
    return published_guideline(organization)


@pytest.fixture
def system(organization):
    return AISystemFactory(organization=organization, slug="helper", name="Acme Helper")


@pytest.fixture
def subscribed(organization, publisher, receiver):  # noqa: F811  (the fixture imported above)
    """An endpoint of the organization listening to every appeal event, and its secret."""
    return subscribe_endpoint(
        organization=organization,
        url=receiver.url,
        event_types=["appeal.filed", "appeal.decided", "appeal.corrected"],
        by=publisher,
    )
