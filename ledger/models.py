import hashlib
import json
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from core.models import AppendOnlyModel, AppendOnlyQuerySet
from ledger.notes import COSIGNATURE_V1, NoteError, Verifier, parse_verifier

GENESIS_HASH = "0" * 64


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class EntryQuerySet(AppendOnlyQuerySet["Entry"]):
    def about(self, subject: str) -> Self:
        return self.filter(subject=subject)

    def after(self, seq: int) -> Self:
        return self.filter(seq__gt=seq)


class Entry(AppendOnlyModel):
    """One event of the public record, chained to the one before it by its hash."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    kind = models.CharField(max_length=60, db_index=True)
    subject = models.CharField(max_length=200, db_index=True)
    payload = models.TextField(help_text="Canonical JSON.")
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    refusal = "Entries of the public record are never updated or deleted."

    # A manager is a ClassVar to django-stubs, and this one narrows the base's (typeddjango/django-stubs#1712).
    objects = EntryQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject}"

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.payload)
        return data

    def hashed_content(self) -> str:
        """What the hash covers: every field but the hash itself, as canonical JSON."""
        return canonical_json(
            {
                "seq": self.seq,
                "at": self.at.isoformat(),
                "kind": self.kind,
                "subject": self.subject,
                "payload": json.loads(self.payload),
            }
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.hashed_content()).encode()).hexdigest()


class VerificationRun(models.Model):
    """The outcome of one full recomputation of the chain, shown on /record/."""

    finished_at = models.DateTimeField(auto_now_add=True, db_index=True)
    entries_checked = models.PositiveBigIntegerField()
    ok = models.BooleanField()
    first_bad_seq = models.BigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{'intact' if self.ok else 'broken'} at {self.finished_at:%Y-%m-%d %H:%M}"


class ContentCheck(models.Model):
    """The outcome of one check of every served text against the hash its entry carries (ledger.content); the
    latest one is shown on /record/ and stays red until a later run passes."""

    finished_at = models.DateTimeField(auto_now_add=True, db_index=True)
    checked = models.PositiveBigIntegerField(help_text="Public texts read.")
    unbound = models.PositiveBigIntegerField(help_text="Texts whose entry carries no hash: published before binding.")
    mismatch_count = models.PositiveBigIntegerField(default=0)
    mismatched = models.JSONField(default=list, help_text="The first of the texts that differ, by name.")

    class Meta:
        ordering = ["-finished_at", "-pk"]

    def __str__(self) -> str:
        return f"{'intact' if self.ok else 'altered'} at {self.finished_at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0


class TreeNode(models.Model):
    """A complete subtree of the record's Merkle tree, stored once when its last leaf arrives (see ledger.merkle).

    Keyed like Go's sumdb/tlog stores hashes: `index` is tlog.StoredHashIndex(level, n), so the hashes of the
    tree are numbered in the order they are written and any set of them is one primary-key lookup.
    """

    index = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"stored hash {self.index}"


class Head(models.Model):
    """The record's current end, one row: its size, its last hash and the right edge of its Merkle tree.

    Appends lock this row and rewrite it, so an append reads one row and writes three whatever the record's size.
    It is derived state, rebuilt from the entries and stored nodes whenever it is missing (see ledger.services).
    """

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY)
    size = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    edge = models.BinaryField(help_text="The hashes of merkle.right_edge(size), concatenated.")

    def __str__(self) -> str:
        return f"head of the record at {self.size}"


class Checkpoint(AppendOnlyModel):
    """A signed statement of the tree's size and root (c2sp.org/tlog-checkpoint), which outsiders can pin."""

    size = models.BigIntegerField(unique=True)
    root_hash = models.CharField(max_length=44, help_text="Base64 of the 32-byte Merkle root.")
    note = models.TextField(help_text="The signed note, without witnesses' cosignatures.")
    published_at = models.DateTimeField(auto_now_add=True)

    refusal = "Checkpoints of the public record are never updated or deleted."

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint of {self.size} entries"

    @property
    def text(self) -> str:
        """The checkpoint body that signatures cover: origin, size, root, each on its own line."""
        return self.note.partition("\n\n")[0] + "\n"

    @property
    def witnesses_who_cosigned(self) -> list["Witness"]:
        return [cosignature.witness for cosignature in self.cosignatures.all()]

    def cosigned_note(self) -> str:
        """The note as served: the site's signature, then every witness's, in the order they arrived."""
        return self.note + "".join(cosignature.line for cosignature in self.cosignatures.all())


class WitnessQuerySet(models.QuerySet["Witness"]):
    def pushed_to(self) -> Self:
        """The witnesses each new checkpoint is offered to (c2sp.org/tlog-witness, ledger.witnessing)."""
        return self.filter(active=True).exclude(add_checkpoint_url="")


class Witness(models.Model):
    """An outside party whose key staff registered; its cosignatures say it saw the record grow append-only.

    A witness that serves c2sp.org/tlog-witness has an add-checkpoint URL, and the site pushes it each new
    checkpoint; one without polls the site (tools/witness.py in pull mode) and posts its cosignatures to the API.
    """

    name = models.CharField(max_length=200, unique=True, editable=False, help_text="The key name, from the key.")
    verifier_key = models.CharField(
        max_length=300,
        unique=True,
        help_text="Its c2sp.org/tlog-cosignature Ed25519 verifier key: name+keyid+base64(0x04 || public key).",
    )
    operator = models.CharField(max_length=200, blank=True, help_text="Who runs it, as shown on /record/.")
    active = models.BooleanField(default=True, help_text="Only active witnesses may add cosignatures.")
    add_checkpoint_url = models.URLField(
        "add-checkpoint URL",
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where it serves c2sp.org/tlog-witness, ending in /add-checkpoint: each new checkpoint is pushed "
        "there. Empty for a witness that polls the site instead.",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = WitnessQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "witnesses"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.name = self.verifier.name
        except NoteError as error:
            raise ValidationError({"verifier_key": str(error)}) from None
        if self.add_checkpoint_url and not self.add_checkpoint_url.endswith("/add-checkpoint"):
            raise ValidationError(
                {"add_checkpoint_url": "A tlog-witness takes checkpoints at its submission prefix + /add-checkpoint."}
            )

    @property
    def verifier(self) -> Verifier:
        return parse_verifier(self.verifier_key, algorithms=(COSIGNATURE_V1,))


class Cosignature(AppendOnlyModel):
    """A witness's signature line over one checkpoint, verified before it was stored."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    line = models.TextField()
    added_at = models.DateTimeField(auto_now_add=True)

    refusal = "Cosignatures of the public record are never updated or deleted."

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="one_cosignature_per_witness")]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint}"


class PendingReceipt(models.Model):
    """A receipt to email to the person who submitted what entry `seq` records, once a checkpoint covers it.

    Written in the transaction of the submission, deleted in the one that sends it (core.mail.send_once keys the
    email, so it goes out once even if a sweep is retried): a list that survives restarts and lost tasks.
    """

    seq = models.BigIntegerField(db_index=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["seq", "person"], name="one_pending_receipt_per_person")]

    def __str__(self) -> str:
        return f"receipt of #{self.seq} for person {self.person_id}"
