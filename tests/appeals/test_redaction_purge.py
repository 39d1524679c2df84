"""Redacted means gone: once a moderator's redaction returns, no cached copy of the appeal's pages shows the old
excerpts, not even the copy kept for readers while a page re-renders (core/purging.py)."""

from django.test import RequestFactory

from appeals import services
from core.caching import keys_for
from tests.appeals.factories import file


def test_a_redaction_retires_the_copy_kept_for_readers_during_a_re_render(
    client, citizen, system, guideline, moderator, django_capture_on_commit_callbacks
):
    appeal = file(citizen, system, guideline, grounds="Call my sister Ada on Tuesdays.")
    services.admit_appeal(appeal=appeal, by=moderator)
    client.get(appeal.get_absolute_url())
    before = keys_for(RequestFactory().get(appeal.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        services.redact_refusal(
            appeal=appeal, by=moderator, public_prompt_excerpt="a", public_refusal_excerpt="b", public_grounds="Call."
        )
    after = keys_for(RequestFactory().get(appeal.get_absolute_url()))
    assert after.latest != before.latest, "the copy shown during a re-render still had the old excerpts"
    assert "my sister Ada" not in client.get(appeal.get_absolute_url()).text
