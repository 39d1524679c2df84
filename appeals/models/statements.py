from django.db import models

from accounts.models import ApiKey, Organization
from appeals.models.limits import CLAUSE_KEY_MAX
from appeals.models.systems import AISystem
from core.models import AppendOnlyModel


class RefusalStatement(AppendOnlyModel):
    """One refusal an organization reported through its API, in the DSA statement-of-reasons shape (appeals.dsa).

    Stored as sent (`statement`), with the fields the statistics and filters need in columns. Its `puid` names it
    once per organization: sending it again returns this row, never a second one, and never changes it."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="refusal_statements")
    system = models.ForeignKey(AISystem, on_delete=models.PROTECT, related_name="refusal_statements")
    guideline_slug = models.SlugField(max_length=80)
    clause_key = models.CharField(max_length=CLAUSE_KEY_MAX)
    puid = models.CharField(max_length=500)
    statement_sha256 = models.CharField(max_length=64, help_text="Of the statement's canonical JSON.")
    statement = models.JSONField()
    decision_ground = models.CharField(max_length=40)
    category = models.CharField(max_length=80)
    application_date = models.DateField()
    content_date = models.DateField()
    automated_decision = models.CharField(max_length=40)
    batch_sha256 = models.CharField(max_length=64, help_text="Of the batch it came in, as on the record.")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="+", null=True)
    received_at = models.DateTimeField(auto_now_add=True)

    refusal = "A reported refusal statement is never changed; report a new one under a new puid."

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "puid"], name="one_statement_per_puid")]
        indexes = [
            models.Index(fields=["organization", "system", "application_date"]),
            models.Index(fields=["organization", "clause_key", "application_date"]),
            models.Index(fields=["organization", "category", "application_date"]),
            models.Index(fields=["organization", "-id"]),
        ]

    def __str__(self) -> str:
        return f"Refusal statement {self.puid} of {self.organization_id}"
