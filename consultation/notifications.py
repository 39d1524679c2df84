"""Every email the consultation sends. Each goes out exactly once (`core.mail.send_once` keys), so a task
that is redelivered or retried after a crash half-way finishes the job without mailing anyone twice.

Followers hear of a version's news through `consultation.followers` (the digests app decides who and when)."""

from django.urls import NoReverseMatch
from django.utils import timezone

from consultation.followers import News, tell_followers
from consultation.models import CloseOut, Comment, CommentPeriod, GuidelineVersion, Suggestion, SuggestionStance
from core.mail import send_once
from ledger.kinds import EntryKind
from ledger.models import Entry


def notify_period_opened(*, period: CommentPeriod) -> int:
    """Tell followers the period is open; the period then remembers it, so the beat task stops picking it."""
    version = period.version
    news = News(
        event=f"period-opened:{period.pk}",
        title=f"Comment period open: {version.guideline.title} v{version.number}",
        path=version.get_absolute_url(),
        template="consultation/email/period_opened",
    )
    return _tell_followers(period, news, remember={"opening_notice_sent_at": timezone.now()})


def send_closing_reminder(*, period: CommentPeriod) -> int:
    """Remind followers a few days before the period closes; once per closing time (again after an extension)."""
    version = period.version
    news = News(
        event=f"period-closing:{period.pk}:{period.closes_at.isoformat()}",
        title=f"Closing soon: {version.guideline.title} v{version.number}, on {period.closes_at:%-d %B %Y}",
        path=version.get_absolute_url(),
        template="consultation/email/period_closing",
    )
    return _tell_followers(period, news, remember={"closing_reminder_for": period.closes_at})


def _tell_followers(period: CommentPeriod, news: News, *, remember: dict) -> int:
    if not period.is_open:
        return 0
    news.context.update(version=period.version, period=period)
    sent = tell_followers(news, period.version)
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
    """Followers of the guideline and of the consultation it followed; the close-out is linked once it exists."""
    news = News(
        event=f"final:{version.pk}",
        title=f"Final version published: {version.guideline.title} v{version.number}",
        path=version.get_absolute_url(),
        template="consultation/email/final_published",
        context={"version": version, "outcome_path": _outcome_path(version)},
    )
    # The followers of the consultation it came from hear of it too.
    return tell_followers(news, *filter(None, [version, version.based_on]))


def _outcome_path(version: GuidelineVersion) -> str:
    closeout = CloseOut.objects.filter(version=version).first()
    if closeout is None:
        return ""
    try:
        return closeout.get_absolute_url()
    except NoReverseMatch:  # the close-out page is not part of this site (yet)
        return ""


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
