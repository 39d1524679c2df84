import hashlib
import json

from django.db import models

from core.models import AppendOnlyModel, AppendOnlyQuerySet

GENESIS_HASH = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class EntryQuerySet(AppendOnlyQuerySet):
    def about(self, subject: str):
        return self.filter(subject=subject)

    def after(self, seq: int):
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

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject}"

    @property
    def data(self) -> dict:
        return json.loads(self.payload)

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
