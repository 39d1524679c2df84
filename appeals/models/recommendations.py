from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from accounts.models import Organization
from appeals.models.decisions import Decision
from appeals.models.limits import RECOMMENDATION_MAX, RESPONSE_MAX, URL_MAX
from core.models import AppendOnlyModel
from core.status import StatusTag


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
        return permissions.speaks_for(user, self.organization)

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
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Via this key"
    )
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
