"""Rejected means gone: once a moderator rejects a statement, no cached copy of its version's pages is served from
before, not even the copy kept for readers while a page re-renders (core/purging.py)."""

import pytest
from django.test import RequestFactory

from consultation.services.opinions import moderate_statement, submit_statement
from core.caching import keys_for

pytestmark = pytest.mark.django_db


def test_a_rejection_retires_the_copy_kept_for_readers_during_a_re_render(
    client, version, citizen, moderator, django_capture_on_commit_callbacks
):
    statement = submit_statement(version=version, text="Refusals should cite the clause.", by=citizen)
    client.get(version.get_absolute_url())
    before = keys_for(RequestFactory().get(version.get_absolute_url()))
    assert before.latest
    with django_capture_on_commit_callbacks(execute=True):
        moderate_statement(statement=statement, action="reject", reason="Off topic.", by=moderator)
    after = keys_for(RequestFactory().get(version.get_absolute_url()))
    assert after.latest != before.latest
