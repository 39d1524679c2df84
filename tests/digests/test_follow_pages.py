"""The follow buttons with their frequency, the follows page, and who may change what."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digests.models import Follow
from tests.appeals.factories import file
from tests.factories import GuidelineVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

FOLLOW = "/guidelines/acme/medical/follow/"
CONSULTATION = "/guidelines/acme/medical/v1/follow/"


def page(response) -> str:
    return unescape(response.content.decode())


def test_a_citizen_follows_with_a_frequency_changes_it_and_stops(client, citizen, version):
    client.force_login(citizen)
    response = client.post(FOLLOW, {"action": "follow", "frequency": "daily"}, follow=True)
    assert "You follow Medical advice: we will email you a daily digest" in page(response)
    assert citizen.follows.get().frequency == Follow.DAILY
    client.post(FOLLOW, {"action": "follow", "frequency": "weekly"})
    assert citizen.follows.get().frequency == Follow.WEEKLY
    text = page(client.get(version.get_absolute_url()))
    assert "Stop following this guideline" in text and "Follow this consultation" in text
    client.post(FOLLOW, {"action": "unfollow"})
    assert not citizen.follows.exists()


def test_a_consultation_is_followed_on_its_own(client, citizen, version):
    client.force_login(citizen)
    client.post(CONSULTATION, {"action": "follow", "frequency": "immediate"})
    assert citizen.follows.get().version == version


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "follow", "frequency": "hourly"}, "Choose at once, daily or weekly."),
        ({"frequency": "daily"}, "Follow or unfollow?"),
        ({"action": "subscribe"}, "Follow or unfollow?"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, citizen, version, data, message):
    client.force_login(citizen)
    assert message in page(client.post(FOLLOW, data, follow=True))
    assert not Follow.objects.exists()


def test_only_a_version_under_consultation_is_followed(client, citizen, organization, version):
    final = GuidelineVersionFactory(guideline=version.guideline, number=2, status="final", based_on=version)
    client.force_login(citizen)
    response = client.post(f"/guidelines/acme/medical/v{final.number}/follow/", {"action": "follow"}, follow=True)
    assert "Only a version under consultation can be followed" in page(response)
    assert not Follow.objects.exists()


def test_signed_out_people_are_sent_to_sign_in_and_unverified_ones_refused(client, unverified, version):
    for path in (FOLLOW, "/accounts/follows/"):
        response = client.post(path, {"action": "follow"}) if path == FOLLOW else client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(unverified)
    assert "verified email" in page(client.post(FOLLOW, {"action": "follow"}, follow=True))
    assert not Follow.objects.exists()


def test_anyone_verified_may_follow_an_appeal_but_its_appellant_already_hears(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    path = f"/appeals/{appeal.public_id}/follow/"
    client.force_login(citizen)
    assert "You already hear of every step" in page(client.post(path, {"action": "follow"}, follow=True))
    watcher = UserFactory()
    client.force_login(watcher)
    response = client.post(path, {"action": "follow", "frequency": "weekly"}, follow=True)
    assert f"You follow appeal {appeal.public_id}: we will email you a weekly digest" in page(response)
    assert Follow.objects.get().user == watcher


def test_the_follows_page_changes_a_frequency_and_stops_a_follow(client, citizen, version, follower):
    follow = Follow.objects.create(user=citizen, guideline=version.guideline)
    client.force_login(citizen)
    text = page(client.get("/accounts/follows/"))
    assert 'The guideline "Medical advice" (Acme AI)' in text and '<option value="immediate" selected>' in text
    client.post(f"/accounts/follows/{follow.pk}/", {"frequency": "weekly"})
    follow.refresh_from_db()
    assert follow.frequency == Follow.WEEKLY
    response = client.post(f"/accounts/follows/{follow.pk}/", {"frequency": "monthly"}, follow=True)
    assert "Choose at once, daily or weekly." in page(response)
    client.post(f"/accounts/follows/{follow.pk}/", {"frequency": "stop"})
    assert not Follow.objects.exists()


def test_nobody_changes_another_persons_follow(client, citizen, version, follower):
    theirs = Follow.objects.get(user=follower(version.guideline))
    client.force_login(citizen)
    assert client.post(f"/accounts/follows/{theirs.pk}/", {"frequency": "stop"}).status_code == 404
    assert client.post(f"/accounts/follows/{theirs.pk}/", {"frequency": "weekly"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.frequency == Follow.IMMEDIATE


MOST = 7  # session, user, follows with their targets, the opt-out, and the site shell's roles


def test_the_follows_page_costs_the_same_for_many_follows(client, citizen, organization, system, guideline):
    client.force_login(citizen)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/follows/").status_code == 200
        return len(captured)

    def follow_one_of_each(n: int) -> None:
        version = GuidelineVersionFactory(
            guideline__organization=organization, guideline__slug=f"g{n}", status="consultation"
        )
        Follow.objects.create(user=citizen, guideline=version.guideline, frequency=Follow.DAILY)
        Follow.objects.create(user=citizen, version=version)
        Follow.objects.create(user=citizen, appeal=file(UserFactory(), system, guideline), frequency=Follow.WEEKLY)

    follow_one_of_each(1)
    few = queries()
    for n in range(2, 6):
        follow_one_of_each(n)
    assert queries() == few <= MOST, few
