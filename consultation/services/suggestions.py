"""Suggested wording: citizens propose new text for a clause, a new clause after it or its deletion, support or
oppose each other's suggestions while the period is open, and the publisher decides each once it has closed.

The next draft built from the accepted ones is in consultation.services.suggested_drafts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.assurance import assurance_for
from accounts.models import User
from consultation.diff import plain_text, word_diff
from consultation.models import (
    CLAUSE_TEXT_LENGTH,
    LONG_TEXT_LENGTH,
    Clause,
    ClauseChange,
    GuidelineVersion,
    Suggestion,
    SuggestionDecision,
    SuggestionStance,
)
from consultation.selectors import is_taking_comments
from consultation.selectors.suggestions import suggestions_behind
from consultation.services.campaigns import signatures, similarity, text_hash
from consultation.services.common import (
    clean_text,
    refuse_too_many_writings,
    require_citizen,
    require_publisher,
    sha256,
)
from core.markdown import render_markdown
from core.queue import enqueue
from ledger.kinds import EntryKind
from ledger.receipt_mail import request_receipt
from ledger.services import append

NONE = "none"
STANCES = (SuggestionStance.SUPPORT, SuggestionStance.OPPOSE, NONE)
KIND_REFUSAL = "Choose replace, insert_after or delete."
STANCE_REFUSAL = "Choose support, oppose or none."
OUTCOME_REFUSAL = "Choose accepted, accepted_with_changes or declined."
# Near-duplicates are looked for among the newest distinct suggestions of the clause: a campaign's wording is
# recent, and the cost of a suggestion stays bounded however many were made before it.
NEAR_DUPLICATE_CANDIDATES = 200


@transaction.atomic
def make_suggestion(
    *, version: GuidelineVersion, clause: Clause, kind: str, text: str = "", reason: str, ip: str = "", by: User
) -> Suggestion:
    """Store a suggestion with its redline against the clause and its ledger entry, in one transaction."""
    speaker = assurance_for(by)  # first: it learns whether the email is verified, which the check then reads
    require_citizen(by)
    if clause.version_id != version.pk:
        raise ValidationError({"clause": "That clause is not part of this version."})
    if kind not in dict(Suggestion.KIND_CHOICES):
        raise ValidationError({"kind": KIND_REFUSAL})
    text = _clean_suggested_text(kind, text, clause)
    reason = clean_text(reason, field="reason", label="Your reason", max_length=LONG_TEXT_LENGTH)
    refuse_too_many_writings(
        by,
        ip,
        action="suggestion",
        message="Many suggestions have been made {by} in a short time. Please wait a while before suggesting again.",
        field="text",
    )
    if not is_taking_comments(version):
        raise ValidationError("This version is not open for suggestions right now.")
    hashed = text_hash(f"{kind}: {text}")
    suggestion = Suggestion.objects.create(
        version=version,
        clause=clause,
        kind=kind,
        text=text,
        reason=reason,
        reason_html=render_markdown(reason),
        redline_html=redline(kind, clause, text),
        author=by,
        text_hash=hashed,
        cluster_id=_cluster_joined(version, clause, kind, text, hashed),
        **speaker.fields(),
    )
    if suggestion.cluster_id is None:
        suggestion.cluster_id = suggestion.pk
        Suggestion.objects.filter(pk=suggestion.pk).update(cluster_id=suggestion.pk)
    entry = append(
        kind=EntryKind.SUGGESTION_MADE,
        subject=suggestion.subject,
        payload={
            "version": version.subject,
            "clause": clause.key,
            "kind": kind,
            "author": by.public_name,
            "text_sha256": sha256(text),
            "reason_sha256": sha256(reason),
        },
    )
    request_receipt(entry=entry, person=by)
    return suggestion


def _clean_suggested_text(kind: str, text: str, clause: Clause) -> str:
    if kind == Suggestion.DELETE:
        if (text or "").strip():
            raise ValidationError({"text": "A deletion has no new wording: leave the text empty."})
        return ""
    label = "The new clause" if kind == Suggestion.INSERT_AFTER else "Your wording"
    text = clean_text(text, field="text", label=label, max_length=CLAUSE_TEXT_LENGTH)
    if kind == Suggestion.REPLACE and text == clause.text.strip():
        raise ValidationError({"text": f"This is the wording {clause.key} already has: change something."})
    return text


def redline(kind: str, clause: Clause, text: str) -> str:
    """The suggestion as a reader sees it against the clause: escaped words, removed ones in <del>, added in <ins>."""
    before = plain_text(clause.text_html) if kind != Suggestion.INSERT_AFTER else ""
    after = plain_text(render_markdown(text)) if text else ""
    return str(word_diff(before, after)).replace("\n", "<br>\n")


def _cluster_joined(version: GuidelineVersion, clause: Clause, kind: str, text: str, hashed: str) -> int | None:
    """The cluster a new suggestion joins: an earlier one with the same normalised text on the same clause, else
    the most similar distinct one (MinHash, as for comments) if it is similar enough; None to start its own."""
    same_clause = Suggestion.objects.filter(version=version, clause=clause)
    exact = same_clause.filter(text_hash=hashed).order_by("pk").values_list("cluster_id", flat=True).first()
    if exact is not None or kind == Suggestion.DELETE:
        return exact
    distinct = list(
        same_clause.filter(kind=kind, cluster_id=F("pk"))
        .order_by("-pk")
        .values_list("pk", "text")[:NEAR_DUPLICATE_CANDIDATES]
    )
    if not distinct:
        return None
    mine, *theirs = signatures([text] + [other for _, other in distinct])
    scores = [(similarity(mine, signature), -pk) for (pk, _), signature in zip(distinct, theirs, strict=True)]
    score, negated = max(scores)
    return -negated if score >= settings.CLUSTERING_THRESHOLD else None


@transaction.atomic
def take_stance(*, suggestion: Suggestion, stance: str, by: User) -> Suggestion:
    """Support, oppose, or (`none`) withdraw one's stance; the counts on the suggestion change in the same
    transaction, with F() so that concurrent stances add up. Returns the suggestion with its new counts."""
    require_citizen(by)
    if stance not in STANCES:
        raise ValidationError({"stance": STANCE_REFUSAL})
    if not is_taking_comments(suggestion.version):
        raise ValidationError("Stances are taken only while the period is open.")
    if suggestion.author_id == by.pk:
        raise ValidationError("This is your own suggestion: others support or oppose it.")
    current = SuggestionStance.objects.select_for_update().filter(suggestion=suggestion, user=by).first()
    before = current.stance if current else NONE
    if before != stance:
        if current is None:
            _create_stance(suggestion, by, stance)
        elif stance == NONE:
            current.delete()
        else:
            current.stance = stance
            current.save(update_fields=["stance", "updated_at"])
        change = {SuggestionStance.SUPPORT: 0, SuggestionStance.OPPOSE: 0, NONE: 0}
        change[before] -= 1
        change[stance] += 1
        Suggestion.objects.filter(pk=suggestion.pk).update(
            supporters=F("supporters") + change[SuggestionStance.SUPPORT],
            opponents=F("opponents") + change[SuggestionStance.OPPOSE],
        )
    suggestion.supporters, suggestion.opponents = Suggestion.objects.values_list("supporters", "opponents").get(
        pk=suggestion.pk
    )
    return suggestion


def _create_stance(suggestion: Suggestion, by: User, stance: str) -> None:
    """A double click racing the first stance gets a message, not a 500."""
    try:
        with transaction.atomic():
            SuggestionStance.objects.create(suggestion=suggestion, user=by, stance=stance)
    except IntegrityError as error:
        raise ValidationError("Your stance was just recorded: reload the page to change it.") from error


@transaction.atomic
def decide_suggestion(*, suggestion: Suggestion, outcome: str, reason: str = "", by: User) -> SuggestionDecision:
    """The publisher's one decision on a suggestion, once the period has closed, with the stance counts then."""
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("version__guideline__organization", "version__comment_period", "clause")
        .get(pk=suggestion.pk)
    )
    version = suggestion.version
    require_publisher(by, version.guideline.organization)
    period = version.period
    if period is None or not period.is_closed:
        raise ValidationError("Suggestions are decided once the period has closed.")
    if outcome not in dict(SuggestionDecision.OUTCOME_CHOICES):
        raise ValidationError({"outcome": OUTCOME_REFUSAL})
    reason = clean_text(
        reason,
        field="reason",
        label="The reason",
        max_length=LONG_TEXT_LENGTH,
        required=outcome != SuggestionDecision.ACCEPTED,
    )
    if SuggestionDecision.objects.filter(suggestion=suggestion).exists():
        raise ValidationError("This suggestion has already been decided; a decision is never rewritten.")
    decision = SuggestionDecision.objects.create(
        suggestion=suggestion,
        outcome=outcome,
        reason=reason,
        reason_html=render_markdown(reason),
        supporters_at_close=suggestion.supporters,
        opponents_at_close=suggestion.opponents,
        author=by,
    )
    append(
        kind=EntryKind.SUGGESTION_DECIDED,
        subject=suggestion.subject,
        payload={
            "outcome": outcome,
            "reason": reason,
            "reason_sha256": sha256(reason),
            "supporters": suggestion.supporters,
            "opponents": suggestion.opponents,
            "version": version.subject,
        },
    )
    enqueue("consultation.tasks.notify_suggestion_decided", suggestion.pk)
    return decision


def link_suggestions(version: GuidelineVersion) -> None:
    """Fill each ClauseChange of a final version with the suggestions its change came from (see
    selectors.suggestions.suggestions_behind). Called by publish_final_version once its ClauseChanges exist, in
    its transaction."""
    if version.based_on is None:
        return
    behind = suggestions_behind(version.based_on, version)
    for change in ClauseChange.objects.filter(version=version, clause_key__in=behind):
        change.suggestions.set(behind[change.clause_key])
