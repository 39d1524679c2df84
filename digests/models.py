"""Who follows what and how often they want to hear of it; what they have not been told yet; who wants no mail."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from appeals.models import Appeal
from consultation.models import Guideline, GuidelineVersion

TITLE_LENGTH = 300


class FollowQuerySet(models.QuerySet["Follow"]):
    def of_versions(self, versions: list[GuidelineVersion]) -> Self:
        """Follows of these versions and of their guidelines; per person, a consultation's follow before its
        guideline's, since the more specific choice of frequency wins."""
        guidelines = {version.guideline_id for version in versions}
        follows = self.filter(Q(version__in=versions) | Q(guideline__in=guidelines))
        return follows.order_by("user", F("guideline").asc(nulls_first=True), "pk")

    def with_targets(self) -> Self:
        """Everything a list of follows shows, in the same query."""
        return self.select_related(
            "user", "guideline__organization", "version__guideline__organization", "appeal"
        ).order_by("-created_at", "-pk")


class Follow(models.Model):
    """A person who wants email about one guideline, one consultation (a version) or one appeal, as often as they
    chose: each piece of news at once, or a daily or weekly digest."""

    IMMEDIATE, DAILY, WEEKLY = "immediate", "daily", "weekly"
    FREQUENCY_CHOICES = [(IMMEDIATE, "At once"), (DAILY, "Daily digest"), (WEEKLY, "Weekly digest")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    guideline = models.ForeignKey(Guideline, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    version = models.ForeignKey(
        GuidelineVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    frequency = models.CharField(max_length=10, choices=FREQUENCY_CHOICES, default=IMMEDIATE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(guideline__isnull=False, version__isnull=True, appeal__isnull=True)
                | Q(guideline__isnull=True, version__isnull=False, appeal__isnull=True)
                | Q(guideline__isnull=True, version__isnull=True, appeal__isnull=False),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(fields=["user", "guideline"], name="one_follow_per_guideline"),
            models.UniqueConstraint(fields=["user", "version"], name="one_follow_per_version"),
            models.UniqueConstraint(fields=["user", "appeal"], name="one_follow_per_appeal"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.describe()}"

    def get_absolute_url(self) -> str:
        return self.target.get_absolute_url()

    @property
    def target(self) -> Guideline | GuidelineVersion | Appeal:
        target = self.guideline or self.version or self.appeal
        assert target is not None  # noqa: S101  the check constraint
        return target

    def describe(self) -> str:
        """The followed thing as a sentence names it: "Medical advice (Acme AI)", "the consultation on ..."."""
        if self.guideline is not None:
            return f'the guideline "{self.guideline.title}" ({self.guideline.organization.name})'
        if self.version is not None:
            guideline = self.version.guideline
            return f'the consultation on "{guideline.title}" v{self.version.number} ({guideline.organization.name})'
        return f"appeal {self.target}"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def awaiting_digest(self, frequencies: tuple[str, ...], *, before) -> Self:
        """Notices not told yet whose follow wants them in a digest of one of `frequencies`, from before a time."""
        return self.filter(sent_at__isnull=True, follow__frequency__in=frequencies, created_at__lt=before)


class Notice(models.Model):
    """One piece of news for one follower: mailed at once, or waiting for their next digest. Its title and link
    are stored as they were when it happened, so a digest is one query however many notices it groups."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=200)
    title = models.CharField(max_length=TITLE_LENGTH)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.CharField(max_length=200, blank=True)  # the key of the digest email that carried it

    objects = NoticeQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follow", "event"], name="one_notice_per_follow_and_event")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="notice_unsent_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class MailOptOutQuerySet(models.QuerySet["MailOptOut"]):
    def covers(self, address: str) -> bool:
        return self.filter(address=address.strip().lower()).exists()


class MailOptOut(models.Model):
    """An address that asked, through an unsubscribe link for all mail, to get no more email from the site."""

    address = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MailOptOutQuerySet.as_manager()

    def __str__(self) -> str:
        return self.address
