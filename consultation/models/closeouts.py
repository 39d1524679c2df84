from django.db import models
from django.urls import reverse

from consultation.models.guidelines import GuidelineVersion


class CloseOut(models.Model):
    """The "you said, we did" report, created when a final version is published: what the public said about the
    consulted version, what the publisher decided and what changed. `document` is the JSON the API serves, and its
    SHA-256 (of the canonical JSON) is on the record."""

    version = models.OneToOneField(GuidelineVersion, on_delete=models.PROTECT, related_name="closeout")
    consulted = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="+")
    document = models.JSONField()
    document_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Close-out of {self.version}"

    def get_absolute_url(self) -> str:
        version = self.version
        guideline = version.guideline
        return reverse("version-outcome", args=[guideline.organization.slug, guideline.slug, version.number])
