from django.conf import settings
from django.db import models

from consultation.models.comments import Comment
from consultation.models.guidelines import GuidelineVersion
from consultation.models.limits import KEY_LENGTH, LONG_TEXT_LENGTH


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


class ClauseChange(models.Model):
    """The statement of changes for one clause of a final version, linking the comments that led to it."""

    ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
    KIND_CHOICES = [(ADDED, "Added"), (REMOVED, "Removed"), (CHANGED, "Changed"), (UNCHANGED, "Unchanged")]

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="clause_changes")
    clause_key = models.CharField(max_length=KEY_LENGTH)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    statement = models.TextField(max_length=LONG_TEXT_LENGTH, blank=True)
    comments = models.ManyToManyField(Comment, blank=True, related_name="led_to")
    suggestions = models.ManyToManyField("Suggestion", blank=True, related_name="led_to")  # type: ignore[var-annotated]
    # Set when the clause was flagged for clause pressure as the version was published: its appeals overturned and
    # decided then, so the public sees what the statement answers even after more decisions come in.
    pressure_overturned = models.PositiveIntegerField(null=True, blank=True)
    pressure_decided = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "clause_key"], name="one_change_per_clause")]

    def __str__(self) -> str:
        return f"{self.clause_key} {self.kind} in {self.version}"
