"""Guards and clean-ups that several consultation workflows share."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, QuerySet

from accounts.models import Organization, User
from accounts.permissions import can_publish_for, is_citizen
from consultation.models import MAX_TAGS, TAG_LENGTH, Clause, GuidelineVersion
from core.ratelimit import counts_per_domain, email_domain, refuse_when_over


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def thread_counts(*, version_id: int, clause_id: int | None) -> tuple[QuerySet, str]:
    """The row that holds the counts of a clause's original comments (or the general ones), and its fields' prefix."""
    if clause_id is None:
        return GuidelineVersion.objects.filter(pk=version_id), "general_"
    return Clause.objects.filter(pk=clause_id), ""


def count_thread(*, version_id: int, clause_id: int | None, only_if: Exists | None = None, **changes: int) -> int:
    """Add to the counts of a clause's (or the general) comments in the caller's transaction; F() so that concurrent
    writers add up instead of overwriting each other. Returns how many rows changed: 0 when `only_if` is false."""
    counted, prefix = thread_counts(version_id=version_id, clause_id=clause_id)
    if only_if is not None:
        counted = counted.filter(only_if)
    return counted.update(**{f"{prefix}{name}": F(f"{prefix}{name}") + n for name, n in changes.items()})


def require_publisher(by: User, organization: Organization) -> None:
    if not can_publish_for(by, organization):
        raise PermissionDenied(f"Only publishers of {organization.name} may do this.")


SUSPENDED = (
    "This account may not post: its holder said something posted in its name was not theirs, and a moderator "
    "agreed. Write to us from the contact page to have it reopened."
)


def require_citizen(by: User) -> None:
    if not is_citizen(by):
        if by.is_authenticated and by.posting_suspended_at is not None:
            raise PermissionDenied(SUSPENDED)
        raise PermissionDenied("Sign in with a verified email address to take part.")


def locked_draft(version: GuidelineVersion) -> GuidelineVersion:
    """Lock the version row so that editing and scheduling never race each other."""
    locked = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_public:
        raise ValidationError("This version is public and its text is frozen. Start a new draft to change it.")
    return locked


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} cannot be empty."})
    if len(value) > max_length:
        raise ValidationError({field: f"{label} is {len(value):,} characters long; the limit is {max_length:,}."})
    return value


def clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list | tuple) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": "Tags are a list of short words such as medical or security."})
    cleaned = [tag.strip().lower() for tag in tags if tag.strip()]
    if any(len(tag) > TAG_LENGTH for tag in cleaned) or len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags of at most {TAG_LENGTH} characters each."})
    return list(dict.fromkeys(cleaned))


def frozen_text(version: GuidelineVersion) -> list[dict]:
    """What the ledger keeps of a version's clauses: a hash of each, so a later edit would show."""
    return [{"key": c.key, "sha256": sha256(f"{c.heading}\n{c.text}")} for c in version.clauses.all()]


def refuse_too_many_writings(by: User, ip: str, *, action: str, message: str, field: str) -> None:
    """The comment limits, counted per `action`: per account, per network address and per email domain, so a
    campaign run from many fresh accounts on one address or one domain is slowed as much as one person too fast."""
    domain = email_domain(by.email)
    limits = [("account", str(by.pk), settings.CONSULTATION_COMMENT_LIMIT)]
    if ip:
        limits.append(("ip", ip, settings.CONSULTATION_COMMENT_IP_LIMIT))
    if counts_per_domain(domain):
        limits.append(("domain", domain, settings.CONSULTATION_COMMENT_DOMAIN_LIMIT))
    refuse_when_over(
        action=action,
        limits=limits,
        per_seconds=settings.CONSULTATION_COMMENT_WINDOW_SECONDS,
        message=message,
        field=field,
    )
