"""Who may do what. Views, API views, services and templates ask these, never ad hoc."""

from allauth.account.models import EmailAddress

from accounts.models import Membership, Organization, ReviewerProfile


def has_verified_email(user) -> bool:
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def is_citizen(user) -> bool:
    """Anyone signed in with a verified email may comment, endorse, follow and appeal."""
    return user.is_authenticated and user.is_active and has_verified_email(user)


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_moderator


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.is_active and ReviewerProfile.objects.active().filter(user=user).exists()


def can_publish_for(user, organization: Organization) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(user=user, organization=organization, role=Membership.PUBLISHER).exists()


def publisher_organizations(user):
    if not (user.is_authenticated and user.is_active):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role=Membership.PUBLISHER)
