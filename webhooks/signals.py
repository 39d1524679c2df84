"""Appeals' and recommendations' steps become webhook events from the record: appeals never imports webhooks (the
layers), and every step is an entry appended in the step's own transaction."""

from django.dispatch import receiver

from ledger.signals import entry_appended
from webhooks.events import FROM_RECORD, emit_from_entry


@receiver(entry_appended, dispatch_uid="webhooks-events")
def emit_event(sender, entry, **kwargs) -> None:
    # The event, its deliveries and their outbox rows join the step's transaction: sent if and only if committed.
    if entry.kind in FROM_RECORD:
        emit_from_entry(entry)
