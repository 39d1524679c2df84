import os
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts import permissions
from accounts.models import Organization, ReviewerProfile
from consultation.models import Guideline, GuidelineVersion
from core.models import AppendOnlyModel, AppendOnlyQuerySet
from core.search import CONFIG as SEARCH_CONFIG
from core.search import marked
from core.status import StatusTag

# Each limit is defined once: the model fields, the forms and the API serializer all use these.
GROUNDS_MAX = 5000
EXCERPT_MAX = 5000
URL_MAX = 500
LANGUAGE_MAX = 20
CLAUSE_KEY_MAX = 30
CLAUSES_MAX = 20
NOTE_MAX = 2000
RATIONALE_MAX = 20000
RESPONSE_MAX = 5000
DECLINE_REASON_MAX = 1000
PANEL_OF_THREE = 3
RECOMMENDATION_MAX = 2000  # one recommendation's text
RECOMMENDATIONS_MAX = 5  # recommendations one decision (or one panel member's vote) may make


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


class AISystem(models.Model):
    """An AI model or product of an organization, whose refusals can be appealed."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ai_systems")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = "AI system"
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="system_slug_per_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


class Refusal(models.Model):
    """The refusal an appeal contests. The originals are private; the public sees the redacted excerpts."""

    system = models.ForeignKey(AISystem, on_delete=models.PROTECT, related_name="refusals")
    happened_at = models.DateTimeField()
    prompt_excerpt = models.TextField(max_length=EXCERPT_MAX)
    refusal_excerpt = models.TextField(max_length=EXCERPT_MAX)
    conversation_url = models.URLField(blank=True, max_length=URL_MAX)
    language = models.CharField(max_length=LANGUAGE_MAX, default="en")
    public_prompt_excerpt = models.TextField(blank=True, max_length=EXCERPT_MAX)
    public_refusal_excerpt = models.TextField(blank=True, max_length=EXCERPT_MAX)
    personal_data_flags = models.JSONField(default=list, blank=True, help_text="What the detector found, by kind.")
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["system", "happened_at"])]

    def __str__(self) -> str:
        return f"Refusal by {self.system} on {self.happened_at:%Y-%m-%d}"


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

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["status", "filed_at"]),
            models.Index(fields=["appellant", "filed_at"]),
            models.Index(fields=["status", "deadline"]),
            # The public appeal list's period and reason filters, which the statistics link to.
            models.Index(fields=["filed_at"]),
            models.Index(fields=["inadmissible_reason", "filed_at"]),
        ]

    def __str__(self) -> str:
        return self.public_id

    def get_absolute_url(self) -> str:
        return reverse("appeal", args=[self.public_id])

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
        return f"{self.appeal.public_id}-{self.pk}.{self.file.name.rsplit('.', 1)[-1]}"

    @property
    def is_public(self) -> bool:
        """A moderator chose to show it and the appeal is screened."""
        return self.public and self.appeal.is_screened

    def can_be_seen_by(self, user) -> bool:
        return self.is_public or self.appeal.can_see_private(user)


class AssignmentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Assignment.LIVE_STATUSES)

    def open(self):
        return self.filter(status__in=Assignment.OPEN_STATUSES)

    def offers_past(self, now):
        return self.filter(status=Assignment.OFFERED, offer_expires_at__lt=now)

    def reviews_running(self):
        return self.filter(status=Assignment.ACCEPTED, due_at__isnull=False)


class Assignment(models.Model):
    OFFERED, ACCEPTED, DECLINED, EXPIRED, COMPLETED = "offered", "accepted", "declined", "expired", "completed"
    STATUS_CHOICES = [
        (OFFERED, "Offered"),
        (ACCEPTED, "Accepted"),
        (DECLINED, "Declined"),
        (EXPIRED, "Expired"),
        (COMPLETED, "Completed"),
    ]
    OPEN_STATUSES = (OFFERED, ACCEPTED)  # count against a reviewer's capacity
    LIVE_STATUSES = (OFFERED, ACCEPTED, COMPLETED)  # count towards an appeal's panel
    SEEN_STATUSES = (OFFERED, ACCEPTED, COMPLETED)  # may read the appeal's private material

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    offer_expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(help_text="Why routing chose this reviewer; shown to moderators.")
    decline_reason = models.TextField(blank=True, max_length=DECLINE_REASON_MAX)
    by_hand = models.BooleanField(default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["offered_at", "pk"]
        constraints = [
            # A reviewer is never on the same appeal twice, even after declining or expiring.
            models.UniqueConstraint(fields=["appeal", "reviewer"], name="one_assignment_per_reviewer_and_appeal"),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["appeal", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.reviewer_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("review", args=[self.pk])

    def status_tag(self) -> StatusTag:
        return StatusTag(self.get_status_display(), ASSIGNMENT_TAG_COLOURS[self.status])


ASSIGNMENT_TAG_COLOURS = {
    Assignment.OFFERED: "yellow",
    Assignment.ACCEPTED: "blue",
    Assignment.DECLINED: "grey",
    Assignment.EXPIRED: "grey",
    Assignment.COMPLETED: "green",
}


class DecisionQuerySet(AppendOnlyQuerySet):
    def current(self):
        return self.filter(superseded_by__isnull=True)


class Decision(AppendOnlyModel):
    """What the reviewers decided. Never edited: a correction is a new decision that supersedes it."""

    UPHELD, OVERTURNED, PARTIAL = "upheld", "overturned", "partially_overturned"
    OUTCOME_CHOICES = [(UPHELD, "Upheld"), (OVERTURNED, "Overturned"), (PARTIAL, "Partially overturned")]

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="decisions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(AISystem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=30, choices=OUTCOME_CHOICES)
    rationale = models.TextField(max_length=RATIONALE_MAX, help_text="Markdown.")
    rationale_html = models.TextField(blank=True, editable=False, help_text="The rationale, rendered when decided.")
    cited_decisions = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="cited_by")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_note = models.TextField(blank=True, max_length=NOTE_MAX)
    decided_at = models.DateTimeField(default=timezone.now)

    refusal = "Decisions are never edited or deleted; correct one with a new decision."

    EXPORT_HEADER = [
        "decision",
        "appeal",
        "organization",
        "system",
        "outcome",
        "cited_clauses",
        "decided_at",
        "supersedes",
    ]

    objects = DecisionQuerySet.as_manager()

    def search_match(self) -> SafeString:
        """Where this decision matched the search it was found by, marked; empty outside a search."""
        return marked(getattr(self, "highlight", ""))

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["system", "-id"]),
            models.Index(fields=["outcome", "-id"]),
            models.Index(fields=["appeal", "decided_at"]),
            models.Index(fields=["decided_at"]),  # the decision list's period filter
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} on {self.appeal_id}: {self.outcome}"

    def get_absolute_url(self) -> str:
        return f"{self.appeal.get_absolute_url()}#decision-{self.pk}"

    @property
    def overturns(self) -> bool:
        return self.outcome in (self.OVERTURNED, self.PARTIAL)

    def status_tag(self) -> StatusTag:
        """Its outcome, or "Corrected" once a correction replaced it (the `corrected` annotation of
        appeals.selectors.public_decisions, through which every page reads decisions)."""
        if getattr(self, "corrected", False):
            return StatusTag("Corrected", "grey")
        return StatusTag(self.get_outcome_display(), DECISION_TAG_COLOURS[self.outcome])

    @property
    def cited_clause_keys(self) -> list[str]:
        return [clause.key for clause in self.cited_clauses.all()]

    def cited_clause_headings(self) -> list[tuple[str, str]]:
        """(key, heading) of each cited clause, the heading as the appealed version words it ("" if it has none);
        read through appeals.selectors.listed_decisions, which prefetches the headings."""
        headings = {clause.key: clause.heading for clause in self.appeal.version.clauses.all()}
        return [(key, headings.get(key, "")) for key in self.cited_clause_keys]

    def export_row(self) -> list:
        """One line of the CSV export, in the order of EXPORT_HEADER."""
        return [
            self.pk,
            self.appeal.public_id,
            self.organization.slug,
            self.system.slug,
            self.outcome,
            " ".join(self.cited_clause_keys),
            self.decided_at.isoformat(),
            self.supersedes_id or "",
        ]

    def can_be_corrected_by(self, user) -> bool:
        """A reviewer who decided it, or a moderator without a conflict of interest in the appeal."""
        if not user.is_authenticated:
            return False
        return self.appeal.was_decided_by(user) or not self.appeal.moderation_conflict(user)


class DecisionSearch(models.Model):
    """What full-text search looks through for one decision. Derived from public text only, and rebuilt when that
    text changes (a moderator's later redaction), so unlike the decision it is updated in place.

    `vector` is a column PostgreSQL computes from the text whenever it is written, with the clause keys and
    headings weighted above the rest so that a decision filed under a clause about a word ranks first; its GIN
    index serves `search_decisions`. `document` holds all of the text, for the headline and SQLite's fallback."""

    decision = models.OneToOneField(Decision, primary_key=True, on_delete=models.CASCADE, related_name="search")
    document = models.TextField()
    clauses = models.TextField(blank=True, default="")
    vector = models.GeneratedField(
        expression=SearchVector("clauses", config=SEARCH_CONFIG, weight="A")
        + SearchVector("document", config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    class Meta:
        indexes = [GinIndex(fields=["vector"], name="decision_search_vector")]

    def __str__(self) -> str:
        return f"Search document of decision {self.decision_id}"


DECISION_TAG_COLOURS = {Decision.UPHELD: "red", Decision.OVERTURNED: "green", Decision.PARTIAL: "yellow"}


class CitedClause(models.Model):
    """A clause key a decision or a vote cites: decisions are filed under the clauses they cite."""

    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="cited_clauses"
    )
    vote = models.ForeignKey("Vote", null=True, blank=True, on_delete=models.CASCADE, related_name="cited_clauses")
    key = models.CharField(max_length=CLAUSE_KEY_MAX)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "key"], name="cited_clause_once"),
            models.UniqueConstraint(fields=["vote", "key"], name="voted_clause_once"),
            models.CheckConstraint(
                condition=Q(decision__isnull=True, vote__isnull=False) | Q(decision__isnull=False, vote__isnull=True),
                name="cited_by_a_decision_or_a_vote",
            ),
        ]
        indexes = [models.Index(fields=["key", "decision"])]

    def __str__(self) -> str:
        return self.key


class VoteQuerySet(AppendOnlyQuerySet):
    def attach_to(self, decision: "Decision") -> int:
        """The one change a vote allows: joining the decision its panel reached."""
        return models.QuerySet.update(self.filter(decision__isnull=True), decision=decision)


class Vote(AppendOnlyModel):
    """One panel member's vote; the decision follows the majority and shows the dissent."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="vote")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="votes")
    outcome = models.CharField(max_length=30, choices=Decision.OUTCOME_CHOICES)
    rationale = models.TextField(max_length=RATIONALE_MAX)
    rationale_html = models.TextField(blank=True, editable=False, help_text="The rationale, rendered when cast.")
    cited_decision_ids = models.JSONField(default=list)
    recommendations = models.JSONField(default=list, blank=True, help_text="The texts this member recommends.")
    cast_at = models.DateTimeField(default=timezone.now)

    refusal = "A vote is never changed once cast."

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["cast_at", "pk"]

    def __str__(self) -> str:
        return f"Vote {self.outcome} on {self.assignment}"

    @property
    def cited_clause_keys(self) -> list[str]:
        return [clause.key for clause in self.cited_clauses.all()]

    def is_dissent(self) -> bool:
        return self.decision is not None and self.outcome != self.decision.outcome


class OrganizationResponse(AppendOnlyModel):
    """The organization's answer to a decision. Responses are added, never edited."""

    WILL_COMPLY, DISAGREES, IMPLEMENTED = "will_comply", "disagrees", "implemented"
    KIND_CHOICES = [(WILL_COMPLY, "Will comply"), (DISAGREES, "Disagrees"), (IMPLEMENTED, "Implemented")]

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    text = models.TextField(max_length=RESPONSE_MAX)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(default=timezone.now)

    refusal = "A response is never edited or deleted; add a new one."

    class Meta:
        ordering = ["responded_at", "pk"]
        indexes = [models.Index(fields=["decision", "responded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on decision {self.decision_id}"


class RecommendationQuerySet(models.QuerySet):
    def awaiting_response(self):
        return self.filter(state=Recommendation.AWAITING)

    def overdue(self, now=None):
        return self.awaiting_response().filter(respond_by__lt=now or timezone.now())

    def to_remind(self, now, days: int):
        """Awaiting a response, with at most `days` left and no reminder yet at `days` or fewer."""
        not_yet = Q(reminded_days__isnull=True) | Q(reminded_days__gt=days)
        soon = Q(respond_by__gt=now, respond_by__lte=now + timedelta(days=days))
        return self.awaiting_response().filter(soon & not_yet)

    def in_view(self, view: str, now=None):
        """The rows one view of the tracker lists; each view counts the same rows the tracker's figure shows."""
        if view == Recommendation.OVERDUE:
            return self.overdue(now)
        if view == Recommendation.RESPONDED:
            return self.exclude(response="")
        if view in Recommendation.RESPONSES:
            return self.filter(response=view)
        return self.filter(state=view)


class Recommendation(models.Model):
    """A policy recommendation the panel made to the organization with a decision, which the organization must
    answer. The text is never edited; `state` and `response` are where its steps (RecommendationStep, append-only,
    the history) have brought it, kept on the row so the tracker filters and counts by an index."""

    AWAITING = "awaiting_response"
    ACCEPTED, PARTLY, DECLINED, ALREADY_DONE = "accepted", "partly_accepted", "declined", "already_done"
    IN_PROGRESS, IMPLEMENTED = "in_progress", "implemented"
    OVERDUE = "overdue"  # not a state: awaiting a response past `respond_by`
    RESPONDED = "responded"  # not a state: any response given
    STATE_CHOICES = [
        (AWAITING, "Awaiting response"),
        (ACCEPTED, "Accepted"),
        (PARTLY, "Accepted in part"),
        (DECLINED, "Declined"),
        (ALREADY_DONE, "Already done"),
        (IN_PROGRESS, "In progress"),
        (IMPLEMENTED, "Implemented"),
    ]
    RESPONSES = (ACCEPTED, PARTLY, DECLINED, ALREADY_DONE)  # the organization's first answer, in STATE_CHOICES[1:5]
    RESPONSE_CHOICES = STATE_CHOICES[1:5]
    # The tracker's figures and the lists they link to, in the order the tracker shows them.
    VIEW_CHOICES = [
        (RESPONDED, "Responded"),
        *RESPONSE_CHOICES,
        (IN_PROGRESS, "In progress"),
        (IMPLEMENTED, "Implemented"),
        (AWAITING, "Awaiting response"),
        (OVERDUE, "Overdue"),
    ]
    # Where each state may go next; the organization's first answer is one of RESPONSES.
    NEXT_STATES = {
        AWAITING: RESPONSES,
        ACCEPTED: (IN_PROGRESS, IMPLEMENTED),
        PARTLY: (IN_PROGRESS, IMPLEMENTED),
        IN_PROGRESS: (IMPLEMENTED,),
    }
    NOTE_REQUIRED = {
        DECLINED: "Give the reasons for declining.",
        PARTLY: "Say which part you accept and why not the rest.",
        ALREADY_DONE: "Say where and since when it is done.",
    }

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="recommendations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="recommendations")
    public_id = models.CharField(max_length=24, unique=True, help_text="The appeal's id and its number: A-…-R1.")
    text = models.TextField(max_length=RECOMMENDATION_MAX)
    made_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField()
    state = models.CharField(max_length=20, choices=STATE_CHOICES, default=AWAITING)
    response = models.CharField(max_length=20, choices=RESPONSE_CHOICES, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    implemented_on = models.DateField(null=True, blank=True)
    evidence_url = models.URLField(blank=True, max_length=URL_MAX)
    reminded_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days before the deadline of the last reminder sent."
    )
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["organization", "state", "-id"]),
            models.Index(fields=["organization", "response", "-id"]),
            models.Index(fields=["state", "respond_by"]),
            models.Index(fields=["organization", "state", "respond_by"]),
        ]

    def __str__(self) -> str:
        return self.public_id

    def get_absolute_url(self) -> str:
        return f"{self.decision.appeal.get_absolute_url()}#{self.public_id}"

    @property
    def subject(self) -> str:
        return f"recommendation:{self.public_id}"

    @property
    def is_overdue(self) -> bool:
        return self.state == self.AWAITING and self.respond_by < timezone.now()

    @property
    def was_late(self) -> bool:
        """Answered, but only after the deadline passed and it was flagged overdue."""
        return self.overdue_flagged_at is not None and self.state != self.AWAITING

    def next_states(self) -> tuple[str, ...]:
        return self.NEXT_STATES.get(self.state, ())

    def figures(self) -> set[str]:
        """The tracker's figures this recommendation counts in now (all but overdue, which time changes)."""
        figures = {RecommendationTally.MADE}
        if self.response:
            figures |= {self.RESPONDED, self.response}
        if self.state in (self.AWAITING, self.IN_PROGRESS, self.IMPLEMENTED):
            figures.add(self.state)
        return figures

    def can_be_answered_by(self, user) -> bool:
        return permissions.can_publish_for(user, self.organization)

    def status_tag(self) -> StatusTag:
        if self.is_overdue:
            return StatusTag("Overdue", "red")
        return StatusTag(self.get_state_display(), RECOMMENDATION_TAG_COLOURS[self.state])


class RecommendationTally(models.Model):
    """How many of an organization's recommendations one figure of its tracker counts. Kept by the services that
    move recommendations, in their transaction, so the tracker reads a few rows instead of counting them all."""

    MADE = "made"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    figure = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "figure"], name="one_tally_per_figure")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.figure}: {self.count}"


RECOMMENDATION_TAG_COLOURS = {
    Recommendation.AWAITING: "yellow",
    Recommendation.ACCEPTED: "blue",
    Recommendation.PARTLY: "blue",
    Recommendation.DECLINED: "grey",
    Recommendation.ALREADY_DONE: "green",
    Recommendation.IN_PROGRESS: "purple",
    Recommendation.IMPLEMENTED: "green",
}


class RecommendationStep(AppendOnlyModel):
    """One public step of a recommendation: made, each answer of the organization, and the overdue flag."""

    MADE = "made"
    KIND_CHOICES = [(MADE, "Made"), *Recommendation.STATE_CHOICES[1:], (Recommendation.OVERDUE, "Overdue")]

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    actor = models.CharField(max_length=200, help_text="Public label: the panel, the organization, the deadline.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, max_length=RESPONSE_MAX)
    implemented_on = models.DateField(null=True, blank=True)
    evidence_url = models.URLField(blank=True, max_length=URL_MAX)
    at = models.DateTimeField(default=timezone.now)

    refusal = "The steps of a recommendation are never rewritten; add a new step."

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["recommendation", "at"])]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.kind}"
