"""Receipts: a file that proves, offline, that an entry is in the public record (docs/reference/record-format.md).

A receipt is a c2sp.org/tlog-proof: its `extra` line is the entry as the API serves it (canonical JSON, base64),
enough to recompute its chain hash and so its leaf; then the entry's inclusion proof and the checkpoint that covers
it, with its witnesses' cosignatures. `tools/verify_record.py receipt FILE` checks it without the site, and later
against the site's current checkpoint by a consistency proof. Any entry has one once a checkpoint covers it; pages
and the API offer the one of each comment, suggestion, statement, appeal and decision (`RECEIPT_KINDS`).
"""

import base64
import json
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Subquery
from django.urls import reverse

from ledger.api import EntryOutput
from ledger.kinds import DECIDED_KINDS, RECEIPT_KINDS
from ledger.models import Checkpoint, Entry
from ledger.selectors import root_and_inclusion_proof

PROOF_HEADER = "c2sp.org/tlog-proof@v1"
# How many of the newest checkpoints a receipt chooses from: the one most witnesses cosigned, at constant cost.
CHECKPOINT_CHOICES = 10

Target = tuple[str, int | None]  # a subject, and for a decision its id (decisions are entries about their appeal)


@dataclass(frozen=True)
class ReceiptLink:
    """Where an object's receipt is, and whether a signed checkpoint covers its entry yet."""

    seq: int
    ready: bool

    @property
    def url(self) -> str:
        return reverse("record-receipt", args=[self.seq])

    @property
    def ready_within(self) -> str:
        return ready_within()


def ready_within() -> str:
    seconds = settings.RECORD_CHECKPOINT_EVERY_SECONDS
    return f"{seconds // 60} minute{'s' if seconds >= 120 else ''}" if seconds % 60 == 0 else f"{seconds} seconds"


def covered_size() -> int:
    """The size of the newest signed checkpoint: every entry up to it has a receipt."""
    return Checkpoint.objects.order_by("-size").values_list("size", flat=True).first() or 0


def receipt_links(targets: Collection[Target]) -> dict[Target, ReceiptLink]:
    """The receipt of each target that has its entry on the record, and of every other the targets' subjects have (an
    appeal's decisions with the appeal): one query, however many targets."""
    if not targets:
        return {}
    entries = Entry.objects.filter(subject__in={subject for subject, _ in targets}, kind__in=RECEIPT_KINDS)
    newest = Checkpoint.objects.order_by("-size").values("size")[:1]
    rows = entries.order_by("seq").annotate(covered=Subquery(newest))
    found: dict[Target, ReceiptLink] = {}
    for subject, kind, seq, payload, covered in rows.values_list("subject", "kind", "seq", "payload", "covered"):
        decision = json.loads(payload).get("decision") if kind in DECIDED_KINDS else None
        found.setdefault((subject, decision), ReceiptLink(seq, seq <= (covered or 0)))
    return found


def receipt_link(subject: str, decision: int | None = None) -> ReceiptLink | None:
    return receipt_links([(subject, decision)]).get((subject, decision))


def receipt_checkpoint(seq: int) -> Checkpoint | None:
    """Of the newest checkpoints covering entry `seq`, the one cosigned by the most witnesses (the newest of those)."""
    newest = Checkpoint.objects.filter(size__gte=seq).order_by("-size").prefetch_related("cosignatures")
    choices = list(newest[:CHECKPOINT_CHOICES])
    return max(choices, key=lambda checkpoint: len(checkpoint.cosignatures.all()), default=None)


def served_entry(entry: Entry) -> dict[str, object]:
    """The entry exactly as GET /api/v1/record/ serves it (its own serializer), which is what a verifier
    recomputes the hash from."""
    return dict(EntryOutput(entry).data)


def receipt_text(entry: Entry) -> str | None:
    """The entry's receipt as a c2sp.org/tlog-proof, or None until a signed checkpoint covers it."""
    checkpoint = receipt_checkpoint(entry.seq)
    if checkpoint is None:
        return None
    _, proof = root_and_inclusion_proof(seq=entry.seq, size=checkpoint.size)
    document = json.dumps(served_entry(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    lines = [
        PROOF_HEADER,
        f"extra {base64.b64encode(document.encode()).decode()}",
        f"index {entry.seq - 1}",
        *(base64.b64encode(value).decode() for value in proof),
    ]
    return "\n".join(lines) + "\n\n" + checkpoint.cosigned_note()


def receipt_filename(seq: int) -> str:
    return f"{settings.SITE_NAME.lower().replace(' ', '-')}-entry-{seq}.tlog-proof"


def not_ready_message(seq: int) -> str:
    return (
        f"Entry #{seq} is not covered by a signed checkpoint yet. Its receipt will be ready when the next checkpoint "
        f"is signed, within {ready_within()} of it being recorded.\n"
    )
