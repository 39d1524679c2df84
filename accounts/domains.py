"""An organization proves an email domain is its own: a publisher names an address at the domain, a signed link is
mailed there, and following it verifies the domain. A DNS TXT record would be the usual proof, but this site must
work offline; a mailbox at the domain shows the same control of it (docs/explanations/who-is-speaking.md).
"""

import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import DOMAIN_LENGTH, EmailDomain, Organization, User
from accounts.permissions import can_publish_for
from core.queue import enqueue
from core.ratelimit import over_limit
from ledger.kinds import EntryKind
from ledger.services import append

DOMAIN_SIGNER_SALT = "accounts.domains.verify"
# Letters, digits and hyphens in dot-separated labels, with at least one dot: "example.org", not "localhost".
DOMAIN_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Each link is a mail to an address the publisher names: a few an hour, so the form cannot be used to send mail.
DOMAIN_LINKS_PER_HOUR = 10
LINK_REFUSED = "This verification link is not valid or has expired. Ask for a new one on the organization's page."


def clean_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("@")
    if len(domain) > DOMAIN_LENGTH or not DOMAIN_PATTERN.match(domain):
        raise ValidationError({"domain": "Enter a domain such as example.org, without @ or https://."})
    return domain


@transaction.atomic
def request_domain_verification(*, organization: Organization, domain: str, address: str, by: User) -> EmailDomain:
    """Mail a verification link to `address`, which must be at `domain`. Only the organization's publishers ask."""
    if not can_publish_for(by, organization):
        raise PermissionDenied(f"Only the publishers of {organization.name} may verify its email domains.")
    if over_limit(action="domain-link", who=str(by.pk), limit=DOMAIN_LINKS_PER_HOUR, per_seconds=3600):
        raise ValidationError("You have asked for many verification links in the last hour. Please wait a while.")
    domain = clean_domain(domain)
    address = address.strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError(
            {"address": "Enter an email address at the domain, such as postmaster@example.org."}
        ) from error
    if address.rpartition("@")[2] != domain:
        raise ValidationError({"address": f"The address must be at {domain}: the link proves you read its mail."})
    if EmailDomain.objects.verified().filter(domain=domain).exists():
        raise ValidationError({"domain": f"{domain} is already verified by an organization."})
    pending = EmailDomain.objects.create(
        organization=organization, domain=domain, proof_address=address, requested_by=by
    )
    enqueue("accounts.tasks.send_domain_link", pending.pk, secrets.token_hex(8))
    return pending


def domain_link_token(email_domain: EmailDomain) -> str:
    return signing.dumps([email_domain.pk, email_domain.proof_address], salt=DOMAIN_SIGNER_SALT)


def domain_from_token(token: str) -> EmailDomain:
    """The pending domain a link names, or ValidationError when it is forged, expired or names nothing pending."""
    try:
        pk, address = signing.loads(token, salt=DOMAIN_SIGNER_SALT, max_age=settings.DOMAIN_LINK_HOURS * 3600)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ValidationError(LINK_REFUSED) from error
    found = EmailDomain.objects.select_related("organization").filter(pk=pk, proof_address=address).first()
    if found is None:
        raise ValidationError(LINK_REFUSED)
    return found


@transaction.atomic
def confirm_domain(*, token: str) -> EmailDomain:
    """Verify the domain a valid link names, on the record. Following the link twice verifies it once."""
    email_domain = domain_from_token(token)
    email_domain = EmailDomain.objects.select_for_update().select_related("organization").get(pk=email_domain.pk)
    if email_domain.is_verified:
        return email_domain
    email_domain.verified_at = timezone.now()
    try:
        with transaction.atomic():
            email_domain.save(update_fields=["verified_at"])
    except IntegrityError as error:
        raise ValidationError(f"{email_domain.domain} was verified by another organization first.") from error
    append(
        kind=EntryKind.DOMAIN_VERIFIED,
        subject=f"organization:{email_domain.organization.slug}",
        payload={"organization": email_domain.organization.name, "domain": email_domain.domain},
    )
    return email_domain
