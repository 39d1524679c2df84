import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from consultation.models.limits import (
    CLAUSE_TEXT_LENGTH,
    HEADING_LENGTH,
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    NOTE_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
)
from core.search import CONFIG as SEARCH_CONFIG
from core.status import StatusTag

if TYPE_CHECKING:
    pass

CLAUSE_KEY_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}-\d+(\.\d+)*$")


def validate_clause_key(value: str) -> None:
    if not CLAUSE_KEY_PATTERN.match(value):
        raise ValidationError(f"'{value}' is not a clause key. Use a form such as R-4.2.")


class GuidelineQuerySet(models.QuerySet):
    def public(self):
        """Guidelines with at least one version the public may see."""
        return self.filter(models.Exists(GuidelineVersion.objects.public().filter(guideline=models.OuterRef("pk"))))

    def with_current_status(self):
        """Annotate `current_status`, the status of the newest public version, and its period's `current_state`."""
        newest = GuidelineVersion.objects.public().filter(guideline=models.OuterRef("pk")).order_by("-number")
        return self.annotate(
            current_status=models.Subquery(newest.values("status")[:1]),
            current_opens_at=models.Subquery(newest.values("comment_period__opens_at")[:1]),
            current_closes_at=models.Subquery(newest.values("comment_period__closes_at")[:1]),
        )


class Guideline(models.Model):
    """A company's refusal guideline; its text lives in numbered versions."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="guidelines")
    slug = models.SlugField(max_length=SLUG_LENGTH)
    title = models.CharField(max_length=TITLE_LENGTH)
    description = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # Computed by PostgreSQL on every write, for the site's search (finding.selectors), the title above the rest.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", config=SEARCH_CONFIG, weight="A")
        + SearchVector("description", config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = GuidelineQuerySet.as_manager()

    # Annotated by GuidelineQuerySet.with_current_status().
    current_status: str
    current_opens_at: datetime | None
    current_closes_at: datetime | None

    class Meta:
        ordering = ["organization__name", "title"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="guideline_slug_per_org")]
        indexes = [GinIndex(fields=["search_vector"], name="guideline_search_vector")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guideline", args=[self.organization.slug, self.slug])

    @property
    def subject(self) -> str:
        return f"guideline:{self.organization.slug}/{self.slug}"

    def status_tag(self) -> StatusTag:
        """The tag of its newest public version; needs `Guideline.objects.with_current_status()`."""
        opens_at, closes_at = self.current_opens_at, self.current_closes_at
        period = CommentPeriod(opens_at=opens_at, closes_at=closes_at) if opens_at and closes_at else None
        return version_status_tag(self.current_status, period)


class GuidelineVersionQuerySet(models.QuerySet):
    def public(self):
        """Drafts are visible only to their organization's publishers."""
        return self.exclude(status=GuidelineVersion.DRAFT)

    def published_for(self, organization: Organization):
        return self.public().filter(guideline__organization=organization)


class GuidelineVersion(models.Model):
    DRAFT, CONSULTATION, FINAL, SUPERSEDED = "draft", "consultation", "final", "superseded"
    PUBLIC_STATUS_CHOICES = [(CONSULTATION, "Consultation"), (FINAL, "Final"), (SUPERSEDED, "Superseded")]
    PUBLIC_STATUSES = (CONSULTATION, FINAL, SUPERSEDED)
    FINAL_STATUSES = (FINAL, SUPERSEDED)  # adopted: the version in force, or one that was
    STATUS_CHOICES = [(DRAFT, "Draft"), *PUBLIC_STATUS_CHOICES]

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=DRAFT)
    summary_of_changes = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH)
    summary_html = models.TextField(blank=True, editable=False, help_text="summary_of_changes, rendered when written.")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The general comments' counts (see Clause for why they are kept on rows).
    general_comment_count = models.PositiveIntegerField(default=0, editable=False)
    general_hidden_count = models.PositiveIntegerField(default=0, editable=False)
    general_answered_count = models.PositiveIntegerField(default=0, editable=False)
    general_endorsement_count = models.PositiveIntegerField(default=0, editable=False)

    objects = GuidelineVersionQuerySet.as_manager()

    class Meta:
        ordering = ["guideline", "-number"]
        constraints = [models.UniqueConstraint(fields=["guideline", "number"], name="version_number_per_guideline")]
        indexes = [models.Index(fields=["status", "guideline"])]

    def __str__(self) -> str:
        return f"{self.guideline} v{self.number}"

    def get_absolute_url(self) -> str:
        guideline = self.guideline
        return reverse("guideline-version", args=[guideline.organization.slug, guideline.slug, self.number])

    @property
    def subject(self) -> str:
        return f"version:{self.guideline.organization.slug}/{self.guideline.slug}/v{self.number}"

    @property
    def is_public(self) -> bool:
        """Public from the moment its comment period is scheduled, and then frozen: a change is a new version."""
        return self.status != self.DRAFT

    @property
    def period(self) -> "CommentPeriod | None":
        try:
            return self.comment_period
        except CommentPeriod.DoesNotExist:
            return None

    @property
    def is_open_for_comment(self) -> bool:
        period = self.period
        return self.status == self.CONSULTATION and period is not None and period.is_open

    def final_refusal(self) -> str:
        """Why this version cannot be published as final now, or "" when it can."""
        if self.is_public:
            return "This version is public and its text is frozen. Start a new draft to change it."
        consulted = self.based_on
        if consulted is None or consulted.status != self.CONSULTATION or consulted.period is None:
            return "A final version follows a consultation: start it from the version that was consulted."
        if not consulted.period.is_closed:
            return "Wait until the comment period has closed before publishing the final version."
        return ""

    @property
    def can_be_published_as_final(self) -> bool:
        return not self.final_refusal()

    def status_tag(self) -> StatusTag:
        return version_status_tag(self.status, self.period)


class Clause(models.Model):
    """One clause of one version. Its key (R-4.2) keeps its meaning across versions."""

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="clauses")
    key = models.CharField(max_length=KEY_LENGTH, validators=[validate_clause_key])
    heading = models.CharField(max_length=HEADING_LENGTH)
    text = models.TextField(max_length=CLAUSE_TEXT_LENGTH, help_text="Markdown.")
    text_html = models.TextField(blank=True, editable=False, help_text="The text, rendered and sanitised when written.")
    position = models.PositiveIntegerField(default=0)
    tags = models.JSONField(default=list, blank=True, help_text="Topics, used to match reviewers' expertise.")
    # Counts of its original comments, kept by the services that change them (in the same transaction, with F()),
    # so a page shows them without counting a million rows: all of them, the hidden ones, the published ones that
    # were answered, and the endorsements of its comments and replies.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    hidden_count = models.PositiveIntegerField(default=0, editable=False)
    answered_count = models.PositiveIntegerField(default=0, editable=False)
    endorsement_count = models.PositiveIntegerField(default=0, editable=False)
    # The accepted suggestions whose wording a draft clause was started from, so the diff can attribute the change.
    from_suggestions = models.ManyToManyField("consultation.Suggestion", blank=True, related_name="applied_in")
    # Computed by PostgreSQL on every write, for the site's search: the key and heading above the text. A version's
    # clauses are frozen once it is public, so the vector is computed once.
    search_vector = models.GeneratedField(
        expression=SearchVector("key", "heading", config=SEARCH_CONFIG, weight="A")
        + SearchVector("text", config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="clause_key_per_version")]
        indexes = [models.Index(fields=["key"]), GinIndex(fields=["search_vector"], name="clause_search_vector")]

    def __str__(self) -> str:
        return f"{self.key} {self.heading}"


class CommentPeriodQuerySet(models.QuerySet):
    def open(self, now=None):
        """Periods taking comments right now, by server time."""
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def taking_comments(self, version_id: int):
        """The version's period, if it is open now and the version is under consultation."""
        return self.open().filter(version_id=version_id, version__status=GuidelineVersion.CONSULTATION)

    def scheduled(self, now=None):
        return self.filter(opens_at__gt=now or timezone.now())

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())

    def awaiting_opening_notice(self, now=None):
        return self.open(now).filter(opening_notice_sent_at__isnull=True)

    def awaiting_closing_reminder(self, now=None):
        """Open periods closing within the reminder window whose current closing time has not been announced."""
        now = now or timezone.now()
        window = timedelta(days=settings.CONSULTATION_REMINDER_DAYS)
        return self.open(now).filter(closes_at__lte=now + window).exclude(closing_reminder_for=models.F("closes_at"))


class CommentPeriod(models.Model):
    """When a version takes comments. Its state is derived from the clock, never stored."""

    SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"

    version = models.OneToOneField(GuidelineVersion, on_delete=models.PROTECT, related_name="comment_period")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # What followers have been told, so the notification tasks never send anything twice.
    opening_notice_sent_at = models.DateTimeField(null=True, blank=True)
    closing_reminder_for = models.DateTimeField(null=True, blank=True)

    objects = CommentPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["opens_at", "closes_at"]), models.Index(fields=["closes_at"])]

    def __str__(self) -> str:
        return f"Comment period of {self.version}"

    def state_at(self, now) -> str:
        if now < self.opens_at:
            return self.SCHEDULED
        return self.OPEN if now < self.closes_at else self.CLOSED

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.state == self.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.CLOSED

    def status_tag(self) -> StatusTag:
        return PERIOD_TAGS[self.state]


VERSION_TAGS = {
    GuidelineVersion.DRAFT: StatusTag("Draft", "grey"),
    GuidelineVersion.CONSULTATION: StatusTag("Consultation", "blue"),
    GuidelineVersion.FINAL: StatusTag("Final", "green"),
    GuidelineVersion.SUPERSEDED: StatusTag("Superseded", "grey"),
}
PERIOD_TAGS = {
    CommentPeriod.SCHEDULED: StatusTag("Consultation scheduled", "yellow"),
    CommentPeriod.OPEN: StatusTag("Open for comments", "blue"),
    CommentPeriod.CLOSED: StatusTag("Consultation closed", "purple"),
}


def version_status_tag(status: str, period: CommentPeriod | None) -> StatusTag:
    """A version under consultation is tagged by its period, so once the period has closed it no longer reads
    "Consultation" (while its status stays `consultation`: the final version is another row)."""
    if status == GuidelineVersion.CONSULTATION and period is not None:
        return period.status_tag()
    return VERSION_TAGS[status]


class PeriodExtension(models.Model):
    """A later closing time, with the public reason for it. The period keeps every extension."""

    period = models.ForeignKey(CommentPeriod, on_delete=models.PROTECT, related_name="extensions")
    previous_closes_at = models.DateTimeField()
    new_closes_at = models.DateTimeField()
    reason = models.TextField(max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "created_at"]

    def __str__(self) -> str:
        return f"Extension of {self.period} to {self.new_closes_at:%Y-%m-%d}"
