"""The accounts' emails, each sent once per request (`nonce`), so a redelivered task never mails twice."""

from django.conf import settings
from django.urls import reverse

from accounts.domains import domain_link_token
from accounts.models import EmailDomain, User
from accounts.ownership import ownership_token
from core.mail import send_once


def send_domain_link(*, email_domain: EmailDomain, nonce: str) -> int:
    return send_once(
        key=f"domain-link:{email_domain.pk}:{nonce}",
        to=email_domain.proof_address,
        template="accounts/email/domain_link",
        context={
            "email_domain": email_domain,
            "hours": settings.DOMAIN_LINK_HOURS,
            "path": reverse("email-domain-confirm", args=[domain_link_token(email_domain)]),
        },
    )


def send_ownership_link(*, user: User, nonce: str) -> int:
    return send_once(
        key=f"ownership-link:{user.pk}:{nonce}",
        to=user.email,
        template="accounts/email/ownership_link",
        context={
            "user": user,
            "hours": settings.OWNERSHIP_LINK_HOURS,
            "path": reverse("not-mine-account", args=[ownership_token(user)]),
        },
    )
