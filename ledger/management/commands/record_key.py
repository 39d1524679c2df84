from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ledger.notes import generate_signer, record_origin


class Command(BaseCommand):
    help = "Generate an Ed25519 signing key for the public record and print it with its verifier key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="The key name (default: the checkpoint origin, host/record).")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        signer = generate_signer(name or record_origin())
        self.stdout.write("Keep this secret; set it as RECORD_SIGNING_KEY (or put it in RECORD_SIGNING_KEY_FILE):")
        self.stdout.write(f"  {signer}")
        self.stdout.write("Publish this verifier key; it is what outsiders check checkpoints with:")
        self.stdout.write(f"  {signer.verifier}")
