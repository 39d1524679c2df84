"""Thin Celery tasks, safe to run twice: an attempt runs only while its delivery is due (and locked), a replay is one
more attempt of the same message, and the disabled-endpoint notice goes through `send_once`."""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from webhooks import events
from webhooks.models import Endpoint
from webhooks.services import delivering

# The endpoint's failures are not the task's: they are recorded as attempts and retried on the delivery's schedule.
TASK = {"acks_late": True}
MAIL_TASK = {"acks_late": True, "autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="webhooks.tasks.attempt_delivery", **TASK)
def attempt_delivery(delivery_id: int) -> bool:
    return delivering.attempt_delivery(delivery_id=delivery_id) is not None


@shared_task(name="webhooks.tasks.replay_delivery", **TASK)
def replay_delivery(delivery_id: int, requested_by_id: int | None) -> bool:
    return delivering.send_replay(delivery_id=delivery_id, requested_by_id=requested_by_id) is not None


@shared_task(name="webhooks.tasks.send_due_deliveries", **TASK)
def send_due_deliveries() -> int:
    return delivering.send_due_deliveries()


@shared_task(name="webhooks.tasks.emit_consultation_events", **TASK)
def emit_consultation_events() -> int:
    return events.emit_consultation_events(now=timezone.now())


@shared_task(name="webhooks.tasks.tell_endpoint_disabled", **MAIL_TASK)
def tell_endpoint_disabled(endpoint_id: int) -> int:
    endpoint = Endpoint.objects.select_related("organization").filter(pk=endpoint_id).first()
    return delivering.tell_endpoint_disabled(endpoint=endpoint) if endpoint else 0
