"""Templated email: templates/<area>/email/<name>_subject.txt and <name>_body.txt.

Every message carries a one-click unsubscribe (RFC 8058): a `List-Unsubscribe` header with a signed link, a
`List-Unsubscribe-Post` header, and the same link at the foot of the body. The link's token names the address and,
for mail about one followed thing, that follow; the page that reads it is the digests app's (URL name
"unsubscribe"). Whether an address still wants mail is asked of a hook that app fills in, so that mail to someone
who unsubscribed from everything is not sent, whichever app sends it.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from core.models import SentNotice

UNSUBSCRIBE_SALT = "core.mail.unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"

_wants_no_mail: Callable[[str], bool] = lambda address: False  # noqa: E731  until the digests app says otherwise


def provide_opt_out(check: Callable[[str], bool]) -> None:
    """Called by the app that stores who unsubscribed from all mail (digests), in its ready()."""
    global _wants_no_mail
    _wants_no_mail = check


def unsubscribe_token(*, address: str, follow: int | None = None) -> str:
    """Signed, so a link cannot be made for somebody else's address; without expiry, so an old email still works."""
    return signing.dumps({"address": address, "follow": follow}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, int | None]:
    """The address and the follow (None: all mail) a token names; signing.BadSignature for a forged one."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(value, dict) or not isinstance(value.get("address"), str):
        raise signing.BadSignature("Not an unsubscribe token.")
    follow = value.get("follow")
    return value["address"], follow if isinstance(follow, int) else None


def unsubscribe_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('unsubscribe', args=[token])}"


Attachment = tuple[str, str, str]  # file name, content, MIME type


def send_templated_mail(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any],
    unsubscribe: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> int:
    """One message per recipient; `template` is e.g. "consultation/email/comment_hidden". `unsubscribe` is a token
    from `unsubscribe_token` (a follow's); without one, the link unsubscribes the address from all mail."""
    recipients = [address for address in to if address and not _wants_no_mail(address)]
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    stop = "Stop these emails" if unsubscribe else f"Stop all email from {settings.SITE_NAME}"
    sent = 0
    for address in recipients:
        link = unsubscribe_url(unsubscribe or unsubscribe_token(address=address))
        message = EmailMessage(
            subject,
            f"{body.rstrip()}\n\n--\n{stop}: {link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [address],
            headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": ONE_CLICK},
            attachments=list(attachments),
        )
        sent += message.send()
    return sent


def send_once(
    *,
    key: str,
    to: str,
    template: str,
    context: dict[str, Any],
    unsubscribe: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> int:
    """Send one email unless one with this key already went out, so a redelivered task never mails twice.

    The claim and the send succeed or fail together: a failed send leaves no claim, and the retry sends.
    """
    with transaction.atomic():
        _, created = SentNotice.objects.get_or_create(key=key)
        if not created:
            return 0
        return send_templated_mail(
            to=[to], template=template, context=context, unsubscribe=unsubscribe, attachments=attachments
        )
