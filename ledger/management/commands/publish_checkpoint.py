from typing import Any

from django.core.management.base import BaseCommand

from ledger.checkpoints import latest_checkpoint, publish_checkpoint


class Command(BaseCommand):
    help = "Sign and store a checkpoint of the public record now (beat does it every minute when it grew)."

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = publish_checkpoint()
        if checkpoint is None:
            latest = latest_checkpoint()
            size = latest.size if latest else 0
            self.stdout.write(f"The record has not grown since the last checkpoint ({size} entries).")
            return
        self.stdout.write(f"Published checkpoint {checkpoint.size}:\n{checkpoint.note}")
