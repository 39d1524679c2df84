"""Thin Celery tasks: load a row by id and call its notification. Mail is retried if the server is away."""

from smtplib import SMTPException

from celery import shared_task

from accounts.models import User
from consultation import notifications
from consultation.models import Comment, CommentPeriod, GuidelineVersion, Suggestion
from consultation.services import bursts, campaigns, grouping

MAIL_TASK = {"acks_late": True, "autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="consultation.tasks.notify_period_opened", **MAIL_TASK)
def notify_period_opened(period_id: int) -> int:
    period = CommentPeriod.objects.select_related("version__guideline__organization").filter(pk=period_id).first()
    return notifications.notify_period_opened(period=period) if period else 0


@shared_task(name="consultation.tasks.send_consultation_notices", **MAIL_TASK)
def send_consultation_notices() -> int:
    return notifications.send_consultation_notices()


@shared_task(name="consultation.tasks.notify_final_published", **MAIL_TASK)
def notify_final_published(version_id: int) -> int:
    version = GuidelineVersion.objects.select_related("guideline__organization").filter(pk=version_id).first()
    return notifications.notify_final_published(version=version) if version else 0


def _comment(comment_id: int) -> Comment | None:
    return (
        Comment.objects.select_related("author", "version__guideline__organization", "clause")
        .filter(pk=comment_id)
        .first()
    )


@shared_task(name="consultation.tasks.notify_comment_answered", **MAIL_TASK)
def notify_comment_answered(comment_id: int) -> int:
    comment = _comment(comment_id)
    return notifications.notify_comment_answered(comment=comment) if comment else 0


@shared_task(name="consultation.tasks.notify_comment_hidden", **MAIL_TASK)
def notify_comment_hidden(comment_id: int) -> int:
    comment = _comment(comment_id)
    return notifications.notify_comment_hidden(comment=comment) if comment else 0


@shared_task(name="consultation.tasks.notify_comment_restored", **MAIL_TASK)
def notify_comment_restored(comment_id: int) -> int:
    comment = _comment(comment_id)
    return notifications.notify_comment_restored(comment=comment) if comment else 0


@shared_task(name="consultation.tasks.notify_suggestion_decided", **MAIL_TASK)
def notify_suggestion_decided(suggestion_id: int) -> int:
    suggestion = (
        Suggestion.objects.select_related("author", "clause", "decision", "version__guideline__organization")
        .filter(pk=suggestion_id, decision__isnull=False)
        .first()
    )
    return notifications.notify_suggestion_decided(suggestion=suggestion) if suggestion else 0


@shared_task(name="consultation.tasks.cluster_comments", acks_late=True)
def cluster_comments(version_id: int) -> int:
    """One bounded batch; the next one is queued when more remain, never run here (it may be a request's commit)."""
    campaigns.clustering_started(version_id)
    version = GuidelineVersion.objects.filter(pk=version_id).first()
    return campaigns.cluster_next_batch(version=version) if version else 0


@shared_task(name="consultation.tasks.sweep_unclustered", acks_late=True)
def sweep_unclustered() -> int:
    """The safety net under `cluster_comments`: comments whose request was lost, or stored by a bulk path. One batch
    per version; the batches after it follow one another (core/backlog.py)."""
    return sum(cluster_comments(version_id) for version_id in campaigns.versions_with_unclustered_comments())


@shared_task(name="consultation.tasks.hide_burst_comments", acks_late=True)
def hide_burst_comments(comment_ids: list[int], reason: str, note: str, moderator_id: int) -> int:
    moderator = User.objects.filter(pk=moderator_id).first()
    return (
        bursts.hide_burst_comments(comment_ids=comment_ids, reason=reason, note=note, by=moderator) if moderator else 0
    )


@shared_task(name="consultation.tasks.compute_opinion_groups", acks_late=True)
def compute_opinion_groups(version_id: int) -> int:
    """Safe to run twice: when no vote changed since the published computation, that one stands."""
    version = GuidelineVersion.objects.select_related("guideline__organization").filter(pk=version_id).first()
    return grouping.publish_opinion_groups(version=version).pk if version else 0


@shared_task(name="consultation.tasks.recompute_stale_opinion_groups", acks_late=True)
def recompute_stale_opinion_groups() -> int:
    """The trailing edge of the debounce: versions with votes cast after their groups were last computed."""
    stale = grouping.versions_with_new_votes()
    for version_id in stale:
        compute_opinion_groups(version_id)
    return len(stale)
