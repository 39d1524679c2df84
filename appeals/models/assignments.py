from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReviewerProfile
from appeals.models.limits import DECLINE_REASON_MAX
from core.status import StatusTag


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

    appeal = models.ForeignKey("Appeal", on_delete=models.PROTECT, related_name="assignments")
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
