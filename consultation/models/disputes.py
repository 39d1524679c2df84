from django.conf import settings
from django.db import models

from consultation.models.comments import Comment
from consultation.models.limits import NOTE_LENGTH
from consultation.models.opinions import Statement
from consultation.models.suggestions import Suggestion


class DisputeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Dispute.OPEN)


class Dispute(models.Model):
    """ "I did not write this": the holder of an account, having proved they read its email (accounts.ownership),
    says a comment, suggestion or statement posted in its name is not theirs. A moderator upholds or rejects it.
    Public through the record and the content's label; the row itself is the moderators' queue."""

    COMMENT, SUGGESTION, STATEMENT = "comment", "suggestion", "statement"
    KIND_CHOICES = [(COMMENT, "Comment"), (SUGGESTION, "Suggested wording"), (STATEMENT, "Statement")]
    MODELS: dict[str, type[models.Model]] = {COMMENT: Comment, SUGGESTION: Suggestion, STATEMENT: Statement}
    OPEN, UPHELD, REJECTED = "open", "upheld", "rejected"
    STATUS_CHOICES = [(OPEN, "Waiting for a moderator"), (UPHELD, "Upheld"), (REJECTED, "Rejected")]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
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
    content: "Comment | Suggestion | Statement"
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

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN
