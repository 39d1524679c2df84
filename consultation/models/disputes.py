from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models

from consultation.models.comments import Comment
from consultation.models.limits import NOTE_LENGTH
from consultation.models.opinions import Statement
from consultation.models.suggestions import Suggestion


def dispute_kinds() -> list[tuple[str, str]]:
    """The kinds of writing that may be disputed, as choices: a callable, so a kind another app adds
    (`Dispute.add_kind`, called from its AppConfig.ready()) needs no migration here."""
    return Dispute.KIND_CHOICES


@dataclass(frozen=True)
class Disputable:
    """What the queue and the holder's page need of one kind of writing, besides its model."""

    organization: str  # the select_related path to the organization whose moderators decide (conflicts of interest)
    place: Callable[[Any], str]  # where it was posted, in words

    def organization_of(self, content: models.Model):
        for step in self.organization.split("__"):
            content = getattr(content, step)
        return content


def _on_version(row) -> str:
    return f"{row.version.guideline.title} v{row.version.number}"


class DisputeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Dispute.OPEN)


class Dispute(models.Model):
    """ "I did not write this": the holder of an account, having proved they read its email (accounts.ownership),
    says a comment, suggestion, statement or case comment (another app's kind, `add_kind`) posted in its name is not
    theirs. A moderator upholds or rejects it.
    Public through the record and the content's label; the row itself is the moderators' queue."""

    COMMENT, SUGGESTION, STATEMENT = "comment", "suggestion", "statement"
    KIND_CHOICES = [(COMMENT, "Comment"), (SUGGESTION, "Suggested wording"), (STATEMENT, "Statement")]
    MODELS: dict[str, type[models.Model]] = {COMMENT: Comment, SUGGESTION: Suggestion, STATEMENT: Statement}
    SHAPES: dict[str, Disputable] = {
        kind: Disputable("version__guideline__organization", _on_version) for kind in (COMMENT, SUGGESTION, STATEMENT)
    }
    OPEN, UPHELD, REJECTED = "open", "upheld", "rejected"
    STATUS_CHOICES = [(OPEN, "Waiting for a moderator"), (UPHELD, "Upheld"), (REJECTED, "Rejected")]

    kind = models.CharField(max_length=20, choices=dispute_kinds)
    object_id = models.PositiveBigIntegerField(help_text="The disputed comment's, suggestion's or statement's id.")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=OPEN)
    note = models.TextField(max_length=NOTE_LENGTH, blank=True, help_text="The moderator's reason, on the record.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DisputeQuerySet.as_manager()

    # Set on a page's disputes by consultation.selectors.disputes and the queue's view.
    content: Any  # a comment, suggestion, statement or another app's kind (Dispute.add_kind)
    conflict: str

    class Meta:
        ordering = ["-id"]
        constraints = [
            # A piece of writing is disputed once at a time; after a rejection it may be disputed again.
            models.UniqueConstraint(
                fields=["kind", "object_id"], condition=models.Q(status="open"), name="one_open_dispute"
            ),
        ]
        indexes = [models.Index(fields=["status", "-id"], name="dispute_queue")]

    def __str__(self) -> str:
        return f"Dispute {self.pk} of {self.subject}"

    @classmethod
    def add_kind(cls, kind: str, label: str, model: type[models.Model], shape: Disputable) -> None:
        """Another app's public writing (a `Spoken` model with `author`, `subject`) becomes disputable; called once
        from that app's AppConfig.ready(), since this app may not import the apps above it."""
        if kind not in cls.MODELS:
            cls.KIND_CHOICES.append((kind, label))
        cls.MODELS[kind], cls.SHAPES[kind] = model, shape

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN
