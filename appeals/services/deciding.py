"""Deciding: reviewers' votes, the panel's decision, corrections, and the organization's responses."""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.api_keys import key_of, person_of
from accounts.models import User
from appeals.models import Appeal, Assignment, CitedClause, Decision, OrganizationResponse, Vote
from appeals.services import recommending, steps
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
    cited_decision_ids: list[int] | tuple = (),
    recommendations: list[str] | tuple = (),
) -> Decision | None:
    """Cast the reviewer's vote; when the whole panel has voted, the majority decides and dissent is kept.
    `recommendations` are what the reviewer recommends the organization to change; the decision carries those of
    the majority's votes.

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
        keys, cited = _check_citations(appeal, cited_clause_keys, cited_decision_ids)
        vote = Vote.objects.create(
            assignment=assignment,
            outcome=outcome,
            rationale=rationale,
            rationale_html=render_markdown(rationale),
            cited_decision_ids=[d.pk for d in cited],
            recommendations=recommendations,
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
    cited_ids = list(dict.fromkeys(pk for vote in majority for pk in vote.cited_decision_ids))
    decision = _create_decision(appeal, outcome=outcome, rationale=rationale, keys=keys, cited_ids=cited_ids)
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
        },
    )
    steps.notify_appellant(appeal, event)
    steps.notify_publishers(decision)
    return decision


def _create_decision(
    appeal: Appeal, *, outcome: str, rationale: str, keys: list[str], cited_ids: list[int], **extra
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
    if cited_ids:
        decision.cited_decisions.set(cited_ids)
    index_decisions(appeal=appeal)
    return decision


def _check_citations(appeal: Appeal, cited_clause_keys, cited_decision_ids) -> tuple[list[str], list[Decision]]:
    """A decision cites clauses of the version in force at the refusal, and decisions on other appeals."""
    errors: dict[str, list[str]] = {}
    keys = list(dict.fromkeys(cited_clause_keys))
    known = set(Clause.objects.filter(version=appeal.version_id).values_list("key", flat=True))
    if unknown := [key for key in keys if key not in known]:
        errors["cited_clause_keys"] = [f"Not clauses of the version in force: {', '.join(unknown)}."]
    ids = set(map(int, cited_decision_ids))
    cited = list(Decision.objects.filter(pk__in=ids).exclude(appeal=appeal))
    if len(cited) != len(ids):
        errors["cited_decision_ids"] = ["Some cited decisions do not exist or belong to this appeal."]
    if errors:
        raise ValidationError(errors)
    return keys, cited


def correct_decision(
    *,
    decision: Decision,
    by: User,
    outcome: str,
    rationale: str,
    cited_clause_keys: list[str],
    note: str,
    cited_decision_ids: list[int] | tuple = (),
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
        keys, cited = _check_citations(appeal, cited_clause_keys, cited_decision_ids)
        correction = _create_decision(
            appeal,
            outcome=outcome,
            rationale=rationale,
            keys=keys,
            cited_ids=[d.pk for d in cited],
            supersedes=decision,
            correction_note=note,
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
                "rationale_sha256": text_sha256(correction.rationale),
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
