"""An appeal's public steps reach its followers from the record: appeals never imports digests (the layers), and
every step it takes is an entry (appeals.services.steps.record), appended in the step's own transaction."""

from django.dispatch import receiver

from core.queue import enqueue
from digests.models import Follow
from digests.services.notices import APPEAL_NEWS
from ledger.signals import entry_appended


@receiver(entry_appended, dispatch_uid="digests-appeal-news")
def queue_appeal_news(sender, entry, **kwargs) -> None:
    # The outbox row joins the step's transaction: the followers hear of a step if and only if it was committed.
    if entry.kind in APPEAL_NEWS and Follow.objects.filter(appeal__public_id=entry.subject[len("appeal:") :]).exists():
        enqueue("digests.tasks.tell_appeal_followers", entry.seq)
