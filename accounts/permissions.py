"""Who may do what. Views, API views, services and templates ask these, never ad hoc."""

from allauth.account.models import EmailAddress

from accounts.models import AuditorProfile, Membership, Organization, ReviewerProfile


def has_verified_email(user) -> bool:
    if not user.is_authenticated:
        return False
    if hasattr(user, "has_verified_email"):  # asked along with the API token (accounts.authentication)
        return user.has_verified_email
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def is_citizen(user) -> bool:
    """Anyone signed in with a verified email may comment, endorse, follow and appeal, unless their account was
    suspended from posting (an upheld "I did not write this": consultation.services.disputes)."""
    return user.is_authenticated and user.is_active and user.posting_suspended_at is None and has_verified_email(user)


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_moderator


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.is_active and ReviewerProfile.objects.active().filter(user=user).exists()


def is_auditor(user) -> bool:
    return user.is_authenticated and user.is_active and AuditorProfile.objects.active().filter(user=user).exists()


def can_publish_for(user, organization: Organization) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(user=user, organization=organization, role=Membership.PUBLISHER).exists()


def publisher_organizations(user):
    if not (user.is_authenticated and user.is_active):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role=Membership.PUBLISHER)


def moderation_conflict(user, *, organization: Organization, author_id: int | None, reviewed: bool = False) -> str:
    """Why `user` may not moderate this comment or appeal, or "" when they may.

    The one conflict-of-interest rule for every moderation action: never one's own item, never one
    about an organization one publishes for, never an appeal one reviewed.
    """
    if not is_moderator(user):
        return "Only moderators may do this."
    if author_id is not None and author_id == user.pk:
        return "This is your own; another moderator must handle it."
    if can_publish_for(user, organization):
        return f"You publish for {organization.name}, so another moderator must handle this."
    if reviewed:
        return "You reviewed this appeal, so another moderator must handle it."
    return ""
