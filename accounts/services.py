from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import AuditorProfile, Membership, Organization, ReviewerProfile, User

ROLES = ("citizen", "publisher", "moderator", "reviewer", "auditor")


class AccountError(ValueError):
    pass


@transaction.atomic
def create_organization(*, slug: str, name: str, website: str = "") -> Organization:
    if Organization.objects.filter(slug=slug).exists():
        raise AccountError(f"An organization with the slug '{slug}' already exists.")
    organization = Organization(slug=slug, name=name, website=website)
    try:
        organization.full_clean()
    except ValidationError as error:
        raise AccountError(
            "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        ) from error
    organization.save()
    return organization


@transaction.atomic
def create_account(
    *,
    email: str,
    password: str | None,
    role: str,
    display_name: str = "",
    organization: Organization | None = None,
    expertise: list[str] | None = None,
) -> User:
    """An account whose email counts as verified, for bootstrapping and demo data. With no password it has none that
    can sign in (hashing one costs a deliberate fraction of a second, paid for each of the demo's many voters)."""
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    if role == "publisher" and organization is None:
        raise AccountError("A publisher needs an organization (--organization SLUG).")
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(f"An account with the email {email} already exists.")
    if role == "auditor" and AuditorProfile.objects.filter(label=display_name or email.split("@")[0]).exists():
        raise AccountError("Another auditor is named so; auditors are named publicly, so give a distinct --name.")
    user = User.objects.create_user(
        email, password, display_name=display_name or email.split("@")[0], is_moderator=role == "moderator"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if role == "publisher" and organization is not None:  # always so for a publisher: refused above
        Membership.objects.create(user=user, organization=organization, role=Membership.PUBLISHER)
    if role == "reviewer":
        ReviewerProfile.objects.create(user=user, handle=_free_handle(user), expertise=expertise or [])
    if role == "auditor":
        AuditorProfile.objects.create(user=user, label=user.display_name)
    return user


def _free_handle(user: User) -> str:
    base = f"reviewer-{user.pk}"
    return base if not ReviewerProfile.objects.filter(handle=base).exists() else f"{base}-{user.email.split('@')[0]}"
