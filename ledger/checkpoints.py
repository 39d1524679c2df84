"""Signed checkpoints of the record (c2sp.org/tlog-checkpoint) and the witnesses' cosignatures of them."""

import base64
import json
import struct
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from core.caching import SITE, invalidate_after_commit, renew_after_commit
from core.queue import enqueue
from ledger.kinds import RECEIPT_KINDS
from ledger.models import Checkpoint, Cosignature, Entry, Witness
from ledger.notes import NoteError, parse_signature_line, record_origin, sign_note, verify_cosignature
from ledger.selectors import root_at, tree_size

COSIGNATURE_CLOCK_SKEW_SECONDS = 600
MAX_PAGES_RENEWED = 1000


def checkpoint_text(*, size: int, root: bytes) -> str:
    return f"{record_origin()}\n{size}\n{base64.b64encode(root).decode()}\n"


def latest_checkpoint() -> Checkpoint | None:
    cosignatures = Prefetch("cosignatures", queryset=Cosignature.objects.select_related("witness"))
    return Checkpoint.objects.prefetch_related(cosignatures).order_by("-size").first()


def publish_checkpoint() -> Checkpoint | None:
    """Sign and store a checkpoint of the record as it is now, or None when it has not grown since the last; each
    witness that serves c2sp.org/tlog-witness is pushed it (ledger.witnessing) once it is stored."""
    size = tree_size()
    latest = latest_checkpoint()
    if size == 0 or (latest and latest.size >= size):
        if latest:
            _reoffer(latest)
        return None
    root = root_at(size)
    try:
        with transaction.atomic():
            renew_after_commit("record")
            renew_pages_offering_receipts(after=latest.size if latest else 0, size=size)
            checkpoint = Checkpoint.objects.create(
                size=size,
                root_hash=base64.b64encode(root).decode(),
                note=sign_note(checkpoint_text(size=size, root=root)),
            )
            for witness_id in Witness.objects.pushed_to().values_list("pk", flat=True):
                enqueue("ledger.tasks.push_checkpoint_to_witness", witness_id, checkpoint.pk)
            return checkpoint
    except IntegrityError:  # another process published this very size a moment ago
        return None


def _reoffer(checkpoint: Checkpoint) -> None:
    """A record that stopped growing still gets its last checkpoint cosigned by a witness that was away when it was
    pushed: each run offers it again, once, to the witnesses that have not cosigned it (no retries: the next run is
    the retry)."""
    missing = Witness.objects.pushed_to().exclude(cosignatures__checkpoint=checkpoint)
    for witness_id in missing.values_list("pk", flat=True):
        enqueue("ledger.tasks.push_checkpoint_to_witness", witness_id, checkpoint.pk, False)


def renew_pages_offering_receipts(*, after: int, size: int) -> None:
    """The pages of what entries `after`+1 to `size` record said "the receipt will be ready within a minute": renew
    them with the checkpoint (a checkpoint covering more than MAX_PAGES_RENEWED of them renews every page)."""
    covered = Entry.objects.filter(seq__gt=after, seq__lte=size, kind__in=RECEIPT_KINDS)
    rows = list(covered.values_list("subject", "payload")[: MAX_PAGES_RENEWED + 1])
    if len(rows) > MAX_PAGES_RENEWED:
        renew_after_commit(SITE)
        return
    for subject, payload in rows:
        invalidate_after_commit(subject=subject, payload=json.loads(payload))


def add_cosignature(*, checkpoint: Checkpoint, line: str) -> tuple[Cosignature, bool]:
    """Store a registered witness's c2sp.org/tlog-cosignature line over `checkpoint`, once it verifies.

    Returns the cosignature and whether it is new: a witness that posts the same checkpoint twice (a retry) gets
    its first cosignature back rather than an error.
    """
    try:
        signature = parse_signature_line(line)
    except NoteError as error:
        raise ValidationError({"cosignature": [str(error)]}) from None
    witness = Witness.objects.filter(name=signature.name, active=True).first()
    if witness is None:
        raise PermissionDenied(f"No active witness named {signature.name} is registered with this record.")
    if not verify_cosignature(checkpoint.text, signature, witness.verifier):
        raise ValidationError(
            {"cosignature": [f"This is not a valid cosignature by {witness.name} of checkpoint {checkpoint.size}."]}
        )
    (timestamp,) = struct.unpack(">Q", signature.signature[:8])
    if timestamp > time.time() + COSIGNATURE_CLOCK_SKEW_SECONDS:
        raise ValidationError({"cosignature": ["This cosignature is dated in the future; check the witness's clock."]})
    with transaction.atomic():
        renew_after_commit("record")
        return Cosignature.objects.get_or_create(
            checkpoint=checkpoint, witness=witness, defaults={"line": signature.line}
        )
