"""Thin Celery tasks: each loads a row by id and calls a service or a notification. All are safe to run twice:
routing leaves a full panel alone, and every email is sent once by its key."""

from celery import shared_task

from appeals import notifications, pending_uploads, services
from appeals.models import Appeal, Assignment, Decision, Recommendation
from appeals.services import case_clustering


@shared_task(name="appeals.tasks.route_appeal", acks_late=True, bind=True, max_retries=8)
def route_appeal(self, appeal_id: int) -> int:
    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None:
        return 0
    result = services.route_appeal(appeal=appeal)
    if result.missing and result.contended and not self.request.is_eager:
        # Another worker held a candidate; try again shortly rather than wait for the sweeper.
        raise self.retry(countdown=1)
    return len(result.offered)


@shared_task(name="appeals.tasks.expire_offers", acks_late=True)
def expire_offers() -> int:
    return services.expire_offers()


@shared_task(name="appeals.tasks.remind_and_expire_reviews", acks_late=True)
def remind_and_expire_reviews() -> dict:
    return services.remind_and_expire_reviews()


@shared_task(name="appeals.tasks.sweep_unrouted_appeals", acks_late=True)
def sweep_unrouted_appeals() -> int:
    return services.sweep_unrouted_appeals()


@shared_task(name="appeals.tasks.check_recommendation_deadlines", acks_late=True)
def check_recommendation_deadlines() -> dict:
    return services.check_recommendation_deadlines()


MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="appeals.tasks.notify_appellant", **MAIL_RETRY)
def notify_appellant(appeal_id: int, status: str, event_id: int) -> int:
    appeal = Appeal.objects.select_related("appellant").filter(pk=appeal_id).first()
    if appeal is None:
        return 0
    return notifications.appellant_status(appeal, status=status, event_id=event_id)


@shared_task(name="appeals.tasks.notify_reviewer", **MAIL_RETRY)
def notify_reviewer(assignment_id: int, what: str, reminder: int = 0) -> int:
    assignment = Assignment.objects.select_related("appeal", "reviewer__user").filter(pk=assignment_id).first()
    if assignment is None:
        return 0
    return notifications.reviewer_news(assignment, what=what, reminder=reminder)


@shared_task(name="appeals.tasks.notify_publishers", **MAIL_RETRY)
def notify_publishers(decision_id: int) -> int:
    decision = Decision.objects.select_related("appeal", "organization").filter(pk=decision_id).first()
    if decision is None:
        return 0
    return notifications.publishers_of_decision(decision)


@shared_task(name="appeals.tasks.notify_recommendation_reminder", **MAIL_RETRY)
def notify_recommendation_reminder(recommendation_id: int, days: int) -> int:
    recommendation = (
        Recommendation.objects.select_related("organization", "decision__appeal").filter(pk=recommendation_id).first()
    )
    if recommendation is None or recommendation.state != Recommendation.AWAITING:
        return 0
    return notifications.recommendation_reminder(recommendation, days=days)


@shared_task(name="appeals.tasks.delete_stale_pending_uploads", acks_late=True)
def delete_stale_pending_uploads() -> int:
    """Attachments kept for a check page that was never confirmed, once their signed references have expired."""
    return pending_uploads.delete_stale()


@shared_task(name="appeals.tasks.cluster_case_comments", acks_late=True)
def cluster_case_comments(appeal_id: int) -> int:
    case_clustering.clustering_started(appeal_id)
    return case_clustering.cluster_pending_case_comments(appeal_id=appeal_id)


@shared_task(name="appeals.tasks.sweep_unclustered_case_comments", acks_late=True)
def sweep_unclustered_case_comments() -> int:
    """The safety net under `cluster_case_comments`: comments whose request was lost after commit."""
    return sum(cluster_case_comments(appeal_id) for appeal_id in case_clustering.appeals_with_unclustered_comments())
