import pytest
from django.contrib.auth.models import AnonymousUser

from tests.consultation.factories import consultation
from tests.factories import MembershipFactory


@pytest.fixture
def version(organization):
    """Acme's medical guideline, version 1, open for comment on two clauses."""
    return consultation(organization)


@pytest.fixture
def other_publisher(other_organization):
    """A publisher, but of Globex: an outsider to everything Acme publishes."""
    return MembershipFactory(organization=other_organization, user__display_name="Otto Other").user


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture(params=["other_publisher", "citizen", "visitor"])
def outsider(request):
    """Each of the people who may never touch Acme's guidelines, in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def outsider_client(client, outsider):
    """A browser signed in as the outsider (a visitor stays signed out)."""
    if outsider.is_authenticated:
        client.force_login(outsider)
    return client
