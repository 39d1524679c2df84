"""The appeal workflows, one module per stage: filing, screening, routing, deciding.

Every public step writes an AppealEvent and a ledger entry in the same transaction as the change; tasks and mail
are queued through core.queue.enqueue, after commit. The acting person is always `by`.
"""

from appeals.services.deciding import correct_decision, decide_appeal, respond_to_decision
from appeals.services.filing import file_appeal, withdraw_appeal
from appeals.services.recommending import answer_recommendation, check_recommendation_deadlines
from appeals.services.routing import (
    RoutingResult,
    accept_assignment,
    assign_reviewer_by_hand,
    decline_assignment,
    expire_offers,
    flag_overdue_appeals,
    remind_and_expire_reviews,
    route_appeal,
    sweep_unrouted_appeals,
)
from appeals.services.screening import admit_appeal, declare_inadmissible, redact_refusal, start_screening

__all__ = [
    "RoutingResult",
    "accept_assignment",
    "admit_appeal",
    "answer_recommendation",
    "assign_reviewer_by_hand",
    "check_recommendation_deadlines",
    "correct_decision",
    "decide_appeal",
    "declare_inadmissible",
    "decline_assignment",
    "expire_offers",
    "file_appeal",
    "flag_overdue_appeals",
    "redact_refusal",
    "remind_and_expire_reviews",
    "respond_to_decision",
    "route_appeal",
    "start_screening",
    "sweep_unrouted_appeals",
    "withdraw_appeal",
]
