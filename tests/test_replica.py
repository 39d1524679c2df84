"""Anonymous page reads go to the read replica; everything a signed-in person does, and every write, to the primary.

The replica alias is a TEST MIRROR of the default database (tests/conftest.py adds it where DATABASE_REPLICA_URL is
not set), a second connection to it: the rows have to be committed for it to see them, hence transactional tests.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from consultation.services.comments import hide_comment, post_comment
from tests.consultation.factories import consultation

pytestmark = [pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


@pytest.fixture(autouse=True)
def replica(settings):
    settings.PAGE_READS_FROM_REPLICA = True


def queries(client, url: str, **kwargs) -> tuple[int, int]:
    """How many queries the request sent to the primary and to the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(primary), len(copy)


def test_an_anonymous_page_is_read_from_the_replica(client, organization):
    version = consultation(organization)
    primary, copy = queries(client, version.get_absolute_url())
    assert (primary, copy > 0) == (0, True)


def test_a_signed_in_readers_page_is_read_from_the_primary(client, organization, citizen):
    version = consultation(organization)
    client.force_login(citizen)
    primary, copy = queries(client, version.get_absolute_url())
    assert (primary > 0, copy) == (True, 0)


def test_an_anonymous_api_read_comes_from_the_replica_too(client, organization):
    consultation(organization)
    primary, copy = queries(client, "/api/v1/guidelines/")
    assert (primary, copy > 0) == (0, True)


def test_writes_go_to_the_primary_and_the_anonymous_page_shows_them(client, organization, citizen):
    version = consultation(organization)
    client.get(version.get_absolute_url())
    with CaptureQueriesContext(connections["replica"]) as copy:
        post_comment(version=version, clause=None, body="Read from the replica after commit.", by=citizen)
    assert len(copy) == 0
    assert "Read from the replica after commit." in client.get(version.get_absolute_url()).text


def test_without_a_replica_configured_reads_stay_on_the_primary(client, organization, settings):
    settings.PAGE_READS_FROM_REPLICA = False
    version = consultation(organization)
    primary, copy = queries(client, version.get_absolute_url())
    assert (primary > 0, copy) == (True, 0)


def test_a_page_re_rendered_just_after_a_hide_is_read_from_the_primary(client, organization, citizen, moderator):
    # A replica that has not replayed the hide yet would render the hidden text into the new page.
    version = consultation(organization)
    posted = post_comment(version=version, clause=None, body="Buy cheap watches", by=citizen)
    client.get(version.get_absolute_url())
    hide_comment(comment=posted, reason="spam", by=moderator)
    primary, copy = queries(client, version.get_absolute_url())
    assert (primary > 0, copy) == (True, 0)
