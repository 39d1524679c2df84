from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import Organization
from appeals.models.appeals import Appeal
from appeals.models.assignments import Assignment
from appeals.models.limits import CLAUSE_KEY_MAX, NOTE_MAX, RATIONALE_MAX, RESPONSE_MAX
from appeals.models.systems import AISystem
from core.models import AppendOnlyModel, AppendOnlyQuerySet
from core.search import CONFIG as SEARCH_CONFIG
from core.search import marked
from core.status import StatusTag


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
    comments_considered = models.TextField(
        blank=True,
        max_length=RATIONALE_MAX,
        help_text="How the public comments on the case were considered; required when it had any (Markdown).",
    )
    comments_considered_html = models.TextField(blank=True, editable=False)
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

    # A manager is a ClassVar to django-stubs, and this one narrows the base's (typeddjango/django-stubs#1712).
    objects = DecisionQuerySet.as_manager()  # type: ignore[misc]

    # Set by appeals.selectors.with_headlines on the decisions a search found.
    highlight: str

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
    def is_public(self) -> bool:
        """Published: its appeal is decided (only bad data gives a decision to an appeal that is not)."""
        return self.appeal.status == Appeal.DECIDED

    @property
    def overturns(self) -> bool:
        return self.outcome in (self.OVERTURNED, self.PARTIAL)

    def status_tag(self) -> StatusTag:
        """Its outcome, or "Corrected" once a correction replaced it (the `corrected` annotation of
        appeals.selectors.public_decisions, through which every page reads decisions)."""
        if getattr(self, "corrected", False):
            return StatusTag("Corrected", "grey")
        return StatusTag(self.get_outcome_display(), DECISION_TAG_COLOURS[self.outcome])

    def precedent_counts(self) -> dict[str, int]:
        """How many later decisions in force follow it and distinguish it: {"follows": n, "distinguishes": n}, from
        the counts of appeals.selectors.with_citation_counts (public_decisions has them)."""
        return {
            "follows": getattr(self, "followed_count", 0),
            "distinguishes": getattr(self, "distinguished_count", 0),
        }

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
    comments_considered = models.TextField(blank=True, max_length=RATIONALE_MAX)
    citations = models.JSONField(
        default=list, blank=True, help_text="The earlier decisions it cites: each {decision, relation, reason}."
    )
    recommendations = models.JSONField(default=list, blank=True, help_text="The texts this member recommends.")
    cast_at = models.DateTimeField(default=timezone.now)

    refusal = "A vote is never changed once cast."

    # A manager is a ClassVar to django-stubs, and this one narrows the base's (typeddjango/django-stubs#1712).
    objects = VoteQuerySet.as_manager()  # type: ignore[misc]

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
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Via this key"
    )
    responded_at = models.DateTimeField(default=timezone.now)

    refusal = "A response is never edited or deleted; add a new one."

    class Meta:
        ordering = ["responded_at", "pk"]
        indexes = [models.Index(fields=["decision", "responded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on decision {self.decision_id}"
