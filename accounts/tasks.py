"""Thin Celery tasks: the links that prove control of an email address. Retried if the mail server is away."""

from smtplib import SMTPException

from celery import shared_task

from accounts import notifications
from accounts.models import EmailDomain, User

MAIL_TASK = {"acks_late": True, "autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="accounts.tasks.send_domain_link", **MAIL_TASK)
def send_domain_link(domain_id: int, nonce: str) -> int:
    email_domain = EmailDomain.objects.select_related("organization").filter(pk=domain_id).first()
    return notifications.send_domain_link(email_domain=email_domain, nonce=nonce) if email_domain else 0


@shared_task(name="accounts.tasks.send_ownership_link", **MAIL_TASK)
def send_ownership_link(user_id: int, nonce: str) -> int:
    user = User.objects.filter(pk=user_id).first()
    return notifications.send_ownership_link(user=user, nonce=nonce) if user else 0
