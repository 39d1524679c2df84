"""Opinion groups by the Pol.is method: short statements, agree / disagree / pass votes, and computed groups."""

import secrets

from django.conf import settings
from django.db import models

from accounts.assurance import Spoken
from consultation.models.guidelines import Clause, GuidelineVersion

STATEMENT_LENGTH = 280


def new_pseudonym() -> str:
    return secrets.token_hex(8)


class Statement(Spoken):
    """A short statement people vote on; a citizen's waits for a moderator, a publisher's is shown at once."""

    PENDING, SHOWN, REJECTED = "pending", "shown", "rejected"
    STATUS_CHOICES = [(PENDING, "Pending moderation"), (SHOWN, "Shown"), (REJECTED, "Rejected")]

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="statements")
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.PROTECT, related_name="statements", help_text="If it names one."
    )
    text = models.CharField(max_length=STATEMENT_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="statements")
    seeded = models.BooleanField(default=False, help_text="Written by the publisher.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)
    # Counts of votes, kept in the vote's transaction with F().
    agree = models.PositiveIntegerField(default=0, editable=False)
    disagree = models.PositiveIntegerField(default=0, editable=False)
    passed = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "created_at", "pk"]
        indexes = [
            models.Index(fields=["version", "status", "id"], name="statement_version_status"),
            models.Index(fields=["status", "created_at"], name="statement_moderation_queue"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def subject(self) -> str:
        return f"statement:{self.pk}"

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passed


class Participant(models.Model):
    """A person taking part in one consultation's statements, under a pseudonym that the open data uses."""

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(max_length=16, unique=True, default=new_pseudonym, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="one_participant_per_person")]

    def __str__(self) -> str:
        return self.pseudonym


class Vote(models.Model):
    AGREE, DISAGREE, PASS = "agree", "disagree", "pass"
    VOTE_CHOICES = [(AGREE, "Agree"), (DISAGREE, "Disagree"), (PASS, "Pass")]

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="vote_rows")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="votes")
    vote = models.CharField(max_length=10, choices=VOTE_CHOICES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_per_statement")]
        indexes = [models.Index(fields=["statement", "participant"], name="vote_statement")]

    def __str__(self) -> str:
        return f"{self.participant} {self.vote}s {self.statement_id}"


class OpinionGroups(models.Model):
    """One computation of a consultation's opinion groups; the newest is shown. `result` holds the groups, the
    consensus and divisive statements and the method's parameters, as the API serves them."""

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="opinion_groups")
    computed_at = models.DateTimeField(auto_now_add=True)
    votes_seen = models.PositiveIntegerField()
    participants = models.PositiveIntegerField()
    clustered = models.PositiveIntegerField()
    result = models.JSONField()

    class Meta:
        ordering = ["version", "-computed_at", "-pk"]
        indexes = [models.Index(fields=["version", "-computed_at"], name="opinion_groups_newest")]

    def __str__(self) -> str:
        return f"Opinion groups of {self.version} at {self.computed_at:%Y-%m-%d %H:%M}"


class GroupMembership(models.Model):
    """Which group a clustered participant was put in by one computation, and where the projection placed them."""

    computation = models.ForeignKey(OpinionGroups, on_delete=models.PROTECT, related_name="memberships")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    group = models.PositiveSmallIntegerField()
    x = models.FloatField()
    y = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["computation", "participant"], name="one_group_per_participant")]

    def __str__(self) -> str:
        return f"{self.participant} in group {self.group}"
