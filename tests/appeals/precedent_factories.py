"""Decisions that cite earlier ones, for the precedent tests."""

from itertools import count

from appeals import services
from appeals.models import Citation, Decision
from tests.appeals.factories import admitted, make_reviewer

_numbers = count(1)


def accepted(citizen, system, guideline, moderator, **overrides):
    """An appeal accepted by a new reviewer, ready to decide: (assignment, the reviewer's user)."""
    n = next(_numbers)
    appeal = admitted(citizen, system, guideline, moderator, refusal_excerpt=f"Refused, case {n}.", **overrides)
    make_reviewer(f"reviewer{n}")
    # Routing offers it to one reviewer: the new one, or (where admitting routed it after commit) one before.
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.select_related("reviewer__user").get()
    services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
    return assignment, assignment.reviewer.user


def decide(citizen, system, guideline, moderator, *citations: Citation, outcome=Decision.OVERTURNED) -> Decision:
    assignment, reviewer = accepted(citizen, system, guideline, moderator)
    decision = services.decide_appeal(
        assignment=assignment,
        by=reviewer,
        outcome=outcome,
        rationale=f"Reasons for {outcome}.",
        cited_clause_keys=["R-1.1"],
        citations=list(citations),
    )
    assert decision is not None
    return decision


def follows(decision: Decision, reason: str = "The same question of dosage.") -> Citation:
    return Citation(decision=decision.pk, relation="follows", reason=reason)


def distinguishes(decision: Decision, reason: str = "That request named a person.") -> Citation:
    return Citation(decision=decision.pk, relation="distinguishes", reason=reason)


def correct(decision: Decision, by, *citations: Citation) -> Decision:
    return services.correct_decision(
        decision=decision,
        by=by,
        outcome=Decision.UPHELD,
        rationale="Corrected reasons.",
        cited_clause_keys=["R-1.1"],
        note="The first reasons misread the clause.",
        citations=list(citations),
    )
