"""Who is speaking: the assurance level of an author at the moment they post, stored on what they wrote.

Three levels, from what the site itself has checked, never from what the author claims:

- `verified email`: the account's email address was verified (allauth), which every author's is;
- `verified member of <organization>`: that verified address is at a domain an organization has proved it
  controls (accounts.domains);
- `organization`: a publisher of the organization chose to post as the organization itself.

The level is computed once, when the row is written (`assurance_for`), and kept on the row with the
organization's name as it was then (`Spoken`), so a page shows what was true when they spoke without a query per
row, and a later change of domain or membership does not rewrite history.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Func, OuterRef, Subquery, Value
from django.db.models.functions import Lower

from accounts.models import EmailDomain, Organization
from accounts.permissions import can_publish_for


class Assurance(models.TextChoices):
    VERIFIED_EMAIL = "verified_email", "verified email"
    VERIFIED_MEMBER = "verified_member", "verified member"
    ORGANIZATION = "organization", "organization"


ASSURANCE_LENGTH = 20
ORGANIZATION_NAME_LENGTH = 200


@dataclass(frozen=True)
class Speaker:
    """The assurance of one author at one moment: the level and, for the two organization levels, its name."""

    level: str
    organization: str = ""

    def fields(self) -> dict[str, str]:
        """The `Spoken` fields of a row this speaker writes."""
        return {"assurance": self.level, "assurance_organization": self.organization}


def assurance_for(user, *, as_organization: Organization | None = None) -> Speaker:
    """The assurance level of `user` now, speaking as `as_organization` when given (only its publishers may).

    For a person, one query that answers both whether their address is verified and which organization verified its
    domain; it is kept on the user object, as the API's token brings it (accounts.authentication), so the
    citizen check that follows asks nothing more. For an organization's voice, the permission's query."""
    if as_organization is not None:
        if not can_publish_for(user, as_organization):
            raise PermissionDenied(f"Only the publishers of {as_organization.name} may post as the organization.")
        return Speaker(Assurance.ORGANIZATION, as_organization.name)
    if not user.is_authenticated:
        return Speaker(Assurance.VERIFIED_EMAIL)  # nobody: the citizen check that follows refuses them
    if not hasattr(user, "verified_member_of"):
        row = (
            EmailAddress.objects.filter(user=user.pk, email__iexact=user.email, verified=True)
            .annotate(member_of=member_of_subquery(OuterRef("email")))
            .values_list("pk", "member_of")
            .first()
        )
        user.has_verified_email, user.verified_member_of = row is not None, row[1] if row else None
    if user.has_verified_email and user.verified_member_of:
        return Speaker(Assurance.VERIFIED_MEMBER, user.verified_member_of)
    return Speaker(Assurance.VERIFIED_EMAIL)


def member_of_subquery(email) -> Subquery:
    """The name of the organization that verified the domain of `email` (an expression), or NULL."""
    domain = Func(Lower(email), Value("@"), Value(2), function="split_part", output_field=models.CharField())
    verified = EmailDomain.objects.verified().filter(domain=domain)
    return Subquery(verified.values("organization__name")[:1])


def assurance_label(level: str, organization: str) -> str:
    """How pages, exports and the API name a level: "verified member of Acme", "organization", "verified email"."""
    if level == Assurance.VERIFIED_MEMBER:
        return f"verified member of {organization}"
    return Assurance(level).label if level in Assurance.values else ""


class Spoken(models.Model):
    """What a person wrote in public: the assurance stored when it was posted, and since when the account holder has
    said they did not write it (consultation.services.disputes). Both live on this one abstract model so every kind
    of public writing, the appeals' case comments too, stores and shows them the same way."""

    assurance = models.CharField(
        max_length=ASSURANCE_LENGTH,
        choices=Assurance.choices,
        default=Assurance.VERIFIED_EMAIL,
        editable=False,
        help_text="Who was speaking, as the site had checked it when this was posted.",
    )
    assurance_organization = models.CharField(
        max_length=ORGANIZATION_NAME_LENGTH,
        blank=True,
        editable=False,
        help_text="The organization's name then, for a verified member or the organization's own voice.",
    )
    disputed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Since when the account holder says they did not write this."
    )

    disowned_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When a moderator upheld the account holder's dispute."
    )

    class Meta:
        abstract = True

    @property
    def assurance_label(self) -> str:
        return assurance_label(self.assurance, self.assurance_organization)

    @property
    def is_disputed(self) -> bool:
        """Disputed and not yet decided: shown with a label, text still visible."""
        return self.disputed_at is not None and self.disowned_at is None

    @property
    def is_disowned(self) -> bool:
        return self.disowned_at is not None
