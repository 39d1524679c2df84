"""Templated email: templates/<area>/email/<name>_subject.txt and <name>_body.txt."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from core.models import SentNotice


def send_templated_mail(*, to: list[str], template: str, context: dict[str, Any]) -> int:
    """Send one message per call; `template` is e.g. "consultation/email/comment_hidden"."""
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def send_once(*, key: str, to: str, template: str, context: dict[str, Any]) -> int:
    """Send one email unless one with this key already went out, so a redelivered task never mails twice.

    The claim and the send succeed or fail together: a failed send leaves no claim, and the retry sends.
    """
    with transaction.atomic():
        _, created = SentNotice.objects.get_or_create(key=key)
        if not created:
            return 0
        return send_templated_mail(to=[to], template=template, context=context)
