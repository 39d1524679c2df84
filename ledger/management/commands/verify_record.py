from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from ledger.checkpoints import latest_checkpoint
from ledger.services import check_chain


class Command(BaseCommand):
    help = (
        "Recompute the public record's hash chain and Merkle tree, compare them with the signed checkpoints, "
        "and name the first entry that does not match."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_chain()
        n = report.entries_checked
        if not report.ok:
            before = ngettext("%(n)d entry before it is intact.", "%(n)d entries before it are intact.", n)
            raise CommandError(f"Entry #{report.first_bad_seq} is bad: {report.problem}. " + before % {"n": n})
        verified = ngettext("%(n)d entry verified", "%(n)d entries verified", n) % {"n": n}
        latest = latest_checkpoint()
        signed = f" They match the signed checkpoint of {latest.size} entries." if latest else ""
        self.stdout.write(f"The record is intact: {verified}.{signed}")
