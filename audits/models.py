from datetime import date, datetime, time, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import AuditorProfile, Organization
from appeals.models import Appeal, Attachment, private_storage
from core.models import AppendOnlyModel, AppendOnlyQuerySet
from core.status import StatusTag

# Each limit is defined once: the model fields, the forms and the API serializers all use these.
TITLE_MAX = 200
PURPOSE_MAX = 5000
REPORT_MAX = 100_000
RESPONSE_MAX = 20_000
NOTE_MAX = 2000
ORGANIZATIONS_MAX = 20


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants an inclusive period of days covers, in the site's time zone, so a filed_at range uses its index."""
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.combine(start, time.min), zone)
    return first, timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)


class AuditQuerySet(AppendOnlyQuerySet["Audit"]):
    def covering(self, organization: Organization) -> Self:
        return self.filter(scopes__organization=organization)

    def for_pages(self) -> Self:
        """With what every page and the API show of an audit, in a constant number of queries."""
        scopes = AuditScope.objects.select_related("organization").order_by("organization__name")
        responses = AuditResponse.objects.select_related("organization")
        # Two calls because the stubs type one call's Prefetch querysets as a single type, of one model.
        return (
            self.select_related("auditor", "closure")
            .prefetch_related(Prefetch("scopes", queryset=scopes), "reports")
            .prefetch_related(Prefetch("responses", queryset=responses))
        )


class Audit(AppendOnlyModel):
    """An audit an auditor declared: what it is for and which appeals it covers (organizations and a filing period).

    The declaration is public history: never edited. Closing it is a new row (AuditClosure)."""

    auditor = models.ForeignKey(AuditorProfile, on_delete=models.PROTECT, related_name="audits")
    title = models.CharField(max_length=TITLE_MAX)
    purpose = models.TextField(max_length=PURPOSE_MAX, help_text="Markdown.")
    purpose_html = models.TextField(default="", editable=False, help_text="The purpose rendered and sanitised once.")
    period_from = models.DateField(help_text="Appeals filed on or after this day.")
    period_to = models.DateField(help_text="Appeals filed on or before this day.")
    declared_at = models.DateTimeField(default=timezone.now)

    refusal = "An audit's declaration is never edited or deleted; close it and declare a new one."

    # A manager is a ClassVar to django-stubs, and this one narrows the base's (typeddjango/django-stubs#1712).
    objects = AuditQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["auditor", "-id"])]
        constraints = [
            models.CheckConstraint(condition=Q(period_from__lte=F("period_to")), name="audit_period_in_order")
        ]

    def __str__(self) -> str:
        return f"Audit {self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("audit", args=[self.pk])

    @property
    def subject(self) -> str:
        return f"audit:{self.pk}"

    @property
    def organizations(self) -> list[Organization]:
        return [scope.organization for scope in self.scopes.all()]

    @property
    def is_open(self) -> bool:
        return not hasattr(self, "closure")

    def status_tag(self) -> StatusTag:
        return StatusTag("Open", "blue") if self.is_open else StatusTag("Closed", "grey")

    def appeals_in_scope(self):
        start, end = period_bounds(self.period_from, self.period_to)
        organizations = [scope.organization_id for scope in self.scopes.all()]
        return Appeal.objects.filter(guideline__organization__in=organizations, filed_at__gte=start, filed_at__lt=end)

    def is_declared_by(self, user) -> bool:
        return user.is_authenticated and self.auditor.user_id == user.pk

    def is_managed_by(self, user) -> bool:
        """The auditor who declared it, while they are still an auditor: who reports on it and closes it."""
        return self.is_declared_by(user) and permissions.is_auditor(user)

    def organizations_published_by(self, user) -> list[Organization]:
        """The audited organizations `user` publishes for (one query, however many the audit covers)."""
        mine = set(permissions.publisher_organizations(user).values_list("pk", flat=True))
        return [organization for organization in self.organizations if organization.pk in mine]

    def read_refusal(self, user, appeal: Appeal | None = None) -> str:
        """Why `user` may not read non-public data of `appeal` under this audit (or any appeal, without one);
        "" when they may. The one rule every auditor page and download asks."""
        if not permissions.is_auditor(user):
            return "Only auditors read non-public appeal data, and only within an audit they declared."
        if not self.is_declared_by(user):
            return f"This audit was declared by {self.auditor.label}; only they may read appeals under it."
        if not self.is_open:
            return "This audit is closed: no more non-public data is read under it."
        if appeal is None:
            return ""
        organization = appeal.guideline.organization
        if organization.pk not in {scope.organization_id for scope in self.scopes.all()}:
            return f"Appeal {appeal.public_id} concerns {organization.name}, which this audit does not cover."
        filed = timezone.localdate(appeal.filed_at)
        if not self.period_from <= filed <= self.period_to:
            return (
                f"Appeal {appeal.public_id} was filed on {filed:%d %B %Y}, outside this audit's period "
                f"({self.period_from:%d %B %Y} to {self.period_to:%d %B %Y})."
            )
        return ""

    def can_be_answered_by(self, user) -> bool:
        """A publisher of an audited organization (the service also waits for a report to answer)."""
        return bool(self.organizations_published_by(user))


class AuditScope(AppendOnlyModel):
    """One organization an audit covers."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="scopes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="audit_scopes")

    refusal = "An audit's scope is part of its declaration and is never changed."

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "organization"], name="audit_scope_once")]
        indexes = [models.Index(fields=["organization", "audit"])]

    def __str__(self) -> str:
        return f"{self.audit_id} covers {self.organization_id}"


class AuditClosure(AppendOnlyModel):
    """The end of an audit's access: after it, nothing non-public is read under the audit."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="closure")
    closed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=NOTE_MAX)

    refusal = "An audit, once closed, stays closed."

    def __str__(self) -> str:
        return f"Audit {self.audit_id} closed"


class AuditRead(AppendOnlyModel):
    """One look at non-public data under an audit; its ledger entry is written in the same transaction."""

    APPEAL, ATTACHMENT = "appeal", "attachment"
    DATA_CHOICES = [
        (APPEAL, "The original excerpts, grounds and conversation address"),
        (ATTACHMENT, "A private attachment"),
    ]

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="reads")
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="+")
    data = models.CharField(max_length=20, choices=DATA_CHOICES)
    attachment = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    seq = models.PositiveBigIntegerField(help_text="The ledger entry that records this read.")

    refusal = "The record of what an auditor read is never rewritten."

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["audit", "-id"])]

    def __str__(self) -> str:
        return f"Audit {self.audit_id} read {self.data} of {self.appeal_id}"


class AuditReport(AppendOnlyModel):
    """A report the auditor published. A later report is added beside it, never over it."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="reports")
    body = models.TextField(max_length=REPORT_MAX, help_text="Markdown.")
    body_html = models.TextField(default="", editable=False, help_text="The body rendered and sanitised once.")
    pdf = models.FileField(storage=private_storage, upload_to="audit-reports/%Y/%m/", blank=True)
    pdf_size = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(default=timezone.now)

    refusal = "A published audit report is never edited or deleted; publish a new one."

    class Meta:
        ordering = ["published_at", "pk"]
        indexes = [models.Index(fields=["audit", "published_at"])]

    def __str__(self) -> str:
        return f"Report {self.pk} of audit {self.audit_id}"

    def get_absolute_url(self) -> str:
        return f"{self.audit.get_absolute_url()}#report-{self.pk}"

    def pdf_url(self) -> str:
        return reverse("audit-report-pdf", args=[self.audit_id, self.pk]) if self.pdf else ""


class AuditResponse(AppendOnlyModel):
    """An audited organization's answer to the audit, published by one of its publishers."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="responses")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=RESPONSE_MAX, help_text="Markdown.")
    body_html = models.TextField(default="", editable=False, help_text="The body rendered and sanitised once.")
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(default=timezone.now)

    refusal = "An organization's response is never edited or deleted; add a new one."

    class Meta:
        ordering = ["responded_at", "pk"]
        indexes = [models.Index(fields=["audit", "responded_at"])]

    def __str__(self) -> str:
        return f"Response of {self.organization_id} to audit {self.audit_id}"
