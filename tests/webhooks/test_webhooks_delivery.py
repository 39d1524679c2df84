"""Events from the record reach a real receiver, signed per Standard Webhooks, retried, given up on, and replayed."""

import json
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from tests.appeals.factories import decided, file
from webhooks.models import Attempt, Delivery
from webhooks.services import delivering


def test_a_filed_appeal_reaches_the_receiver_signed(
    django_capture_on_commit_callbacks, citizen, system, guideline, subscribed, receiver
):
    endpoint, secret = subscribed
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
    [message] = receiver.received
    body = Webhook(secret).verify(message.body, message.headers)
    assert body["type"] == "appeal.filed"
    assert body["data"]["public_id"] == appeal.public_id and body["data"]["organization"] == "acme"
    assert message.headers["webhook-id"] == Delivery.objects.get().message_id
    assert Delivery.objects.get().state == Delivery.SUCCEEDED


def test_a_decided_appeal_reaches_the_receiver(
    django_capture_on_commit_callbacks, citizen, system, guideline, moderator, subscribed, receiver
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = decided(citizen, system, guideline, moderator)
    types = [json.loads(message.body)["type"] for message in receiver.received]
    assert types == ["appeal.filed", "appeal.decided"]
    decision = json.loads(receiver.received[1].body)["data"]
    assert decision["public_id"] == appeal.public_id and decision["outcome"] == "overturned"


def test_another_organizations_events_are_not_sent(
    django_capture_on_commit_callbacks, citizen, other_organization, receiver, subscribed
):
    from tests.appeals.factories import AISystemFactory, published_guideline

    guideline = published_guideline(other_organization, slug="globex-rules")
    system = AISystemFactory(organization=other_organization)
    with django_capture_on_commit_callbacks(execute=True):
        file(citizen, system, guideline)
    assert receiver.received == [] and not Delivery.objects.exists()


def test_a_failed_attempt_is_retried_with_the_same_webhook_id(citizen, system, guideline, subscribed, receiver):
    endpoint, secret = subscribed
    receiver.statuses = [500]
    file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    first = delivering.attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert first.status_code == 500 and delivery.state == Delivery.PENDING
    assert delivery.next_attempt_at > timezone.now()
    assert delivering.attempt_delivery(delivery_id=delivery.pk) is None  # not due yet: nothing sent
    later = timezone.now() + timedelta(seconds=6)
    assert delivering.send_due_deliveries(now=later) == 1
    assert delivering.send_due_deliveries(now=later) == 0  # queued already: a busy queue gets it once
    second = delivering.attempt_delivery(delivery_id=delivery.pk, now=later)
    delivery.refresh_from_db()
    assert second.status_code == 200 and delivery.state == Delivery.SUCCEEDED
    ids = {message.headers["webhook-id"] for message in receiver.received}
    assert ids == {delivery.message_id} and len(receiver.received) == 2
    Webhook(secret).verify(receiver.received[1].body, receiver.received[1].headers)


def test_a_delivery_fails_after_the_last_attempt(settings, citizen, system, guideline, subscribed, receiver):
    settings.WEBHOOK_RETRY_SECONDS = [5, 60]
    receiver.statuses = [503, 503, 503]
    file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    now = timezone.now()
    for wait in (0, 10, 100):
        now += timedelta(seconds=wait)
        delivering.attempt_delivery(delivery_id=delivery.pk, now=now)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.FAILED and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert delivering.send_due_deliveries(now=now + timedelta(days=1)) == 0
    assert len(receiver.received) == 3


def test_an_unreachable_endpoint_is_an_attempt_with_its_error(citizen, system, guideline, subscribed, receiver):
    endpoint, _ = subscribed
    endpoint.url = "http://127.0.0.1:9/hooks"  # the discard port: nothing listens
    endpoint.save()
    file(citizen, system, guideline)
    attempt = delivering.attempt_delivery(delivery_id=Delivery.objects.get().pk)
    assert attempt.status_code is None and "Could not reach the endpoint" in attempt.error


def test_an_endpoint_failing_for_days_is_disabled_and_its_publishers_told(
    django_capture_on_commit_callbacks, citizen, system, guideline, subscribed, receiver, publisher
):
    endpoint, _ = subscribed
    receiver.statuses = [500, 500]
    file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    now = timezone.now()
    delivering.attempt_delivery(delivery_id=delivery.pk, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        delivering.attempt_delivery(delivery_id=delivery.pk, now=now + timedelta(days=6))
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "HTTP 500" in endpoint.disabled_reason
    assert [message.to for message in mail.outbox] == [[publisher.email]]
    assert delivering.send_due_deliveries(now=now + timedelta(days=7)) == 0


def test_a_replay_sends_the_same_message_again(
    django_capture_on_commit_callbacks, citizen, system, guideline, subscribed, receiver, publisher
):
    endpoint, secret = subscribed
    with django_capture_on_commit_callbacks(execute=True):
        file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        delivering.replay_delivery(delivery=delivery, by=publisher)
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == delivery.message_id
    assert Webhook(secret).verify(again.body, again.headers)["type"] == "appeal.filed"
    assert list(delivery.attempt_rows.values_list("trigger", flat=True)) == [Attempt.REPLAY, Attempt.SCHEDULED]


def test_after_a_rotation_both_secrets_verify_for_a_day(
    django_capture_on_commit_callbacks, citizen, system, guideline, subscribed, receiver, publisher
):
    from webhooks.services.endpoints import rotate_secret

    endpoint, old = subscribed
    new = rotate_secret(endpoint=endpoint, by=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        file(citizen, system, guideline)
    [message] = receiver.received
    assert new != old
    Webhook(new).verify(message.body, message.headers)
    Webhook(old).verify(message.body, message.headers)
