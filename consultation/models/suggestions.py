from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts.assurance import Spoken
from consultation.models.guidelines import Clause, GuidelineVersion
from consultation.models.limits import CLAUSE_TEXT_LENGTH, LONG_TEXT_LENGTH


class SuggestionQuerySet(models.QuerySet):
    def undecided(self):
        return self.filter(decision__isnull=True)


class Suggestion(Spoken):
    """A citizen's proposed wording for one clause of a version under consultation: new text for it, a new clause
    after it, or its deletion, with the reason. Immutable once made; the publisher's decision is another row."""

    REPLACE, INSERT_AFTER, DELETE = "replace", "insert_after", "delete"
    KIND_CHOICES = [(REPLACE, "Replace the clause"), (INSERT_AFTER, "Add a clause after it"), (DELETE, "Delete it")]

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="suggestions")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="suggestions")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    text = models.TextField(max_length=CLAUSE_TEXT_LENGTH, blank=True, help_text="Markdown; empty for a deletion.")
    reason = models.TextField(max_length=LONG_TEXT_LENGTH)
    reason_html = models.TextField(blank=True, editable=False, help_text="The reason, rendered and sanitised.")
    redline_html = models.TextField(blank=True, editable=False, help_text="Word-level redline against the clause.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suggestions")
    # Counts of stances, kept in the stance's transaction with F() like the comments' counts.
    supporters = models.PositiveIntegerField(default=0, editable=False)
    opponents = models.PositiveIntegerField(default=0, editable=False)
    # Campaign clustering, as for comments: the normalised text's hash, and the first suggestion of its cluster.
    text_hash = models.CharField(max_length=32, blank=True, editable=False)
    cluster = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="cluster_members", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["version", "clause__position", "created_at", "pk"]
        indexes = [
            models.Index(fields=["version", "clause", "-supporters", "id"], name="suggestion_per_clause"),
            models.Index(fields=["version", "id"], name="suggestion_version_cursor"),
            models.Index(fields=["author", "-created_at"], name="suggestion_author"),
            models.Index(fields=["version", "text_hash"], name="suggestion_text_hash"),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.pk} on {self.clause.key}"

    def get_absolute_url(self) -> str:
        version = self.version
        guideline = version.guideline
        return reverse("suggestion", args=[guideline.organization.slug, guideline.slug, version.number, self.pk])

    @property
    def subject(self) -> str:
        return f"suggestion:{self.pk}"


class SuggestionStance(models.Model):
    """One person's support for or opposition to a suggestion, changeable while the period is open."""

    SUPPORT, OPPOSE = "support", "oppose"
    STANCE_CHOICES = [(SUPPORT, "Support"), (OPPOSE, "Oppose")]

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="stances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suggestion_stances")
    stance = models.CharField(max_length=10, choices=STANCE_CHOICES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "user"], name="one_stance_per_person")]
        indexes = [models.Index(fields=["user", "suggestion"], name="stance_by_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.stance}s {self.suggestion_id}"


class SuggestionDecision(models.Model):
    """The publisher's decision on a suggestion, once the period has closed, with the stance counts at the time."""

    ACCEPTED, ACCEPTED_WITH_CHANGES, DECLINED = "accepted", "accepted_with_changes", "declined"
    OUTCOME_CHOICES = [
        (ACCEPTED, "Accepted"),
        (ACCEPTED_WITH_CHANGES, "Accepted with changes"),
        (DECLINED, "Declined"),
    ]
    ADOPTING = (ACCEPTED, ACCEPTED_WITH_CHANGES)

    suggestion = models.OneToOneField(Suggestion, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=30, choices=OUTCOME_CHOICES)
    reason = models.TextField(max_length=LONG_TEXT_LENGTH, blank=True)
    reason_html = models.TextField(blank=True, editable=False)
    supporters_at_close = models.PositiveIntegerField()
    opponents_at_close = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["outcome"], name="suggestion_decision_outcome")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.suggestion}"
