from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from ledger.checkpoints import latest_checkpoint
from ledger.content_check import check_content
from ledger.services import check_chain


class Command(BaseCommand):
    help = (
        "Recompute the public record's hash chain and Merkle tree, compare them with the signed checkpoints, "
        "and name the first entry that does not match; with --content, also every public text whose served form "
        "differs from the hash its entry carries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--content", action="store_true", help="also check every served text against the hash its entry carries"
        )

    def handle(self, *args: Any, content: bool = False, **options: Any) -> None:
        report = check_chain()
        n = report.entries_checked
        if not report.ok:
            before = ngettext("%(n)d entry before it is intact.", "%(n)d entries before it are intact.", n)
            raise CommandError(f"Entry #{report.first_bad_seq} is bad: {report.problem}. " + before % {"n": n})
        verified = ngettext("%(n)d entry verified", "%(n)d entries verified", n) % {"n": n}
        latest = latest_checkpoint()
        signed = f" They match the signed checkpoint of {latest.size} entries." if latest else ""
        self.stdout.write(f"The record is intact: {verified}.{signed}")
        if content:
            self._check_content()

    def _check_content(self) -> None:
        texts = check_content()
        if not texts.ok:
            more = texts.mismatch_count - len(texts.mismatched)
            named = "\n".join(f"  {name}" for name in texts.mismatched) + (f"\n  …and {more} more" if more else "")
            raise CommandError(
                f"{texts.mismatch_count} served text(s) differ from the hash their entry carries:\n{named}"
            )
        unbound = f" {texts.unbound} published before texts were bound carry no hash." if texts.unbound else ""
        self.stdout.write(f"Every served text matches its entry: {texts.checked} checked.{unbound}")
