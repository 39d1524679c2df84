"""Every email the consultation sends. Each goes out exactly once (`core.mail.send_once` keys), so a task
that is redelivered or retried after a crash half-way finishes the job without mailing anyone twice."""

from django.utils import timezone

from consultation.models import Comment, CommentPeriod, Guideline, GuidelineVersion, Suggestion, SuggestionStance
from core.mail import send_once
from ledger.kinds import EntryKind
from ledger.models import Entry


def _mail_followers(guideline: Guideline, event: str, template: str, context: dict) -> int:
    sent = 0
    for follow in guideline.follows.select_related("user").filter(user__is_active=True).iterator():
        sent += send_once(
            key=f"{event}:user-{follow.user_id}",
            to=follow.user.email,
            template=template,
            context={**context, "user": follow.user},
        )
    return sent


def notify_period_opened(*, period: CommentPeriod) -> int:
    """Tell followers the period is open; the period then remembers it, so the beat task stops picking it."""
    event = f"period-opened:{period.pk}"
    return _tell_followers(period, event, "period_opened", remember={"opening_notice_sent_at": timezone.now()})


def send_closing_reminder(*, period: CommentPeriod) -> int:
    """Remind followers a few days before the period closes; once per closing time (again after an extension)."""
    event = f"period-closing:{period.pk}:{period.closes_at.isoformat()}"
    return _tell_followers(period, event, "period_closing", remember={"closing_reminder_for": period.closes_at})


def _tell_followers(period: CommentPeriod, event: str, template: str, *, remember: dict) -> int:
    if not period.is_open:
        return 0
    version = period.version
    context = {"version": version, "period": period}
    sent = _mail_followers(version.guideline, event, f"consultation/email/{template}", context)
    CommentPeriod.objects.filter(pk=period.pk).update(**remember)
    return sent


def send_consultation_notices() -> int:
    """What the beat task runs: opening notices and closing reminders that are due."""
    sent = 0
    for period in CommentPeriod.objects.awaiting_opening_notice().select_related("version__guideline__organization"):
        sent += notify_period_opened(period=period)
    for period in CommentPeriod.objects.awaiting_closing_reminder().select_related("version__guideline__organization"):
        sent += send_closing_reminder(period=period)
    return sent


def notify_final_published(*, version: GuidelineVersion) -> int:
    return _mail_followers(
        version.guideline, f"final:{version.pk}", "consultation/email/final_published", {"version": version}
    )


def notify_comment_answered(*, comment: Comment) -> int:
    return send_once(
        key=f"answered:comment-{comment.pk}",
        to=comment.author.email,
        template="consultation/email/comment_answered",
        context={"comment": comment, "response": comment.response, "user": comment.author},
    )


def notify_comment_hidden(*, comment: Comment) -> int:
    if not comment.is_hidden or comment.hidden_at is None:  # hide_comment sets both
        return 0
    return send_once(
        key=f"hidden:comment-{comment.pk}:{comment.hidden_at.isoformat()}",
        to=comment.author.email,
        template="consultation/email/comment_hidden",
        context={"comment": comment, "user": comment.author},
    )


def notify_comment_restored(*, comment: Comment) -> int:
    """Keyed by how many times the comment was restored, so each restore is told once."""
    if comment.is_hidden:
        return 0
    restores = Entry.objects.about(comment.subject).filter(kind=EntryKind.COMMENT_RESTORED).count()
    return send_once(
        key=f"restored:comment-{comment.pk}:{restores}",
        to=comment.author.email,
        template="consultation/email/comment_restored",
        context={"comment": comment, "user": comment.author},
    )


def notify_suggestion_decided(*, suggestion: Suggestion) -> int:
    """Tell the author and everyone who supported it; each person once per suggestion."""
    decision = suggestion.decision
    people = {suggestion.author_id: suggestion.author}
    supporters = suggestion.stances.filter(stance=SuggestionStance.SUPPORT, user__is_active=True).select_related("user")
    for stance in supporters.iterator():
        people.setdefault(stance.user_id, stance.user)
    sent = 0
    for person in people.values():
        sent += send_once(
            key=f"suggestion-decided:{suggestion.pk}:user-{person.pk}",
            to=person.email,
            template="consultation/email/suggestion_decided",
            context={"suggestion": suggestion, "decision": decision, "user": person},
        )
    return sent
