"""Following a guideline, a consultation or an appeal, choosing how often to hear of it, and unsubscribing."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.permissions import is_citizen
from appeals.models import Appeal
from consultation.models import Guideline, GuidelineVersion
from core.mail import read_unsubscribe_token
from digests.models import Follow, MailOptOut

Followable = Guideline | GuidelineVersion | Appeal


def target_field(target: Followable) -> str:
    if isinstance(target, Guideline):
        return "guideline"
    return "version" if isinstance(target, GuidelineVersion) else "appeal"


def follow_of(target: Followable, user) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(user=user, **{target_field(target): target}).first()


def _check_followable(target: Followable, by: User) -> None:
    if not is_citizen(by):
        raise PermissionDenied("Sign in with a verified email address to follow it.")
    if isinstance(target, GuidelineVersion) and target.status != GuidelineVersion.CONSULTATION:
        raise ValidationError("Only a version under consultation can be followed; follow its guideline instead.")
    if isinstance(target, Appeal) and target.appellant_id == by.pk:
        raise ValidationError("You already hear of every step of your own appeal, by email, at once.")


def follow(*, target: Followable, frequency: str = Follow.IMMEDIATE, by: User) -> Follow:
    """Follow `target`, or change how often a follow already there is told; a double click gets the same row."""
    _check_followable(target, by)
    if frequency not in dict(Follow.FREQUENCY_CHOICES):
        raise ValidationError({"frequency": "Choose at once, daily or weekly."})
    lookup: dict[str, Any] = {"user": by, target_field(target): target}
    try:
        with transaction.atomic():
            found, _ = Follow.objects.update_or_create(defaults={"frequency": frequency}, **lookup)
    except IntegrityError:  # the other click created it first
        found = Follow.objects.get(**lookup)
    return found


@transaction.atomic
def unfollow(*, target: Followable, by: User) -> None:
    Follow.objects.filter(user=by, **{target_field(target): target}).delete()


@transaction.atomic
def stop_following(*, follow: Follow, by: User) -> None:
    if follow.user_id != by.pk:
        raise PermissionDenied("This is somebody else's follow.")
    follow.delete()


@transaction.atomic
def change_frequency(*, follow: Follow, frequency: str, by: User) -> Follow:
    if follow.user_id != by.pk:
        raise PermissionDenied("This is somebody else's follow.")
    if frequency not in dict(Follow.FREQUENCY_CHOICES):
        raise ValidationError({"frequency": "Choose at once, daily or weekly."})
    follow.frequency = frequency
    follow.save(update_fields=["frequency"])
    return follow


def unsubscribe_scope(token: str) -> tuple[str, Follow | None, str]:
    """The address a link names, the follow it stops (None: all mail, or a follow already gone) and what it stops,
    as a sentence ends it. signing.BadSignature for a forged or damaged link."""
    address, follow_id = read_unsubscribe_token(token)
    if follow_id is None:
        return address, None, "all email from this site to this address"
    found = Follow.objects.with_targets().filter(pk=follow_id, user__email__iexact=address).first()
    if found is None:
        return address, None, "email about something you no longer follow: nothing more to stop"
    return address, found, f"email about {found.describe()}"


@transaction.atomic
def unsubscribe(*, token: str) -> str:
    """Stop what the link names and say what stopped; safe to use twice (a mail client may post twice)."""
    address, found, stopped = unsubscribe_scope(token)
    if found is not None:
        found.delete()
    elif read_unsubscribe_token(token)[1] is None:
        MailOptOut.objects.get_or_create(address=address.strip().lower())
    return stopped


@transaction.atomic
def resume_mail(*, by: User) -> None:
    """Undo an unsubscribe from all mail, from the person's own follows page."""
    MailOptOut.objects.filter(address=by.email.strip().lower()).delete()
