"""Deciding: reviewers' votes, the panel's decision, corrections, and the organization's responses."""

from collections import Counter
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.api_keys import key_of, person_of
from accounts.models import User
from appeals.models import (
    RATIONALE_MAX,
    Appeal,
    Assignment,
    Citation,
    CitedClause,
    CommentCall,
    Decision,
    OrganizationResponse,
    Vote,
)
from appeals.services import citing, recommending, steps
from appeals.services.indexing import index_decisions
from consultation.models import Clause
from core.markdown import render_markdown
from ledger.content import text_sha256
from ledger.kinds import EntryKind


def decide_appeal(
    *,
    assignment: Assignment,
    by: User,
    outcome: str,
    rationale: str,
    cited_clause_keys: list[str],
    citations: Sequence[Citation] = (),
    recommendations: list[str] | tuple = (),
    comments_considered: str = "",
) -> Decision | None:
    """Cast the reviewer's vote; when the whole panel has voted, the majority decides and dissent is kept.
    `citations` are the earlier decisions it follows or distinguishes (appeals.services.citing checks them);
    `recommendations` are what the reviewer recommends the organization to change; the decision carries the
    citations and recommendations of the majority's votes. `comments_considered` says how the public comments were
    considered: required when the appeal was open for comment and had any, and only once their window closed.

    Returns the decision once there is one, None while the panel is still voting.
    """
    try:
        recommendations = recommending.check_recommendations(list(recommendations))
    except ValidationError as error:
        raise ValidationError({"recommendations": error.messages}) from error
    with transaction.atomic():
        appeal, assignment = steps.lock_own_assignment(assignment, by)
        if assignment.status != Assignment.ACCEPTED:
            raise ValidationError("Accept the offer before deciding; a completed review can't be changed.")
        if appeal.status != Appeal.IN_REVIEW:
            raise ValidationError(f"This appeal is {appeal.get_status_display().lower()}.")
        keys = _check_clauses(appeal, cited_clause_keys)
        checked = citing.check_citations(appeal, citations, now=timezone.now())
        comments_considered = _check_consideration(appeal, comments_considered)
        vote = Vote.objects.create(
            assignment=assignment,
            outcome=outcome,
            rationale=rationale,
            rationale_html=render_markdown(rationale),
            citations=[citation.as_json() for citation in checked],
            recommendations=recommendations,
            comments_considered=comments_considered,
        )
        CitedClause.objects.bulk_create(CitedClause(vote=vote, key=key) for key in keys)
        assignment.completed_at = timezone.now()
        steps.set_assignment_status(assignment, Assignment.COMPLETED, "completed_at")
        handle = assignment.reviewer.handle
        votes = list(
            Vote.objects.filter(assignment__appeal=appeal)
            .select_related("assignment__reviewer")
            .prefetch_related("cited_clauses")
        )
        if appeal.panel_size > 1:
            steps.record(appeal, EntryKind.APPEAL_VOTED, actor=f"reviewer {handle}", payload={"reviewer": handle})
        if len(votes) < appeal.panel_size:
            return None
        return _decide(appeal, votes)


def _decide(appeal: Appeal, votes: list[Vote]) -> Decision:
    tally = Counter(vote.outcome for vote in votes)
    outcome, count = tally.most_common(1)[0]
    if count * 2 <= len(votes):
        # No majority among three different votes: the middle position decides.
        outcome = Decision.PARTIAL
    majority = [vote for vote in votes if vote.outcome == outcome] or votes
    rationale = "\n\n---\n\n".join(dict.fromkeys(vote.rationale for vote in majority))
    keys = list(dict.fromkeys(key for vote in majority for key in vote.cited_clause_keys))
    cited = citing.merged(vote.citations for vote in majority)
    considered = "\n\n---\n\n".join(dict.fromkeys(v.comments_considered for v in majority if v.comments_considered))
    decision = _create_decision(
        appeal, outcome=outcome, rationale=rationale, keys=keys, citations=cited, **_considered(considered)
    )
    texts = list(dict.fromkeys(text for vote in majority for text in vote.recommendations))
    made = recommending.make_recommendations(decision=decision, texts=texts)
    Vote.objects.filter(pk__in=[vote.pk for vote in votes]).attach_to(decision)
    steps.set_status(appeal, Appeal.DECIDED)
    dissent = [vote.assignment.reviewer.handle for vote in votes if vote.outcome != outcome]
    note = f"Dissent: {', '.join(dissent)}." if dissent else ""
    event = steps.record(
        appeal,
        EntryKind.APPEAL_DECIDED,
        actor=", ".join(f"reviewer {vote.assignment.reviewer.handle}" for vote in votes),
        # The decision's receipt goes to the person whose appeal it answers, not to the panel (an office).
        receipt_for=appeal.appellant,
        note=f"{decision.get_outcome_display()}. {note}".strip(),
        payload={
            "decision": decision.pk,
            "outcome": outcome,
            "cited_clauses": keys,
            "cited_decisions": citing.recorded_citations(cited),
            # Each vote's rationale hash too: a dissent's rationale is shown on the appeal page (ledger.content).
            "votes": [
                {
                    "reviewer": v.assignment.reviewer.handle,
                    "outcome": v.outcome,
                    "rationale_sha256": text_sha256(v.rationale),
                }
                for v in votes
            ],
            "recommendations": [recommendation.public_id for recommendation in made],
            "rationale_sha256": text_sha256(decision.rationale),
            **_considered_hash(decision),
        },
    )
    steps.notify_appellant(appeal, event)
    steps.notify_publishers(decision)
    return decision


def _check_consideration(appeal: Appeal, text: str) -> str:
    """The text on how the public comments were considered, when the appeal had any; "" when it had none."""
    call = CommentCall.objects.filter(appeal=appeal).first()
    if call is None:
        return ""
    if call.is_open():
        closes = call.closes_at.strftime("%-d %B %Y, %H:%M UTC")
        raise ValidationError(f"Public comments on this appeal are open until {closes}; decide once they close.")
    if call.comment_count == 0:
        return ""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"comments_considered": "Say how the public comments were considered: this appeal had public comments."}
        )
    if len(text) > RATIONALE_MAX:
        raise ValidationError({"comments_considered": f"Keep it within {RATIONALE_MAX:,} characters."})
    return text


def _considered(text: str) -> dict[str, str]:
    return {"comments_considered": text, "comments_considered_html": render_markdown(text) if text else ""}


def _considered_hash(decision: Decision) -> dict[str, str]:
    """Bound by hash like the rationale (appeals.bound_texts), on the decisions of appeals that had comments."""
    if not decision.comments_considered:
        return {}
    return {"comments_considered_sha256": text_sha256(decision.comments_considered)}


def _create_decision(
    appeal: Appeal, *, outcome: str, rationale: str, keys: list[str], citations: list[Citation], **extra
) -> Decision:
    system = appeal.refusal.system
    decision = Decision.objects.create(
        appeal=appeal,
        organization_id=system.organization_id,
        system=system,
        outcome=outcome,
        rationale=rationale,
        rationale_html=render_markdown(rationale),
        **extra,
    )
    CitedClause.objects.bulk_create(CitedClause(decision=decision, key=key) for key in keys)
    citing.store_citations(decision, citations)
    index_decisions(appeal=appeal)
    return decision


def _check_clauses(appeal: Appeal, cited_clause_keys) -> list[str]:
    """A decision cites clauses of the version in force at the refusal."""
    keys = list(dict.fromkeys(cited_clause_keys))
    known = set(Clause.objects.filter(version=appeal.version_id).values_list("key", flat=True))
    if unknown := [key for key in keys if key not in known]:
        raise ValidationError({"cited_clause_keys": [f"Not clauses of the version in force: {', '.join(unknown)}."]})
    return keys


def correct_decision(
    *,
    decision: Decision,
    by: User,
    outcome: str,
    rationale: str,
    cited_clause_keys: list[str],
    note: str,
    citations: Sequence[Citation] = (),
) -> Decision:
    """A correction is a new decision superseding the old one; both stay public."""
    if not decision.can_be_corrected_by(by):
        raise PermissionDenied("Only a moderator or a reviewer who decided this appeal can correct the decision.")
    on_panel = decision.appeal.was_decided_by(by)
    with transaction.atomic():
        appeal = steps.lock(decision.appeal)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if Decision.objects.filter(supersedes=decision).exists():
            raise ValidationError("This decision has already been corrected; correct the newer one.")
        keys = _check_clauses(appeal, cited_clause_keys)
        cited = citing.check_citations(appeal, citations, now=timezone.now())
        correction = _create_decision(
            appeal,
            outcome=outcome,
            rationale=rationale,
            keys=keys,
            citations=cited,
            supersedes=decision,
            correction_note=note,
            # How the comments were considered is not what a correction fixes: it goes with the decision.
            **_considered(decision.comments_considered),
        )
        event = steps.record(
            appeal,
            EntryKind.APPEAL_CORRECTED,
            actor="the panel" if on_panel else "a moderator",
            receipt_for=appeal.appellant,
            note=note,
            payload={
                "decision": correction.pk,
                "supersedes": decision.pk,
                "outcome": outcome,
                "cited_clauses": keys,
                "cited_decisions": citing.recorded_citations(cited),
                "rationale_sha256": text_sha256(correction.rationale),
                **_considered_hash(correction),
            },
        )
        steps.notify_appellant(appeal, event)
        steps.notify_publishers(correction)
    return correction


def respond_to_decision(*, decision: Decision, by: User, kind: str, text: str) -> OrganizationResponse:
    if not permissions.speaks_for(by, decision.organization):
        raise PermissionDenied(
            "Only the organization's publishers, or its API keys with responses:write, can respond to its decisions."
        )
    with transaction.atomic():
        appeal = steps.lock(decision.appeal)
        response = OrganizationResponse.objects.create(
            decision=decision, kind=kind, text=text, responded_by=person_of(by), api_key=key_of(by)
        )
        steps.record(
            appeal,
            EntryKind.APPEAL_RESPONDED,
            actor=decision.organization.name,
            note=response.get_kind_display(),
            payload={"decision": decision.pk, "kind": kind, "response": response.pk, "text_sha256": text_sha256(text)},
        )
    return response
