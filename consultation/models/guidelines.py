import re
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import moderation_conflict
from core.search import CONFIG as SEARCH_CONFIG
from core.status import StatusTag

# Limits on what people write, each defined here once and used by the models, forms, API serializers and services.
KEY_LENGTH = 30
SLUG_LENGTH = 80
TITLE_LENGTH = 200
HEADING_LENGTH = 200
CLAUSE_TEXT_LENGTH = 20_000
LONG_TEXT_LENGTH = 5_000  # comments, descriptions, summaries of changes, responses, statements
NOTE_LENGTH = 2_000  # moderators' notes to an author, reasons for an extension
REPORT_REASON_LENGTH = 1_000
ON_BEHALF_OF_LENGTH = 200
MAX_TAGS, TAG_LENGTH = 20, 40
MAX_CLAUSES = 500
MAX_IMPORT_CHARS = 500_000

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

    objects = GuidelineQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "title"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="guideline_slug_per_org")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guideline", args=[self.organization.slug, self.slug])

    @property
    def subject(self) -> str:
        return f"guideline:{self.organization.slug}/{self.slug}"

    def status_tag(self) -> StatusTag:
        """The tag of its newest public version; needs `Guideline.objects.with_current_status()`."""
        period = CommentPeriod(opens_at=self.current_opens_at, closes_at=self.current_closes_at)
        return version_status_tag(self.current_status, period if self.current_closes_at else None)


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

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="clause_key_per_version")]
        indexes = [models.Index(fields=["key"])]

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


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.PUBLISHED)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def on_clause(self, clause: "Clause | None"):
        return self.filter(clause=clause) if clause else self.filter(clause__isnull=True)

    def reported(self):
        """Comments with a report no moderator has dealt with yet, for the moderators' queue.

        An `Exists`, because filtering across the relation would also match comments that have no report at all."""
        open_reports = CommentReport.objects.filter(comment=models.OuterRef("pk"), resolved_at__isnull=True)
        return self.filter(models.Exists(open_reports))

    def unanswered(self):
        return self.filter(response__isnull=True)

    def first_unanswered_of_cluster(self):
        """Of each cluster, only its earliest published, unanswered original comment: what a publisher answering
        a campaign needs to read once (the index on (cluster, id) finds the earlier ones)."""
        earlier = Comment.objects.filter(
            cluster_id=models.OuterRef("cluster_id"),
            pk__lt=models.OuterRef("pk"),
            status=Comment.PUBLISHED,
            parent__isnull=True,
            response__isnull=True,
        )
        return self.filter(models.Q(cluster__isnull=True) | ~models.Exists(earlier))

    def for_display(self):
        return self.select_related("author", "clause", "response", "cluster")

    def shown_once(self):
        """Original comments as the public pages list them: a cluster of near-identical comments once, as its
        representative (whose id is the cluster's id); comments not clustered yet as themselves. The condition of
        the indexes that serve those pages, so a query filtered this way can use them."""
        return self.filter(SHOWN_ONCE)


SHOWN_ONCE = models.Q(parent__isnull=True) & (models.Q(cluster__isnull=True) | models.Q(cluster_id=models.F("id")))


class Comment(models.Model):
    """A citizen's comment on one clause or on the whole version. Immutable once posted."""

    PUBLISHED, HIDDEN = "published", "hidden"
    STATUS_CHOICES = [(PUBLISHED, "Published"), (HIDDEN, "Hidden")]
    HIDDEN_REASONS = [
        ("spam", "Spam or advertising"),
        ("abuse", "Abuse or harassment"),
        ("personal_data", "Personal data about someone"),
        ("illegal", "Unlawful content"),
        ("off_topic", "Not about this guideline"),
    ]
    MAX_LENGTH = LONG_TEXT_LENGTH

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="comments")
    clause = models.ForeignKey(Clause, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    on_behalf_of = models.CharField(
        max_length=ON_BEHALF_OF_LENGTH, blank=True, help_text="An organization the author speaks for."
    )
    body = models.TextField(max_length=MAX_LENGTH)
    body_html = models.TextField(blank=True, editable=False, help_text="The body, rendered and sanitised when posted.")
    endorsement_count = models.PositiveIntegerField(default=0, editable=False)
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PUBLISHED)
    hidden_reason = models.CharField(max_length=30, choices=HIDDEN_REASONS, blank=True)
    hidden_note = models.TextField(max_length=NOTE_LENGTH, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Computed by PostgreSQL on every write, so however a comment is stored it is searchable, and NULL while it is
    # hidden, so a hidden comment's words are not even in the index (restoring it computes them again).
    search_vector = models.GeneratedField(
        expression=models.Case(
            models.When(status=PUBLISHED, then=SearchVector("body", config=SEARCH_CONFIG)), default=None
        ),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    # The normalised text's hash, set when the comment is written, so exact duplicates cluster without MinHash.
    text_hash = models.CharField(max_length=32, blank=True, editable=False)
    # Set once by the clustering task and never changed: NULL means "not clustered yet".
    cluster = models.ForeignKey(
        "CommentCluster", null=True, blank=True, on_delete=models.PROTECT, related_name="members", editable=False
    )
    # The time of the publisher's response, kept on the row like the counts, so the version page finds a clause's
    # newest answer in an index instead of joining every response of the version.
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["version", "clause", "created_at"]),
            models.Index(fields=["parent", "created_at"]),
            models.Index(fields=["author", "-created_at"]),
            models.Index(fields=["version", "status"]),
            models.Index(fields=["status", "-hidden_at"]),
            GinIndex(fields=["search_vector"], name="comment_search_vector"),
            models.Index(fields=["version", "text_hash"], name="comment_text_hash"),
            models.Index(fields=["created_at"], name="comment_created_at"),  # the comment list's period filter
            models.Index(fields=["cluster", "id"], name="comment_cluster_members"),
            models.Index(
                fields=["version", "id"], condition=models.Q(cluster__isnull=True), name="comment_unclustered"
            ),
            # The original comments a page shows, each cluster once (see CommentQuerySet.shown_once), newest
            # first per clause: the version page's window and the clause page's cursor, without stepping over a
            # campaign's thousands of members.
            models.Index(
                "version",
                "clause",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=SHOWN_ONCE,
                name="comment_shown_once",
            ),
            # The version page's other two picks per clause, each read with a LIMIT (consultation.selectors._picked).
            models.Index(
                "version",
                "clause",
                models.F("endorsement_count").desc(),
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=SHOWN_ONCE & models.Q(status="published", endorsement_count__gt=0),
                name="comment_most_endorsed",
            ),
            models.Index(
                "version",
                "clause",
                models.F("answered_at").desc(),
                models.F("id").desc(),
                condition=SHOWN_ONCE & models.Q(status="published", answered_at__isnull=False),
                name="comment_newest_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.version}"

    def get_absolute_url(self) -> str:
        guideline = self.version.guideline
        return reverse("comment", args=[guideline.organization.slug, guideline.slug, self.version.number, self.pk])

    @property
    def subject(self) -> str:
        return f"comment:{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.status == self.HIDDEN

    def status_tag(self) -> StatusTag:
        return StatusTag(self.get_status_display(), "red" if self.is_hidden else "green")

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def tombstone(self) -> str:
        return f"Hidden by moderators: {self.get_hidden_reason_display()}"

    def moderation_conflict(self, user) -> str:
        """Why `user` may not hide, restore or dismiss reports on this comment, or "" when they may."""
        return moderation_conflict(user, organization=self.version.guideline.organization, author_id=self.author_id)


class CommentReport(models.Model):
    """Someone asked the moderators to look at a comment. Not public."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=REPORT_REASON_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"Report on {self.comment}"


class Endorsement(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="endorsements")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_endorsement_per_person")]

    def __str__(self) -> str:
        return f"{self.user} endorses {self.comment}"


class Response(models.Model):
    """The publisher's answer to one comment: what they did with it, and why."""

    ADOPTED, PARTIALLY_ADOPTED, NOT_ADOPTED, NOTED = "adopted", "partially_adopted", "not_adopted", "noted"
    DISPOSITION_CHOICES = [
        (ADOPTED, "Adopted"),
        (PARTIALLY_ADOPTED, "Partially adopted"),
        (NOT_ADOPTED, "Not adopted"),
        (NOTED, "Noted"),
    ]
    DISPOSITION_REFUSAL = "Choose adopted, partially adopted, not adopted or noted."

    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="response")
    disposition = models.CharField(max_length=20, choices=DISPOSITION_CHOICES)
    text = models.TextField(max_length=LONG_TEXT_LENGTH)
    text_html = models.TextField(blank=True, editable=False, help_text="The text, rendered and sanitised when written.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["disposition"])]

    def __str__(self) -> str:
        return f"{self.get_disposition_display()}: {self.comment}"


class Follow(models.Model):
    """A person who wants email when a guideline opens for comment, is about to close, or gets a final version."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "guideline"], name="one_follow_per_person")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.guideline}"


class ClauseChange(models.Model):
    """The statement of changes for one clause of a final version, linking the comments that led to it."""

    ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
    KIND_CHOICES = [(ADDED, "Added"), (REMOVED, "Removed"), (CHANGED, "Changed"), (UNCHANGED, "Unchanged")]

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="clause_changes")
    clause_key = models.CharField(max_length=KEY_LENGTH)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    statement = models.TextField(max_length=LONG_TEXT_LENGTH, blank=True)
    comments = models.ManyToManyField(Comment, blank=True, related_name="led_to")
    # Set when the clause was flagged for clause pressure as the version was published: its appeals overturned and
    # decided then, so the public sees what the statement answers even after more decisions come in.
    pressure_overturned = models.PositiveIntegerField(null=True, blank=True)
    pressure_decided = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "clause_key"], name="one_change_per_clause")]

    def __str__(self) -> str:
        return f"{self.clause_key} {self.kind} in {self.version}"


class CommentCluster(models.Model):
    """Comments on one clause of one version (or its general comments) that say the same thing in (nearly) the same
    words: a mass campaign, or a single
    distinct comment (size 1).

    Its id is its representative's id, the first comment of the cluster, so "show each cluster once" is
    `cluster_id = id` without a join. Members are only ever added; `size` counts them and is kept by the clustering
    task in the same transaction that assigns them.
    """

    representative = models.OneToOneField(Comment, primary_key=True, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="clusters")
    size = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "pk"]
        indexes = [models.Index(fields=["version", "-size"], name="cluster_version_size")]

    def __str__(self) -> str:
        return f"Cluster {self.pk} of {self.size} on {self.version_id}"

    def get_absolute_url(self) -> str:
        version = self.version
        guideline = version.guideline
        return reverse("comment-cluster", args=[guideline.organization.slug, guideline.slug, version.number, self.pk])

    @property
    def others(self) -> int:
        return self.size - 1

    @property
    def is_campaign(self) -> bool:
        return self.size > 1


class CommentFingerprint(models.Model):
    """A clustered comment's MinHash signature, kept so later comments can be compared with it in another process."""

    comment = models.OneToOneField(Comment, primary_key=True, on_delete=models.PROTECT, related_name="fingerprint")
    cluster = models.ForeignKey(CommentCluster, on_delete=models.PROTECT, related_name="+")
    signature = models.BinaryField()

    def __str__(self) -> str:
        return f"Fingerprint of comment {self.comment_id}"


class CommentBand(models.Model):
    """One LSH band of a fingerprint: comments sharing a band key are candidates for near-duplicates.

    The key hashes the version, the band's number and its values, so one index on `key` serves every version."""

    key = models.BigIntegerField()
    fingerprint = models.ForeignKey(CommentFingerprint, on_delete=models.PROTECT, related_name="bands")

    class Meta:
        indexes = [models.Index(fields=["key"], name="comment_band_key")]

    def __str__(self) -> str:
        return f"Band {self.key}"
