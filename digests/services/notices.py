"""News to followers: a notice per follower per event, mailed at once to those who chose it.

Called inside the Celery task that learned of the event (consultation's notices, or `tell_appeal_followers` for an
appeal's step on the record), so sending here is sending from a task: `send_once` keys it by event and person, and a
retried task finishes the job without mailing anyone twice. Daily and weekly followers' notices wait for
`digests.services.digests.send_digests`.
"""

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from appeals.models import Appeal
from consultation.followers import News
from consultation.models import GuidelineVersion
from core.mail import send_once, unsubscribe_token
from digests.models import Follow, Notice
from ledger.kinds import EntryKind
from ledger.models import Entry

# The steps of an appeal its followers hear of: every public change of its status, its decision and what followed.
APPEAL_NEWS = {
    EntryKind.APPEAL_ADMITTED: "admitted for review",
    EntryKind.APPEAL_INADMISSIBLE: "found inadmissible",
    EntryKind.APPEAL_WITHDRAWN: "withdrawn by the appellant",
    EntryKind.APPEAL_IN_REVIEW: "in review",
    EntryKind.APPEAL_OVERDUE: "overdue",
    EntryKind.APPEAL_DECIDED: "decided",
    EntryKind.APPEAL_CORRECTED: "decision corrected",
    EntryKind.APPEAL_RESPONDED: "answered by the organization",
}


def tell_version_followers(news: News, versions: Sequence[GuidelineVersion]) -> int:
    """The teller consultation calls (consultation.followers): followers of the versions or their guideline."""
    follows = Follow.objects.of_versions(list(versions)).select_related(
        "user", "guideline__organization", "version__guideline__organization"
    )
    return tell(follows, news)


def tell(follows: Iterable[Follow], news: News, *, except_user_id: int | None = None) -> int:
    """One notice per person, however many of the follows are theirs; returns the emails sent at once."""
    sent, told = 0, {except_user_id}
    for follow in follows:
        if follow.user_id in told or not follow.user.is_active:
            continue
        told.add(follow.user_id)
        notice, _ = Notice.objects.get_or_create(
            follow=follow, event=news.event, defaults={"title": news.title[:300], "path": news.path}
        )
        if follow.frequency == Follow.IMMEDIATE and notice.sent_at is None:
            sent += _send_now(notice, follow, news)
    return sent


def _send_now(notice: Notice, follow: Follow, news: News) -> int:
    # The claim, the send and the notice marked told succeed or fail together.
    with transaction.atomic():
        sent = send_once(
            key=f"{news.event}:user-{follow.user_id}",
            to=follow.user.email,
            template=news.template,
            context={**news.context, "user": follow.user, "followed": follow.describe(), "notice": notice},
            unsubscribe=unsubscribe_token(address=follow.user.email, follow=follow.pk),
        )
        Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    return sent


def appeal_news(entry: Entry, appeal: Appeal) -> News | None:
    """What an entry of the record says happened to an appeal, as its followers read it; None for other steps."""
    kind = EntryKind(entry.kind)
    step = APPEAL_NEWS.get(kind)
    if step is None:
        return None
    outcome = entry.data.get("outcome")
    title = f"Appeal {appeal.public_id}: {step}" + (f" ({outcome.replace('_', ' ')})" if outcome else "")
    return News(
        event=f"appeal-entry:{entry.seq}",
        title=title,
        path=appeal.get_absolute_url(),
        template="digests/email/appeal_news",
        context={"appeal": appeal, "step": step, "outcome": (outcome or "").replace("_", " ")},
    )


def tell_appeal_followers(*, entry: Entry) -> int:
    """The appellant is left out: appeals' own notices already tell them of every step, at once."""
    appeal = Appeal.objects.filter(public_id=entry.subject.removeprefix("appeal:")).first()
    news = appeal_news(entry, appeal) if appeal else None
    if appeal is None or news is None:
        return 0
    follows = appeal.follows.select_related("user", "appeal").order_by("user", "pk")
    return tell(follows, news, except_user_id=appeal.appellant_id)
