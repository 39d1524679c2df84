from django.db import models

from accounts.models import Organization
from appeals.models.limits import EXCERPT_MAX, LANGUAGE_MAX, URL_MAX


class AISystem(models.Model):
    """An AI model or product of an organization, whose refusals can be appealed."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ai_systems")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = "AI system"
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="system_slug_per_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


class Refusal(models.Model):
    """The refusal an appeal contests. The originals are private; the public sees the redacted excerpts."""

    system = models.ForeignKey(AISystem, on_delete=models.PROTECT, related_name="refusals")
    happened_at = models.DateTimeField()
    prompt_excerpt = models.TextField(max_length=EXCERPT_MAX)
    refusal_excerpt = models.TextField(max_length=EXCERPT_MAX)
    conversation_url = models.URLField(blank=True, max_length=URL_MAX)
    language = models.CharField(max_length=LANGUAGE_MAX, default="en")
    public_prompt_excerpt = models.TextField(blank=True, max_length=EXCERPT_MAX)
    public_refusal_excerpt = models.TextField(blank=True, max_length=EXCERPT_MAX)
    personal_data_flags = models.JSONField(default=list, blank=True, help_text="What the detector found, by kind.")
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["system", "happened_at"])]

    def __str__(self) -> str:
        return f"Refusal by {self.system} on {self.happened_at:%Y-%m-%d}"
