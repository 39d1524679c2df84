"""Every appeals email. Each is sent through core.mail.send_once with a key naming the event and the recipient,
so a redelivered task never mails anyone twice."""

from django.conf import settings

from appeals.models import Appeal, Assignment, Decision, Recommendation
from core.mail import send_once

REVIEWER_NEWS = {"offer", "reminder", "expired", "withdrawn"}


def appellant_status(appeal: Appeal, *, status: str, event_id: int) -> int:
    """The appellant hears of each step of their appeal (the status it had when the step happened)."""
    template = "appeals/email/appeal_received" if status == Appeal.SUBMITTED else "appeals/email/appeal_status"
    context = {"appeal": appeal, "status": status, "status_label": dict(Appeal.STATUS_CHOICES).get(status, status)}
    return send_once(
        key=f"appeal-event:{event_id}:appellant:{appeal.appellant_id}",
        to=appeal.appellant.email,
        template=template,
        context=context,
    )


def reviewer_news(assignment: Assignment, *, what: str, reminder: int = 0) -> int:
    """An offer, a reminder (the first and the second), an expiry, a withdrawal."""
    if what not in REVIEWER_NEWS:
        return 0
    occasion = f"{what}-{reminder}" if what == "reminder" else what
    context = {"assignment": assignment, "appeal": assignment.appeal, "offer_hours": settings.OFFER_HOURS}
    return send_once(
        key=f"assignment:{assignment.pk}:{occasion}:reviewer:{assignment.reviewer.user_id}",
        to=assignment.reviewer.user.email,
        template=f"appeals/email/reviewer_{what}",
        context=context,
    )


def publishers_of_decision(decision: Decision) -> int:
    """Each publisher of the organization hears of a decision (or a correction) on its appeals."""
    sent = 0
    for user_id, email in decision.organization.memberships.values_list("user_id", "user__email"):
        sent += send_once(
            key=f"decision:{decision.pk}:publisher:{user_id}",
            to=email,
            template="appeals/email/decision_publishers",
            context={"decision": decision},
        )
    return sent


def recommendation_reminder(recommendation: Recommendation, *, days: int) -> int:
    """Each publisher of the organization is reminded, once per reminder, of a recommendation still unanswered."""
    sent = 0
    for user_id, email in recommendation.organization.memberships.values_list("user_id", "user__email"):
        sent += send_once(
            key=f"recommendation:{recommendation.pk}:reminder-{days}:publisher:{user_id}",
            to=email,
            template="appeals/email/recommendation_reminder",
            context={"recommendation": recommendation, "days": days},
        )
    return sent
