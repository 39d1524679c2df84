from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

DISPLAY_NAME_LENGTH = 80
ORGANIZATION_SLUG_LENGTH = 60


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An account needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; the display name is what the public sees."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=DISPLAY_NAME_LENGTH, blank=True)
    is_moderator = models.BooleanField(
        default=False, help_text="Platform staff who moderate comments and screen and route appeals."
    )
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    posting_suspended_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a moderator upheld that the account holder did not write something posted in its name: "
        "the account may sign in but not take part until staff clear this.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or f"Member {self.pk}"


class Organization(models.Model):
    """A company that publishes refusal guidelines."""

    slug = models.SlugField(max_length=ORGANIZATION_SLUG_LENGTH, unique=True)
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


DOMAIN_LENGTH = 253


class EmailDomainQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified_at__isnull=False)

    def for_email(self, email: str):
        return self.filter(domain=email.rpartition("@")[2].strip().lower())


class EmailDomain(models.Model):
    """An email domain an organization says is its own, proved by a link mailed to an address at that domain
    (accounts.domains). Once verified, people whose verified email is at it speak as its verified members."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="email_domains")
    domain = models.CharField(max_length=DOMAIN_LENGTH)
    proof_address = models.EmailField(help_text="Where the verification link was mailed: an address at the domain.")
    requested_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = EmailDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "pk"]
        constraints = [
            # A domain speaks for one organization: the first to prove it keeps it.
            models.UniqueConstraint(
                fields=["domain"], condition=models.Q(verified_at__isnull=False), name="one_verified_domain"
            ),
        ]
        indexes = [models.Index(fields=["organization", "domain"], name="email_domain_of_org")]

    def __str__(self) -> str:
        return f"{self.domain} ({self.organization})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Membership(models.Model):
    PUBLISHER = "publisher"
    ROLE_CHOICES = [(PUBLISHER, "Publisher")]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES, default=PUBLISHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} of {self.organization}"


class ReviewerProfileQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ReviewerProfile(models.Model):
    """An independent reviewer, vetted by staff, who decides the appeals assigned to them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reviewer_profile")
    handle = models.SlugField(max_length=40, unique=True, help_text="How the public timeline names this reviewer.")
    expertise = models.JSONField(default=list, blank=True, help_text="Tags such as 'medical' or 'security'.")
    capacity = models.PositiveSmallIntegerField(default=3, help_text="How many open assignments at most.")
    affiliations = models.ManyToManyField(
        Organization, blank=True, related_name="affiliated_reviewers", help_text="Declared conflicts of interest."
    )
    active = models.BooleanField(default=True, db_index=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    open_assignments = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Offered and accepted assignments, kept by appeals.services.steps in the transaction that changes "
        "one, so routing reads a reviewer's load without counting their history.",
    )

    objects = ReviewerProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return self.handle


class AuditorProfileQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class AuditorProfile(models.Model):
    """A vetted outside auditor or researcher, named publicly: every read they make of private data is on the record
    under this label, so the public knows who looked."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="auditor_profile")
    label = models.CharField(
        max_length=120, unique=True, help_text="The public name on audits and in the record, e.g. 'Jo Roe, Audit Lab'."
    )
    active = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditorProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return self.label


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """An organization's key to the API, acting in its name (accounts.api_keys.OrganizationVoice), never a person's.

    Only the SHA-256 of the secret is stored: the whole key (`wd_<prefix>_<secret>`) is shown once, when it is made.
    Revoking is permanent; a new key is made instead of restoring one."""

    STATEMENTS_WRITE, APPEALS_READ, RESPONSES_WRITE = "statements:write", "appeals:read", "responses:write"
    SCOPE_CHOICES = [
        (STATEMENTS_WRITE, "Report refusal statements (statements:write)"),
        (APPEALS_READ, "Read the appeals against the organization's systems (appeals:read)"),
        (RESPONSES_WRITE, "Respond to decisions and answer recommendations (responses:write)"),
    ]
    NAME_MAX = 80

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=NAME_MAX, help_text="What the key is for, such as 'moderation pipeline'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="The key's public part, shown in lists.")
    secret_sha256 = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} (wd_{self.prefix}_…) of {self.organization}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def allows(self, scope: str) -> bool:
        return not self.is_revoked and scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [label for value, label in self.SCOPE_CHOICES if value in self.scopes]
