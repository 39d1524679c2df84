from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organization
from appeals.models.limits import EXCERPT_MAX, KID_MAX, LANGUAGE_MAX, RECEIPT_MAX, REFUSAL_ID_MAX, URL_MAX

ONE_APPEAL_PER_RECEIPT = "one_appeal_per_receipt"


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

    @property
    def issuer(self) -> str:
        """How a refusal receipt names the system that signed it (its `iss` claim): `<organization>/<system>`."""
        return f"{self.organization.slug}/{self.slug}"


class SystemKey(models.Model):
    """An Ed25519 public key with which a system signs refusal receipts, valid from `valid_from` until
    `valid_until` (open while empty). Never deleted: a key is retired by giving it an end (services.system_keys),
    so a receipt signed while it was valid stays verifiable, and every change is on the record."""

    system = models.ForeignKey(AISystem, on_delete=models.PROTECT, related_name="keys")
    kid = models.CharField(max_length=KID_MAX, help_text="The key id receipts name in their `kid` header.")
    public_key = models.CharField(max_length=43, help_text="The 32 raw bytes of the Ed25519 key, base64url.")
    thumbprint = models.CharField(max_length=43, help_text="Its RFC 7638 JWK thumbprint (SHA-256, base64url).")
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    retirement_reason = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["system", "valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["system", "kid"], name="one_key_per_kid_and_system"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="key_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system.issuer} key {self.kid}"

    def is_valid_at(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    @property
    def jwk(self) -> dict:
        """The key as a public JWK (RFC 8037), with its validity, as the JWKS of the system lists it."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.public_key,
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


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
    # A verified refusal: the receipt the system signed (compact JWS), the key that signed it and its refusal id.
    # Empty for an appeal filed without a receipt, an "unverified refusal".
    receipt = models.TextField(blank=True, max_length=RECEIPT_MAX)
    receipt_key = models.ForeignKey(SystemKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    receipt_refusal_id = models.CharField(max_length=REFUSAL_ID_MAX, blank=True)

    class Meta:
        indexes = [models.Index(fields=["system", "happened_at"])]
        constraints = [
            # A receipt proves one refusal: a second appeal with it is refused, even when both are filed at once.
            models.UniqueConstraint(
                fields=["system", "receipt_refusal_id"],
                condition=~Q(receipt_refusal_id=""),
                name=ONE_APPEAL_PER_RECEIPT,
            )
        ]

    def __str__(self) -> str:
        return f"Refusal by {self.system} on {self.happened_at:%Y-%m-%d}"

    @property
    def is_verified(self) -> bool:
        return self.receipt_key_id is not None
