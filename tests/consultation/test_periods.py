from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultation.models import CommentPeriod, GuidelineVersion
from consultation.services import periods
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import consultation
from tests.factories import ClauseFactory, GuidelineVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(organization):
    version = GuidelineVersionFactory(guideline__organization=organization, status=GuidelineVersion.DRAFT, number=1)
    ClauseFactory(version=version, key="R-1.1")
    return version


def days(n: float):
    return timezone.now() + timedelta(days=n)


def test_scheduling_makes_the_version_public_and_frozen(publisher, draft):
    period = periods.schedule_comment_period(version=draft, opens_at=days(1), closes_at=days(32), by=publisher)
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.CONSULTATION and draft.is_public
    assert period.state == CommentPeriod.SCHEDULED
    entry = Entry.objects.get(kind=EntryKind.CONSULTATION_SCHEDULED)
    assert entry.subject == draft.subject and entry.data["clauses"][0]["key"] == "R-1.1"


def test_a_period_with_no_opening_time_opens_now(publisher, draft):
    period = periods.schedule_comment_period(version=draft, opens_at=None, closes_at=days(31), by=publisher)
    assert period.state == CommentPeriod.OPEN


@pytest.mark.parametrize(
    "opens, closes, field",
    [(2, 1, "closes_at"), (1, 20, "closes_at"), (-3, 40, "opens_at")],
    ids=["ends-before-it-starts", "shorter-than-the-minimum", "opens-in-the-past"],
)
def test_bad_periods_are_refused_and_nothing_changes(publisher, draft, opens, closes, field):
    with pytest.raises(ValidationError) as error:
        periods.schedule_comment_period(version=draft, opens_at=days(opens), closes_at=days(closes), by=publisher)
    assert field in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT
    assert not CommentPeriod.objects.exists() and not Entry.objects.exists()


def test_the_minimum_length_is_a_setting(publisher, draft, settings):
    settings.CONSULTATION_MIN_DAYS = 5
    with pytest.raises(ValidationError, match="at least 5 days"):
        periods.schedule_comment_period(version=draft, opens_at=days(1), closes_at=days(5.5), by=publisher)
    opens_at = days(1)
    period = periods.schedule_comment_period(version=draft, opens_at=opens_at, closes_at=days(7), by=publisher)
    assert period.opens_at == opens_at and period.state == CommentPeriod.SCHEDULED


def test_only_publishers_of_the_organization_schedule(moderator, outsider, draft):
    for person in [moderator, outsider]:
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            periods.schedule_comment_period(version=draft, opens_at=None, closes_at=days(31), by=person)
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT and not CommentPeriod.objects.exists()


def test_only_publishers_of_the_organization_extend(moderator, outsider, organization):
    period = consultation(organization).comment_period
    closes_at = period.closes_at
    for person in [moderator, outsider]:
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            periods.extend_comment_period(period=period, closes_at=days(90), reason="More time", by=person)
    period.refresh_from_db()
    assert period.closes_at == closes_at and not period.extensions.exists()


@pytest.mark.parametrize("who, refusal", [("other_publisher", 403), ("citizen", 403), ("visitor", 302)])
def test_outsiders_cannot_schedule_or_extend_through_the_pages(client, request, publisher, organization, who, refusal):
    period = consultation(organization).comment_period
    closes_at = period.closes_at
    draft = GuidelineVersionFactory(guideline=period.version.guideline, number=2, status=GuidelineVersion.DRAFT)
    ClauseFactory(version=draft, key="R-1.1")
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    later = days(90).strftime("%Y-%m-%d %H:%M")
    assert client.post("/publish/acme/medical/v2/period/", {"closes_at": later}).status_code == refusal
    response = client.post("/publish/acme/medical/v1/period/extend/", {"closes_at": later, "reason": "More time"})
    assert response.status_code == refusal
    period.refresh_from_db()
    assert period.closes_at == closes_at and CommentPeriod.objects.count() == 1


def test_an_extension_is_public_and_keeps_the_history(publisher, organization):
    period = consultation(organization).comment_period
    old = period.closes_at
    periods.extend_comment_period(period=period, closes_at=old + timedelta(days=7), reason="Late docs", by=publisher)
    period.refresh_from_db()
    assert period.closes_at == old + timedelta(days=7)
    extension = period.extensions.get()
    assert (extension.previous_closes_at, extension.reason) == (old, "Late docs")
    assert Entry.objects.get(kind=EntryKind.CONSULTATION_EXTENDED).data["reason"] == "Late docs"


def test_a_period_is_never_shortened(publisher, organization):
    period = consultation(organization).comment_period
    old = period.closes_at
    for closes_at in [old - timedelta(days=1), old]:
        with pytest.raises(ValidationError):
            periods.extend_comment_period(period=period, closes_at=closes_at, reason="Because", by=publisher)
    period.refresh_from_db()
    assert period.closes_at == old and not period.extensions.exists()


def test_a_closed_period_is_never_reopened(publisher, organization):
    period = consultation(organization, closed=True).comment_period
    with pytest.raises(ValidationError, match="never reopened"):
        periods.extend_comment_period(period=period, closes_at=days(10), reason="More time", by=publisher)
    assert period.state == CommentPeriod.CLOSED


def test_an_extension_needs_a_reason(publisher, organization):
    period = consultation(organization).comment_period
    with pytest.raises(ValidationError):
        periods.extend_comment_period(period=period, closes_at=days(60), reason="  ", by=publisher)


def test_state_follows_the_clock(organization):
    period = consultation(organization).comment_period
    assert period.state_at(period.opens_at - timedelta(seconds=1)) == "scheduled"
    assert period.state_at(period.opens_at) == "open"
    assert period.state_at(period.closes_at) == "closed"
    assert list(CommentPeriod.objects.open()) == [period]


def test_the_publisher_schedules_through_the_form(client, publisher, draft):
    client.force_login(publisher)
    url = f"/publish/{draft.guideline.organization.slug}/{draft.guideline.slug}/v1/period/"
    response = client.post(url, {"closes_at": days(2).strftime("%Y-%m-%dT%H:%M"), "confirm": "1"}, follow=True)
    assert "at least 30 days" in response.content.decode()
    response = client.post(url, {"opens_at": "tomorrow", "closes_at": "whenever"}, follow=True)
    assert "Give a date and time" in response.content.decode()
    client.post(url, {"opens_at": "", "closes_at": days(31).strftime("%Y-%m-%dT%H:%M"), "confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.CONSULTATION
