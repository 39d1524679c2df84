"""Scheduling a comment period and publishing a final version show the answers to check before anything happens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultation.models import CommentPeriod, GuidelineVersion
from consultation.services import drafting
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import ClauseFactory, GuidelineVersionFactory

pytestmark = pytest.mark.django_db
SCHEDULE = "/publish/acme/medical/v1/period/"
FINAL = "/publish/acme/medical/v2/final/"


@pytest.fixture
def draft(organization):
    version = GuidelineVersionFactory(
        guideline__organization=organization, guideline__slug="medical", status=GuidelineVersion.DRAFT, number=1
    )
    ClauseFactory(version=version, key="R-1.1")
    return version


@pytest.fixture
def closes_at():
    return (timezone.now() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")


def test_scheduling_first_shows_the_period_to_check_and_changes_nothing(client, publisher, draft, closes_at):
    client.force_login(publisher)
    response = client.post(SCHEDULE, {"opens_at": "", "closes_at": closes_at})
    assert response.status_code == 200 and "Check the comment period of version 1" in response.text
    assert "Now, when you confirm" in response.text and f'name="closes_at" value="{closes_at}"' in response.text
    assert '<button type="submit" name="confirm" value="1">Schedule the comment period</button>' in response.text
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT and not CommentPeriod.objects.exists() and not Entry.objects.exists()


def test_changing_an_answer_shows_the_form_again_with_the_values(client, publisher, draft, closes_at):
    client.force_login(publisher)
    response = client.post(SCHEDULE, {"opens_at": "", "closes_at": closes_at, "change": "closes-at"})
    assert response.status_code == 200 and f'id="closes-at" name="closes_at" value="{closes_at}"' in response.text
    assert not CommentPeriod.objects.exists()


def test_the_confirmed_period_is_scheduled(client, publisher, draft, closes_at):
    client.force_login(publisher)
    response = client.post(SCHEDULE, {"opens_at": "", "closes_at": closes_at, "confirm": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.CONSULTATION and draft.period.is_open


def test_a_wrong_answer_is_shown_on_the_form_with_an_error_summary(client, publisher, draft):
    client.force_login(publisher)
    response = client.post(SCHEDULE, {"opens_at": "tomorrow", "closes_at": ""})
    assert response.status_code == 400 and 'class="error-summary"' in response.text
    assert '<a href="#closes-at">Closes at: Say when the comment period closes.</a>' in response.text
    assert '<a href="#opens-at">Opens at: Give a date and time' in response.text


@pytest.fixture
def final_draft(organization, publisher):
    closed = consultation(organization, closed=True)
    comment = CommentFactory(version=closed, clause=closed.clauses.get(key="R-1.1"))
    drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    return {"summary_of_changes": "Narrower rules.", "statement-R-1.1": "Kept.", "comments-R-1.1": str(comment.pk)}


def test_publishing_final_first_shows_the_statement_to_check(client, publisher, final_draft):
    client.force_login(publisher)
    response = client.post(FINAL, final_draft)
    assert response.status_code == 200 and "Check the final version 2" in response.text
    assert "R-1.1: why" in response.text and "Narrower rules." in response.text
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.DRAFT


def test_changing_the_final_statement_keeps_what_was_written(client, publisher, final_draft):
    client.force_login(publisher)
    response = client.post(FINAL, {**final_draft, "change": "statement-R-1.1"})
    assert response.status_code == 200 and ">Kept.</textarea>" in response.text
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.DRAFT


def test_the_confirmed_final_version_is_published(client, publisher, final_draft):
    client.force_login(publisher)
    assert client.post(FINAL, {**final_draft, "confirm": "1"}).status_code == 302
    assert GuidelineVersion.objects.get(number=2).status == GuidelineVersion.FINAL


def test_the_check_page_keeps_clause_keys_as_written(client, publisher, final_draft):
    client.force_login(publisher)
    page = client.post(FINAL, final_draft).text
    assert '<span class="visually-hidden"> R-1.1: why</span>' in page and "r-1.1" not in page
    assert '<span class="visually-hidden"> summary of changes</span>' in page
