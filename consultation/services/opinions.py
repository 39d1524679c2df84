"""Statements and votes for opinion groups (the Pol.is method): submitting, moderating, voting, what to vote on next,
and asking for the groups to be computed again."""

from dataclasses import dataclass
from functools import partial
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.assurance import assurance_for
from accounts.models import User
from accounts.permissions import can_publish_for, is_moderator, moderation_conflict
from consultation.models import (
    STATEMENT_LENGTH,
    Clause,
    CommentPeriod,
    GuidelineVersion,
    Participant,
    Statement,
    Vote,
    new_pseudonym,
)
from consultation.services.common import clean_text, require_citizen, sha256
from core.caching import tags_for_entry
from core.purging import purge_after_commit
from core.queue import enqueue
from core.ratelimit import refuse_when_over
from ledger.kinds import EntryKind
from ledger.receipt_mail import request_receipt
from ledger.services import append

REJECTION_REASON_LENGTH = 200
COUNT_FIELDS = {Vote.AGREE: "agree", Vote.DISAGREE: "disagree", Vote.PASS: "passed"}
Moderation = Literal["show", "reject"]


@transaction.atomic
def submit_statement(*, version: GuidelineVersion, text: str, clause: Clause | None = None, by: User) -> Statement:
    """A citizen's statement waits for a moderator; a publisher's for their own organization is seeded and shown at
    once, and may be written before the period opens so that the first voters find statements."""
    seeded = can_publish_for(by, version.guideline.organization)
    # A publisher's seeded statement is the organization's own voice; the speaker is asked first, since it learns
    # whether a citizen's email is verified, which the check then reads.
    speaker = assurance_for(by, as_organization=version.guideline.organization if seeded else None)
    if not seeded:
        require_citizen(by)
    text = clean_text(text, field="text", label="Your statement", max_length=STATEMENT_LENGTH)
    if clause is not None and clause.version_id != version.pk:
        raise ValidationError({"clause": "That clause is not part of this version."})
    periods = CommentPeriod.objects.filter(version_id=version.pk, version__status=GuidelineVersion.CONSULTATION)
    taking = periods.filter(closes_at__gt=timezone.now()) if seeded else periods.open()
    if not taking.exists():
        raise ValidationError("Statements are taken only while the comment period is open.")
    if not seeded:
        refuse_when_over(
            action="statement",
            limits=[("account", str(by.pk), settings.OPINION_STATEMENT_LIMIT)],
            per_seconds=settings.OPINION_STATEMENT_WINDOW_SECONDS,
            message="You have submitted many statements in a short time. Please wait a while.",
            field="text",
        )
    statement = Statement.objects.create(
        version=version,
        clause=clause,
        text=text,
        author=by,
        seeded=seeded,
        status=Statement.SHOWN if seeded else Statement.PENDING,
        **speaker.fields(),
    )
    payload = {
        "version": version.subject,
        "clause": clause.key if clause else None,
        "author": by.public_name,
        "text_sha256": sha256(text),
        "status": statement.status,
    }
    entry = append(kind=EntryKind.STATEMENT_SUBMITTED, subject=statement.subject, payload=payload)
    request_receipt(entry=entry, person=by)
    if seeded:
        append(kind=EntryKind.STATEMENT_SHOWN, subject=statement.subject, payload={"by": by.public_name, "text": text})
    return statement


@transaction.atomic
def moderate_statement(*, statement: Statement, action: Moderation, reason: str = "", by: User) -> Statement:
    """Show a pending statement for voting, or reject it with a public reason. Never one's own."""
    conflict = moderation_conflict(
        by, organization=statement.version.guideline.organization, author_id=statement.author_id
    )
    if conflict:
        raise PermissionDenied(conflict)
    if action not in ("show", "reject"):
        raise ValidationError({"action": "Choose to show or to reject the statement."})
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.PENDING:
        raise ValidationError(f"This statement was already moderated: it is {statement.get_status_display().lower()}.")
    statement.moderated_by, statement.moderated_at = by, timezone.now()
    if action == "show":
        statement.status = Statement.SHOWN
        payload = {"by": by.public_name, "text": statement.text}
        append(kind=EntryKind.STATEMENT_SHOWN, subject=statement.subject, payload=payload)
    else:
        statement.rejection_reason = clean_text(
            reason, field="reason", label="The reason", max_length=REJECTION_REASON_LENGTH
        )
        statement.status = Statement.REJECTED
        payload = {"reason": statement.rejection_reason}
        append(kind=EntryKind.STATEMENT_REJECTED, subject=statement.subject, payload=payload)
        # As for a hidden comment: renewing would leave the copy kept during a re-render, which shows the text.
        purge_after_commit(*tags_for_entry(subject=statement.subject, payload={}))
    statement.save(update_fields=["status", "moderated_by", "moderated_at", "rejection_reason"])
    return statement


@dataclass(frozen=True)
class CastVote:
    statement: int
    vote: str
    participant: str


@transaction.atomic
def cast_vote(*, statement: Statement, vote: str, by: User) -> CastVote:
    """One vote per person per statement, changed by voting again: three queries here (four when the citizen check
    asks the database), five with the API's token and statement; counted in tests/consultation/test_statements.py.

    Upserting the participant locks its row, so one person's votes (a double click) are counted one after the
    other; the statement's counts move with F() and only while it is shown and the period open, asked of the
    database by that same update. Limited per account, never per address: a whole office may vote from one."""
    require_citizen(by)
    if vote not in COUNT_FIELDS:
        raise ValidationError({"vote": "Vote agree, disagree or pass."})
    refuse_when_over(
        action="vote",
        limits=[("account", str(by.pk), settings.OPINION_VOTE_LIMIT)],
        per_seconds=settings.OPINION_VOTE_WINDOW_SECONDS,
        message="You have voted very fast. Please wait a minute before voting again.",
        field="vote",
    )
    participant_id, pseudonym = _participant(version_id=statement.version_id, user_id=by.pk)
    before = _store_vote(participant_id=participant_id, statement_id=statement.pk, vote=vote)
    open_now = Exists(CommentPeriod.objects.taking_comments(statement.version_id))
    votable = Statement.objects.filter(pk=statement.pk, status=Statement.SHOWN).filter(open_now)
    if before == vote:
        counted = votable.exists()
    else:
        changes = {COUNT_FIELDS[vote]: F(COUNT_FIELDS[vote]) + 1}
        if before:
            changes[COUNT_FIELDS[before]] = F(COUNT_FIELDS[before]) - 1
        counted = bool(votable.update(**changes))
    if not counted:
        if statement.status != Statement.SHOWN:
            raise ValidationError("This statement is not open for votes.")
        raise ValidationError("Votes are taken only while the comment period is open.")
    # Robust: after the commit, a failure to queue is logged (the sweep recomputes what changed).
    transaction.on_commit(partial(request_recompute, statement.version_id), robust=True)
    return CastVote(statement=statement.pk, vote=vote, participant=pseudonym)


def _participant(*, version_id: int, user_id: int) -> tuple[int, str]:
    """The person's participant row in this consultation, created on their first vote: one statement either way.
    (An upsert that returns the stored pseudonym: Django's bulk_create returns only the primary key.)"""
    table = connection.ops.quote_name(Participant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (version_id, user_id, pseudonym, created_at) VALUES (%s, %s, %s, %s) "  # noqa: S608
            "ON CONFLICT (version_id, user_id) DO UPDATE SET version_id = EXCLUDED.version_id "
            "RETURNING id, pseudonym",
            [version_id, user_id, new_pseudonym(), timezone.now()],
        )
        participant_id, pseudonym = cursor.fetchone()
    return participant_id, pseudonym


def _store_vote(*, participant_id: int, statement_id: int, vote: str) -> str | None:
    """Store the vote and return the one it replaced, if any, in one statement: the CTE `old` reads the row as it
    was before the upsert (every part of a statement sees the same snapshot). No other transaction can change the
    row in between: the caller holds the participant's row."""
    table = connection.ops.quote_name(Vote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH old AS (SELECT vote FROM {table} WHERE participant_id = %s AND statement_id = %s), "  # noqa: S608
            f"new AS (INSERT INTO {table} (participant_id, statement_id, vote, updated_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (participant_id, statement_id) DO UPDATE SET vote = EXCLUDED.vote, "
            "updated_at = EXCLUDED.updated_at RETURNING 1) "
            "SELECT (SELECT vote FROM old), (SELECT count(*) FROM new)",
            [participant_id, statement_id, participant_id, statement_id, vote, timezone.now()],
        )
        before, _ = cursor.fetchone()
    return before


def next_statement_for(*, version: GuidelineVersion, participant: Participant | None) -> Statement | None:
    """The shown statement this person has not voted on with the fewest votes so far: what it most needs to know
    more about (the oldest first among equals)."""
    statements = version.statements.filter(status=Statement.SHOWN).select_related("clause")
    if participant is not None:
        voted = Vote.objects.filter(participant=participant, statement=OuterRef("pk"))
        statements = statements.exclude(Exists(voted))
    return statements.order_by(F("agree") + F("disagree") + F("passed"), "pk").first()


def request_recompute(version_id: int) -> None:
    """Ask for the version's groups to be computed again, at most once per OPINION_GROUPS_DEBOUNCE_SECONDS however
    many votes arrive; the beat task `recompute_stale_opinion_groups` catches the votes cast after that one ran."""
    if cache.add(f"opinion-groups-queued:{version_id}", 1, timeout=settings.OPINION_GROUPS_DEBOUNCE_SECONDS):
        enqueue("consultation.tasks.compute_opinion_groups", version_id)


@transaction.atomic
def recompute_opinion_groups(*, version: GuidelineVersion, by: User) -> None:
    """Publishers of the organization and moderators may ask for a computation now (the API's recompute)."""
    if not (is_moderator(by) or can_publish_for(by, version.guideline.organization)):
        raise PermissionDenied("Only the organization's publishers and moderators may ask for a recomputation.")
    enqueue("consultation.tasks.compute_opinion_groups", version.pk)
