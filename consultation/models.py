import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from accounts.models import Organization

CLAUSE_KEY_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}-\d+(\.\d+)*$")


def validate_clause_key(value: str) -> None:
    if not CLAUSE_KEY_PATTERN.match(value):
        raise ValidationError(f"'{value}' is not a clause key. Use a form such as R-4.2.")


class Guideline(models.Model):
    """A company's refusal guideline; its text lives in numbered versions."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="guidelines")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "title"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="guideline_slug_per_org")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guideline", args=[self.organization.slug, self.slug])


class GuidelineVersionQuerySet(models.QuerySet):
    def public(self):
        """Drafts are visible only to their organization's publishers."""
        return self.exclude(status=GuidelineVersion.DRAFT)

    def published_for(self, organization: Organization):
        return self.public().filter(guideline__organization=organization)


class GuidelineVersion(models.Model):
    DRAFT, CONSULTATION, FINAL, SUPERSEDED = "draft", "consultation", "final", "superseded"
    STATUS_CHOICES = [(DRAFT, "Draft"), (CONSULTATION, "Consultation"), (FINAL, "Final"), (SUPERSEDED, "Superseded")]

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=DRAFT)
    summary_of_changes = models.TextField(blank=True, max_length=5000)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

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
    def is_public(self) -> bool:
        return self.status != self.DRAFT

    @property
    def is_frozen(self) -> bool:
        """Once public, a version's text never changes; a change is a new version."""
        return self.status != self.DRAFT


class Clause(models.Model):
    """One clause of one version. Its key (R-4.2) keeps its meaning across versions."""

    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="clauses")
    key = models.CharField(max_length=30, validators=[validate_clause_key])
    heading = models.CharField(max_length=200)
    text = models.TextField(max_length=20000, help_text="Markdown.")
    position = models.PositiveIntegerField(default=0)
    tags = models.JSONField(default=list, blank=True, help_text="Topics, used to match reviewers' expertise.")

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="clause_key_per_version")]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"{self.key} {self.heading}"
