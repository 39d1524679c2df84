"""Who may do what. Views, API views, services and templates ask these, never ad hoc."""

from allauth.account.models import EmailAddress

from accounts.models import ApiKey, AuditorProfile, Membership, Organization, ReviewerProfile


def is_organization_voice(user) -> bool:
    """A request made with an organization's API key (accounts.api_keys.OrganizationVoice): the organization, not a
    person, so none of the rules about people apply to it."""
    return getattr(user, "api_key", None) is not None


def is_person(user) -> bool:
    return user.is_authenticated and user.is_active and not is_organization_voice(user)


def key_allows(user, scope: str, organization: Organization) -> bool:
    """Whether a request speaks for `organization` through one of its keys that holds `scope`."""
    return (
        is_organization_voice(user) and user.api_key.organization_id == organization.pk and user.api_key.allows(scope)
    )


def key_refusal(user, scope: str, organization: Organization) -> str:
    """Why this request may not use `scope` for `organization`, or "" when it may (the message of the 403)."""
    if not is_organization_voice(user):
        return f"Send one of {organization.name}'s API keys with the {scope} scope (Authorization: Bearer wd_…)."
    if user.api_key.organization_id != organization.pk:
        return f"This API key belongs to another organization, not {organization.name}."
    if not user.api_key.allows(scope):
        return f"This API key does not have the {scope} scope; make a key that has it."
    return ""


def can_manage_api_keys(user, organization: Organization) -> bool:
    """A publisher makes and revokes the organization's keys; a key never makes another."""
    return can_publish_for(user, organization)


def speaks_for(user, organization: Organization) -> bool:
    """May answer decisions and recommendations in the organization's name: its publishers, or its own key with the
    responses:write scope."""
    return can_publish_for(user, organization) or key_allows(user, ApiKey.RESPONSES_WRITE, organization)


def has_verified_email(user) -> bool:
    if not is_person(user):
        return False
    if hasattr(user, "has_verified_email"):  # asked along with the API token (accounts.authentication)
        return user.has_verified_email
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def is_citizen(user) -> bool:
    """Anyone signed in with a verified email may comment, endorse, follow and appeal, unless their account was
    suspended from posting (an upheld "I did not write this": consultation.services.disputes)."""
    return user.is_authenticated and user.is_active and user.posting_suspended_at is None and has_verified_email(user)


def is_moderator(user) -> bool:
    return is_person(user) and user.is_moderator


def is_reviewer(user) -> bool:
    return is_person(user) and ReviewerProfile.objects.active().filter(user=user).exists()


def is_auditor(user) -> bool:
    return is_person(user) and AuditorProfile.objects.active().filter(user=user).exists()


def can_publish_for(user, organization: Organization) -> bool:
    if not is_person(user):
        return False
    return Membership.objects.filter(user=user, organization=organization, role=Membership.PUBLISHER).exists()


def publisher_organizations(user):
    if not is_person(user):
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
