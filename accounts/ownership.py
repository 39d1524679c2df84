"""Proving control of the email address an account was created with, for "I did not write this".

Anyone may ask; the answer is the same whether or not an account has the address (so the page tells nobody who
has an account), and a link is mailed only when one does. The link is signed, names the account and its address,
and expires (`OWNERSHIP_LINK_HOURS`); if the account's address changed since, it no longer works.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from accounts.models import User
from core.queue import enqueue
from core.ratelimit import RateLimited, over_limit

OWNERSHIP_SIGNER_SALT = "accounts.ownership.link"
NEUTRAL_ANSWER = (
    "If an account was created with this address, we have sent a link to it. The link works for "
    "{hours} hours. Nothing else happens unless you follow it."
)
LINK_REFUSED = "This link is not valid or has expired. Ask for a new one; it is mailed to the account's address."


def neutral_answer() -> str:
    return NEUTRAL_ANSWER.format(hours=settings.OWNERSHIP_LINK_HOURS)


def request_ownership_link(*, email: str, ip: str) -> None:
    """Mail a link to `email` if an account was created with it; the same silence either way. Rate-limited per
    address of the asker and per email asked about, so nobody floods a mailbox."""
    email = email.strip().lower()
    limit, window = settings.OWNERSHIP_LINKS_PER_WINDOW, settings.OWNERSHIP_LINK_WINDOW_SECONDS
    if over_limit(action="ownership-ip", who=ip, limit=limit, per_seconds=window) or over_limit(
        action="ownership-email", who=email, limit=limit, per_seconds=window
    ):
        raise RateLimited(
            "Many links have been asked for in a short time. Please wait an hour and try again.",
            field="email",
            retry_after=window,
        )
    user = User.objects.filter(email__iexact=email).only("pk").first()
    if user is not None:
        enqueue("accounts.tasks.send_ownership_link", user.pk, secrets.token_hex(8))


def ownership_token(user: User) -> str:
    return signing.dumps([user.pk, user.email], salt=OWNERSHIP_SIGNER_SALT)


def account_from_token(token: str) -> User:
    """The account a link names, or ValidationError when the link is forged, expired or its address changed."""
    try:
        pk, email = signing.loads(token, salt=OWNERSHIP_SIGNER_SALT, max_age=settings.OWNERSHIP_LINK_HOURS * 3600)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ValidationError(LINK_REFUSED) from error
    user = User.objects.filter(pk=pk, email=email).first()
    if user is None:
        raise ValidationError(LINK_REFUSED)
    return user
