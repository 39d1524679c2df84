"""Public comments on a selected appeal: the call for comments with its window, its extensions, and the comments.

A moderator selects an admitted, redacted appeal for public comment (as the Oversight Board does before deciding a
case); citizens and organizations comment while the window is open; the window may be extended, never shortened.
Comments stay public with the decision: a hidden one keeps a tombstone, none is deleted.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.assurance import Spoken
from accounts.permissions import moderation_conflict
from appeals.models.appeals import Appeal
from appeals.models.limits import CALL_REASON_MAX
from consultation.models import LONG_TEXT_LENGTH, NOTE_LENGTH, ON_BEHALF_OF_LENGTH, Comment
from core.models import AppendOnlyModel


class CommentCallQuerySet(models.QuerySet):
    def open(self, now: datetime | None = None):
        return self.filter(closes_at__gt=now or timezone.now())


class CommentCall(models.Model):
    """An appeal selected for public comment: why, by whom, and its window. `closes_at` only ever moves later
    (CommentCall.extension_error; each move is a CommentWindowExtension row and an entry)."""

    SIMILAR_APPEALS, CLAUSE_UNDER_PRESSURE, PUBLIC_INTEREST = (
        "similar_appeals",
        "clause_under_pressure",
        "public_interest",
    )
    CRITERIA = [
        (SIMILAR_APPEALS, "Many similar appeals"),
        (CLAUSE_UNDER_PRESSURE, "A clause under pressure"),
        (PUBLIC_INTEREST, "Public interest"),
    ]

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="comment_call")
    criteria = ArrayField(models.CharField(max_length=30, choices=CRITERIA), size=len(CRITERIA))
    reason = models.TextField(max_length=CALL_REASON_MAX)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    # Published comments shown once per cluster is what the list says; the task that clusters keeps it.
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = CommentCallQuerySet.as_manager()

    class Meta:
        ordering = ["closes_at", "pk"]
        # The list of appeals open for comment: those closing soonest first, paged by (closes_at, id).
        indexes = [models.Index(fields=["closes_at", "id"], name="comment_call_closes")]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="comment_call_window")]

    def __str__(self) -> str:
        return f"Comments on {self.appeal_id} until {self.closes_at:%Y-%m-%d}"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.opens_at <= (now or timezone.now()) < self.closes_at

    def criteria_labels(self) -> list[str]:
        labels = dict(self.CRITERIA)
        return [labels[criterion] for criterion in self.criteria]

    def extension_error(self, closes_at: datetime) -> str:
        """Why the window may not be moved to close at `closes_at`, or "" when it may: later only, never shorter."""
        if closes_at <= self.closes_at:
            return "A comment window may be extended, never shortened: choose a later end than the current one."
        if closes_at <= timezone.now():
            return "The new end must be in the future."
        return ""


class CommentWindowExtension(AppendOnlyModel):
    """One extension of a call's window, kept as it was made. The database refuses a shortening too."""

    call = models.ForeignKey(CommentCall, on_delete=models.PROTECT, related_name="extensions")
    previous_closes_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    reason = models.TextField(max_length=CALL_REASON_MAX)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    refusal = "An extension of a comment window is never edited; extend again instead."

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("previous_closes_at")), name="extension_is_later")
        ]

    def __str__(self) -> str:
        return f"Extended to {self.closes_at:%Y-%m-%d}"


CASE_SHOWN_ONCE = Q(cluster__isnull=True) | Q(cluster_id=F("id"))


class CaseCommentQuerySet(models.QuerySet):
    def shown_once(self):
        """A cluster of near-identical comments once, as its first comment; comments not clustered yet as
        themselves (the condition of the index that serves the case page)."""
        return self.filter(CASE_SHOWN_ONCE)

    def published(self):
        return self.filter(status=CaseComment.PUBLISHED)


class CaseComment(Spoken):
    """A citizen's or organization's comment on an appeal open for comment, with who was speaking when it was posted
    (`Spoken`). Immutable once posted, except that a moderator may hide it behind a tombstone that names the reason,
    or upholds its account holder's "I did not write this" (consultation.services.disputes)."""

    PUBLISHED, HIDDEN = Comment.PUBLISHED, Comment.HIDDEN
    STATUS_CHOICES = Comment.STATUS_CHOICES
    HIDDEN_REASONS = [
        *[(code, label) for code, label in Comment.HIDDEN_REASONS if code != "off_topic"],
        ("off_topic", "Not about this case"),
    ]
    NOT_THEIRS = Comment.NOT_THEIRS
    HIDDEN_REASONS_ALL = [*HIDDEN_REASONS, (NOT_THEIRS, "The account holder says they did not write this")]
    MAX_LENGTH = LONG_TEXT_LENGTH

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="case_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_comments")
    on_behalf_of = models.CharField(
        max_length=ON_BEHALF_OF_LENGTH, blank=True, help_text="An organization the author speaks for."
    )
    body = models.TextField(max_length=MAX_LENGTH)
    body_html = models.TextField(blank=True, editable=False, help_text="The body, rendered and sanitised when posted.")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PUBLISHED)
    hidden_reason = models.CharField(max_length=30, choices=HIDDEN_REASONS_ALL, blank=True)
    hidden_note = models.TextField(max_length=NOTE_LENGTH, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # As for guideline comments (consultation.services.campaigns): the normalised text's hash, set when written;
    # the cluster (its first comment), set once by the clustering task; NULL means "not clustered yet".
    text_hash = models.CharField(max_length=32, blank=True, editable=False)
    cluster = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="cluster_members", editable=False
    )
    cluster_size = models.PositiveIntegerField(default=0, editable=False, help_text="On a cluster's first comment.")
    signature = models.BinaryField(null=True, editable=False, help_text="Its MinHash signature, once clustered.")

    objects = CaseCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["appeal", "text_hash"], name="case_comment_text_hash"),
            models.Index(fields=["author", "-created_at"], name="case_comment_author"),
            models.Index(fields=["appeal", "id"], condition=Q(cluster__isnull=True), name="case_comment_unclustered"),
            models.Index(fields=["appeal", "id"], condition=CASE_SHOWN_ONCE, name="case_comment_shown_once"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.appeal_id}"

    def get_absolute_url(self) -> str:
        return f"{self.appeal.get_absolute_url()}#case-comment-{self.pk}"

    @property
    def subject(self) -> str:
        return f"case-comment:{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.status == self.HIDDEN

    @property
    def tombstone(self) -> str:
        return f"Hidden by moderators: {self.get_hidden_reason_display()}"

    @property
    def others(self) -> int:
        """How many near-identical comments this one stands for on the page, besides itself."""
        return max(self.cluster_size - 1, 0)

    def moderation_conflict(self, user) -> str:
        """Why `user` may not hide this comment, or "" when they may."""
        return moderation_conflict(user, organization=self.appeal.guideline.organization, author_id=self.author_id)


class CaseCommentBand(models.Model):
    """One LSH band key of a clustered case comment's signature (consultation.services.campaigns.band_keys, scoped
    to the appeal): comments sharing a key are the candidates for near-duplicates."""

    key = models.BigIntegerField()
    comment = models.ForeignKey(CaseComment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key"], name="case_comment_band_key")]

    def __str__(self) -> str:
        return f"Band {self.key} of {self.comment_id}"
