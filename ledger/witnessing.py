"""Pushing each new checkpoint to the witnesses that serve c2sp.org/tlog-witness (`tools/witness.py serve` is one).

`publish_checkpoint` queues one task per (witness, checkpoint) through the outbox, in the checkpoint's transaction.
The task posts the witness the size it last cosigned, a consistency proof from there and the signed note; the witness
checks the proof against its own saved state and answers with its cosignature, which is stored as one posted to the
API is (`add_cosignature` verifies it against the witness's registered key).

The size the witness last cosigned is guessed from its cosignatures stored here. The guess is wrong after a push
that was lost or a witness bootstrapped later; the witness then answers 409 with its size, and the checkpoint is
offered once more with a proof from there. A witness that cannot be reached or answers 5xx is tried again later
(the task's retries); one that says the proof fails (422) or our signature does not verify (403) is an alarm.
"""

import base64
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import mail_admins
from django.db.models import Max

from ledger.checkpoints import add_cosignature
from ledger.models import Checkpoint, Cosignature, Witness
from ledger.notes import DASH
from ledger.selectors import consistency_proof

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
MOST_BYTES_READ = 64 * 1024  # a witness's answer is a few signature lines
USER_AGENT = "who-decides-witness-push/1"
ALARMS = {
    422: "could not verify that it extends the checkpoint the witness cosigned last: the record forked or its history "
    "was rewritten (or the witness's saved state is wrong)",
    403: "does not carry a record signature the witness accepts: the record key changed without telling it, or "
    "someone else signed it",
}


class WitnessUnavailable(Exception):
    """The witness could not be reached or failed on its side (5xx): worth trying again later."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def push_checkpoint(*, witness: Witness, checkpoint: Checkpoint) -> Cosignature | None:
    """Offer `checkpoint` to `witness` and store its cosignature; None when the witness refused it or has cosigned a
    later one already. Safe to run twice: a checkpoint the witness has cosigned here is not offered again."""
    stored = Cosignature.objects.filter(witness=witness, checkpoint=checkpoint).first()
    if stored:
        return stored
    last = witness.cosignatures.filter(checkpoint__size__lte=checkpoint.size).aggregate(Max("checkpoint__size"))
    answer = _offer(witness, checkpoint, old=last["checkpoint__size__max"] or 0)
    if answer.status == 409:
        size = answer.body.strip()
        if not size.isdigit():
            logger.error("Witness %s answered 409 without its size: %r", witness, answer.body[:100])
            return None
        if int(size) > checkpoint.size:
            logger.info("Witness %s has cosigned %s entries, past checkpoint %d", witness, size, checkpoint.size)
            return None
        answer = _offer(witness, checkpoint, old=int(size))
    if answer.status == 200:
        return _store(witness, checkpoint, answer.body)
    _report_refusal(witness, checkpoint, answer)
    return None


def add_checkpoint_body(checkpoint: Checkpoint, *, old: int) -> bytes:
    """The tlog-witness request: `old <size>`, the consistency proof from it, an empty line, the signed note."""
    proof = consistency_proof(old=old, new=checkpoint.size) if old else []
    lines = "".join(base64.b64encode(hash_).decode() + "\n" for hash_ in proof)
    return f"old {old}\n{lines}\n{checkpoint.note}".encode()


def _offer(witness: Witness, checkpoint: Checkpoint, *, old: int) -> Answer:
    request = urllib.request.Request(  # noqa: S310  the URL field accepts only http(s)
        witness.add_checkpoint_url,
        data=add_checkpoint_body(checkpoint, old=old),
        headers={"Content-Type": "text/plain; charset=utf-8", "User-Agent": USER_AGENT},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  http(s) only
            return Answer(response.status, response.read(MOST_BYTES_READ).decode(errors="replace"))
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise WitnessUnavailable(f"witness {witness} answered {error.code}") from None
        return Answer(error.code, error.read(MOST_BYTES_READ).decode(errors="replace"))
    except (urllib.error.URLError, OSError) as error:  # refused, reset, timed out, name not found
        raise WitnessUnavailable(f"witness {witness} could not be reached: {error}") from None


def _store(witness: Witness, checkpoint: Checkpoint, body: str) -> Cosignature | None:
    """The first of the witness's signature lines that is a valid cosignature of `checkpoint` by its key."""
    problem = "no signature line of its own"
    for line in body.splitlines():
        if line.startswith(f"{DASH} {witness.name} "):
            try:
                return add_cosignature(checkpoint=checkpoint, line=line + "\n")[0]
            except (ValidationError, PermissionDenied) as error:
                problem = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    logger.error("Witness %s answered checkpoint %d with %s: %r", witness, checkpoint.size, problem, body[:300])
    return None


def _report_refusal(witness: Witness, checkpoint: Checkpoint, answer: Answer) -> None:
    said = answer.body.strip()[:300]
    if answer.status in ALARMS:
        message = (
            f"Witness {witness} ({witness.operator or 'no operator named'}) refused to cosign checkpoint "
            f"{checkpoint.size} with {answer.status}: the checkpoint {ALARMS[answer.status]}. It said: {said}"
        )
        logger.error("Witness refused a checkpoint: %s", message)
        mail_admins(f"Witness {witness} refused checkpoint {checkpoint.size}", message)
    elif answer.status == 404:
        logger.warning("Witness %s does not witness this record (404): %s", witness, said)
    else:
        logger.error("Witness %s did not cosign checkpoint %d (%d): %s", witness, checkpoint.size, answer.status, said)
