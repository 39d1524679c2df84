import hashlib
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from appeals.models.assignments import Assignment
from appeals.models.limits import CLAUSE_KEY_MAX, GROUNDS_MAX, NOTE_MAX, PANEL_OF_THREE
from appeals.models.systems import Refusal
from consultation.models import Guideline, GuidelineVersion
from core.models import AppendOnlyModel
from core.status import StatusTag

if TYPE_CHECKING:
    from appeals.models.decisions import Decision


ONE_APPEAL_PER_REFUSAL = "appeals_one_open_appeal_per_refusal"


class PrivateStorage(FileSystemStorage):
    """Attachments live outside MEDIA_ROOT, with no URL: only a permission-checked view serves them."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class AppealCounter(models.Model):
    """The last public id number handed out in a year; its row lock makes numbering safe under concurrency."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class AppealQuerySet(models.QuerySet):
    def awaiting_screening(self):
        return self.filter(status__in=Appeal.SCREENING_STATUSES)

    def in_routing(self):
        return self.filter(status__in=Appeal.ROUTING_STATUSES)

    def open(self):
        # The open statuses named, not "not closed": the (status, deadline) index then answers `overdue` without
        # reading the decided appeals, however many there are.
        return self.filter(status__in=Appeal.OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(deadline__lt=now or timezone.now())

    def needing_reviewers(self):
        """Appeals in routing with fewer live assignments than their panel needs (the sweeper's work)."""
        live = Q(assignments__status__in=Assignment.LIVE_STATUSES)
        annotated = self.in_routing().annotate(live=models.Count("assignments", filter=live))
        return annotated.filter(Q(significant=False, live__lt=1) | Q(significant=True, live__lt=PANEL_OF_THREE))


class Appeal(models.Model):
    SUBMITTED, SCREENING, INADMISSIBLE = "submitted", "screening", "inadmissible"
    AWAITING_REVIEW, IN_REVIEW, DECIDED, WITHDRAWN = "awaiting_review", "in_review", "decided", "withdrawn"
    STATUS_CHOICES = [
        (SUBMITTED, "Submitted"),
        (SCREENING, "Screening"),
        (INADMISSIBLE, "Inadmissible"),
        (AWAITING_REVIEW, "Awaiting review"),
        (IN_REVIEW, "In review"),
        (DECIDED, "Decided"),
        (WITHDRAWN, "Withdrawn"),
    ]
    CLOSED_STATUSES = (INADMISSIBLE, DECIDED, WITHDRAWN)
    OPEN_STATUSES = (SUBMITTED, SCREENING, AWAITING_REVIEW, IN_REVIEW)
    SCREENED_STATUSES = (AWAITING_REVIEW, IN_REVIEW, DECIDED)
    SCREENING_STATUSES = (SUBMITTED, SCREENING)  # waiting for a moderator
    ROUTING_STATUSES = (AWAITING_REVIEW, IN_REVIEW)  # routing may offer it to reviewers

    OVERTURN, PARTIAL = "overturned", "partially_overturned"
    REQUESTED_CHOICES = [(OVERTURN, "Overturn the refusal"), (PARTIAL, "Overturn it in part")]

    INADMISSIBLE_REASONS = [
        ("not_a_refusal", "It is not a refusal by an AI system"),
        ("no_clause", "It does not concern a clause of the guideline"),
        ("duplicate", "It repeats an appeal already filed"),
        ("out_of_time", "It was filed too long after the refusal"),
        ("abusive", "It is abusive or made in bad faith"),
        ("insufficient", "It does not give enough to review"),
    ]

    public_id = models.CharField(max_length=16, unique=True)
    appellant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    refusal = models.OneToOneField(Refusal, on_delete=models.PROTECT, related_name="appeal")
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="appeals")
    version = models.ForeignKey(
        GuidelineVersion, on_delete=models.PROTECT, related_name="appeals", help_text="In force at the refusal."
    )
    grounds = models.TextField(max_length=GROUNDS_MAX)
    public_grounds = models.TextField(
        blank=True, max_length=GROUNDS_MAX, help_text="The grounds as the public sees them, personal data redacted."
    )
    requested_outcome = models.CharField(max_length=30, choices=REQUESTED_CHOICES, default=OVERTURN)
    show_name = models.BooleanField(default=False, help_text="The appellant consented to show their display name.")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=SUBMITTED)
    significant = models.BooleanField(default=False, help_text="Decided by a panel of three.")
    filed_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inadmissible_reason = models.CharField(max_length=30, blank=True, choices=INADMISSIBLE_REASONS)
    public_note = models.TextField(blank=True, max_length=NOTE_MAX)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    # NULL rather than "": a confirmed second appeal must escape the unique constraint below.
    refusal_key = models.CharField(  # noqa: DJ001
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text="What makes two appeals the same (Appeal.refusal_key_for); empty for a confirmed second appeal.",
    )

    objects = AppealQuerySet.as_manager()

    # Set by the API's _appeal_for_output: the appeal's decisions, as appeals.selectors.appeal_decisions gives them.
    decision_list: list["Decision"]

    class Meta:
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["status", "filed_at"]),
            models.Index(fields=["appellant", "filed_at"]),
            models.Index(fields=["status", "deadline"]),
            # The public appeal list's period and reason filters, which the statistics link to.
            models.Index(fields=["filed_at"]),
            models.Index(fields=["inadmissible_reason", "filed_at"]),
            # An organization's appeals in the company API, by status or not, newest first.
            models.Index(fields=["guideline", "-id"]),
            models.Index(fields=["guideline", "status", "-id"]),
        ]
        constraints = [
            # A double submit cannot file the same appeal twice, however the requests interleave: the second
            # insert waits for the first and fails (appeals.services.filing answers the first appeal then).
            models.UniqueConstraint(
                fields=["appellant", "refusal_key"],
                condition=~Q(status="withdrawn"),
                name=ONE_APPEAL_PER_REFUSAL,
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    def get_absolute_url(self) -> str:
        return reverse("appeal", args=[self.public_id])

    @staticmethod
    def refusal_key_for(*, system_id: int, happened_at: datetime, refusal_excerpt: str) -> str:
        """Two appeals are the same when one person appeals the same system's refusal at the same moment with the
        same text (appeals.selectors.find_duplicate): the SHA-256 of those three, unique per appellant while open."""
        moment = happened_at.astimezone(UTC).isoformat()
        return hashlib.sha256(f"{system_id}\n{moment}\n{refusal_excerpt}".encode()).hexdigest()

    @property
    def subject(self) -> str:
        return f"appeal:{self.public_id}"

    @property
    def version_url(self) -> str:
        """The page of the guideline version in force at the refusal; clause keys are anchors on it."""
        guideline = self.guideline
        return f"/guidelines/{guideline.organization.slug}/{guideline.slug}/v{self.version.number}/"

    @property
    def panel_size(self) -> int:
        return PANEL_OF_THREE if self.significant else 1

    def has_a_full_panel(self) -> bool:
        """Every place on its panel is offered, accepted or done: routing by hand would be refused."""
        return self.assignments.live().count() >= self.panel_size

    @property
    def clause_keys(self) -> list[str]:
        """The contested clause keys, in the order filed (read through a prefetch where there is one)."""
        return [clause.key for clause in self.contested_clauses.all()]

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def is_screened(self) -> bool:
        return self.status in self.SCREENED_STATUSES

    @property
    def in_routing(self) -> bool:
        return self.status in self.ROUTING_STATUSES

    @property
    def is_awaiting_screening(self) -> bool:
        return self.status in self.SCREENING_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.now()

    def status_tag(self) -> StatusTag:
        return StatusTag(self.get_status_display(), APPEAL_TAG_COLOURS[self.status])

    @property
    def appellant_label(self) -> str:
        """Pseudonymous unless the appellant consented to show their name."""
        return self.appellant.public_name if self.show_name else f"Appellant {self.public_id}"

    def can_see_private(self, user) -> bool:
        """The originals: the appellant, moderators, and reviewers offered or assigned this appeal."""
        if not user.is_authenticated:
            return False
        if user.pk == self.appellant_id or permissions.is_moderator(user):
            return True
        return self.was_seen_by_reviewer(user)

    def was_decided_by(self, user) -> bool:
        return self.assignments.filter(reviewer__user=user, status=Assignment.COMPLETED).exists()

    def was_seen_by_reviewer(self, user) -> bool:
        return self.assignments.filter(reviewer__user=user, status__in=Assignment.SEEN_STATUSES).exists()

    def moderation_conflict(self, user) -> str:
        """Why `user` may not moderate this appeal (screen, redact, admit, refuse, route), or "" when they may."""
        return permissions.moderation_conflict(
            user,
            organization=self.guideline.organization,
            author_id=self.appellant_id,
            reviewed=user.is_authenticated and self.was_seen_by_reviewer(user),
        )

    def attachments_seen_by(self, user) -> list["Attachment"]:
        private = self.can_see_private(user)
        return [item for item in self.attachments.all() if private or item.is_public]


APPEAL_TAG_COLOURS = {
    Appeal.SUBMITTED: "yellow",
    Appeal.SCREENING: "yellow",
    Appeal.INADMISSIBLE: "red",
    Appeal.AWAITING_REVIEW: "blue",
    Appeal.IN_REVIEW: "blue",
    Appeal.DECIDED: "green",
    Appeal.WITHDRAWN: "grey",
}


class ContestedClause(models.Model):
    """One clause key an appeal contests, so clause pressure and filters are plain indexed queries."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="contested_clauses")
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=CLAUSE_KEY_MAX)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["appeal", "key"], name="contested_clause_once")]
        indexes = [models.Index(fields=["guideline", "key"])]

    def __str__(self) -> str:
        return self.key


class AppealEvent(AppendOnlyModel):
    """One public step of an appeal. Append-only; the text never contains private data."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40)
    actor = models.CharField(max_length=120, blank=True, help_text="Public label: a role or a reviewer's handle.")
    note = models.TextField(blank=True, max_length=NOTE_MAX)

    refusal = "The timeline of an appeal is never rewritten."

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["appeal", "at"])]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"

    @property
    def label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="appeals/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    public = models.BooleanField(default=False, help_text="A moderator screened it and chose to show it.")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("appeal-attachment", args=[self.appeal.public_id, self.pk])

    @property
    def public_name(self) -> str:
        """A neutral name: the uploader's file name may carry personal data."""
        return f"{self.appeal.public_id}-{self.pk}.{str(self.file).rsplit('.', 1)[-1]}"

    @property
    def is_public(self) -> bool:
        """A moderator chose to show it and the appeal is screened."""
        return self.public and self.appeal.is_screened

    def can_be_seen_by(self, user) -> bool:
        return self.is_public or self.appeal.can_see_private(user)
