from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.assurance import Spoken
from accounts.permissions import moderation_conflict
from consultation.models.guidelines import Clause, GuidelineVersion
from consultation.models.limits import LONG_TEXT_LENGTH, NOTE_LENGTH, ON_BEHALF_OF_LENGTH, REPORT_REASON_LENGTH
from core.search import CONFIG as SEARCH_CONFIG
from core.status import StatusTag


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


class Comment(Spoken):
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
    # Set only by upholding an "I did not write this" dispute (consultation.services.disputes), never chosen.
    NOT_THEIRS = "not_theirs"
    HIDDEN_REASONS_ALL = [*HIDDEN_REASONS, (NOT_THEIRS, "The account holder says they did not write this")]
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
    hidden_reason = models.CharField(max_length=30, choices=HIDDEN_REASONS_ALL, blank=True)
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

    # Set on the comments of a page by consultation.selectors (threads: the first three; comments: the last two).
    shown_replies: list["Comment"]
    endorsed_by_me: bool
    picked_because: str
    conflict: str
    snippet: SafeString

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
            # The version page's other two picks per clause, each read with a LIMIT (selectors/threads.py, `_picked`).
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
