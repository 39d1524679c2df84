"""Signed checkpoints of the record (c2sp.org/tlog-checkpoint) and the witnesses' cosignatures of them."""

import base64

from django.db import IntegrityError, transaction

from ledger.models import Checkpoint
from ledger.notes import record_origin, sign_note
from ledger.selectors import root_at, tree_size


def checkpoint_text(*, size: int, root: bytes) -> str:
    return f"{record_origin()}\n{size}\n{base64.b64encode(root).decode()}\n"


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def publish_checkpoint() -> Checkpoint | None:
    """Sign and store a checkpoint of the record as it is now, or None when it has not grown since the last."""
    size = tree_size()
    latest = latest_checkpoint()
    if size == 0 or (latest and latest.size >= size):
        return None
    root = root_at(size)
    try:
        with transaction.atomic():
            return Checkpoint.objects.create(
                size=size,
                root_hash=base64.b64encode(root).decode(),
                note=sign_note(checkpoint_text(size=size, root=root)),
            )
    except IntegrityError:  # another process published this very size a moment ago
        return None
