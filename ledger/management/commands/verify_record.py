from django.core.management.base import BaseCommand, CommandError

from ledger.checkpoints import latest_checkpoint
from ledger.services import check_chain


class Command(BaseCommand):
    help = (
        "Recompute the public record's hash chain and Merkle tree, compare them with the signed checkpoints, "
        "and name the first entry that does not match."
    )

    def handle(self, *args, **options):
        report = check_chain()
        if not report.ok:
            raise CommandError(
                f"Entry #{report.first_bad_seq} is bad: {report.problem}. "
                f"{report.entries_checked} entries before it are intact."
            )
        latest = latest_checkpoint()
        signed = f" They match the signed checkpoint of {latest.size} entries." if latest else ""
        self.stdout.write(f"The record is intact: {report.entries_checked} entries verified.{signed}")
