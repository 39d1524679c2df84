"""Audits: declaring and closing them, reading non-public appeal data under one, the report and the responses.

Each writes its ledger entry in the same transaction as its rows; a read is recorded before anything is served."""

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import AuditorProfile, Organization, User
from appeals.attachments import check_pdf_upload, stored_name
from appeals.models import Appeal, Attachment
from audits.models import Audit, AuditClosure, AuditRead, AuditReport, AuditResponse, AuditScope
from core.markdown import render_markdown
from ledger import services as ledger
from ledger.kinds import EntryKind


def declare_audit(
    *, by: User, title: str, purpose: str, organizations: list[Organization], period_from: date, period_to: date
) -> Audit:
    if not permissions.is_auditor(by):
        raise PermissionDenied("Only auditors declare audits.")
    auditor = AuditorProfile.objects.get(user=by)
    mine = set(permissions.publisher_organizations(by).values_list("pk", flat=True))
    for organization in organizations:
        if organization.pk in mine:
            raise PermissionDenied(f"You publish for {organization.name}, so you may not audit it.")
    if period_from > period_to:
        raise ValidationError({"period_to": "The period must end on or after the day it starts."})
    if period_from > timezone.localdate():
        raise ValidationError({"period_from": "The period must start today or earlier: no appeals are filed later."})
    with transaction.atomic():
        audit = Audit.objects.create(
            auditor=auditor,
            title=title,
            purpose=purpose,
            purpose_html=render_markdown(purpose),
            period_from=period_from,
            period_to=period_to,
        )
        AuditScope.objects.bulk_create(AuditScope(audit=audit, organization=o) for o in organizations)
        ledger.append(
            kind=EntryKind.AUDIT_DECLARED,
            subject=audit.subject,
            payload={
                "audit": audit.pk,
                "auditor": auditor.label,
                "title": title,
                "organizations": sorted(o.slug for o in organizations),
                "period_from": period_from.isoformat(),
                "period_to": period_to.isoformat(),
            },
        )
    return audit


def close_audit(*, audit: Audit, by: User, note: str = "") -> AuditClosure:
    if not audit.is_managed_by(by):
        raise PermissionDenied("Only the auditor who declared this audit may close it.")
    with transaction.atomic():
        _lock(audit)
        if AuditClosure.objects.filter(audit=audit).exists():
            raise ValidationError("This audit is already closed.")
        closure = AuditClosure.objects.create(audit=audit, note=note)
        ledger.append(
            kind=EntryKind.AUDIT_CLOSED,
            subject=audit.subject,
            payload={"audit": audit.pk, "auditor": audit.auditor.label, "note": note},
        )
    return closure


def record_read(*, audit: Audit, appeal: Appeal, by: User, attachment: Attachment | None = None) -> AuditRead:
    """Put on the record that the auditor is reading this appeal's non-public data (the originals, or one private
    attachment), before it is served. The entry names the auditor, the audit, the appeal and the kind of data:
    never the data itself. Call it in the transaction that serves the data."""
    if refusal := audit.read_refusal(by, appeal):
        raise PermissionDenied(refusal)
    data = AuditRead.APPEAL if attachment is None else AuditRead.ATTACHMENT
    with transaction.atomic():
        # Closing locks the audit too, so nothing is read under an audit after its closure is stored.
        _lock(audit)
        if AuditClosure.objects.filter(audit=audit).exists():
            raise PermissionDenied("This audit is closed: no more non-public data is read under it.")
        payload = {"audit": audit.pk, "auditor": audit.auditor.label, "appeal": appeal.public_id, "data": data}
        if attachment is not None:
            payload["attachment"] = attachment.pk
        entry = ledger.append(kind=EntryKind.AUDIT_READ, subject=audit.subject, payload=payload)
        return AuditRead.objects.create(audit=audit, appeal=appeal, data=data, attachment=attachment, seq=entry.seq)


def publish_report(*, audit: Audit, by: User, body: str, pdf=None) -> AuditReport:
    """Published for good: the record keeps the SHA-256 of the text and of the PDF, so a swapped file shows."""
    if not audit.is_managed_by(by):
        raise PermissionDenied("Only the auditor who declared this audit publishes its report.")
    pdf_data = b""
    if pdf is not None:
        try:
            check_pdf_upload(pdf, limit=settings.AUDIT_REPORT_MAX_BYTES)
        except ValidationError as error:
            raise ValidationError({"pdf": error.messages}) from error
        pdf.seek(0)
        pdf_data = pdf.read()
    with transaction.atomic():
        _lock(audit)
        report = AuditReport(audit=audit, body=body, body_html=render_markdown(body), pdf_size=len(pdf_data))
        if pdf_data:
            report.pdf.save(stored_name("application/pdf"), ContentFile(pdf_data), save=False)
        report.save()
        ledger.append(
            kind=EntryKind.AUDIT_REPORT_PUBLISHED,
            subject=audit.subject,
            payload={
                "audit": audit.pk,
                "report": report.pk,
                "auditor": audit.auditor.label,
                "text_sha256": _sha256(body.encode()),
                "pdf_sha256": _sha256(pdf_data) if pdf_data else None,
            },
        )
    return report


def respond_to_audit(*, audit: Audit, organization: Organization, by: User, body: str) -> AuditResponse:
    if not permissions.can_publish_for(by, organization):
        raise PermissionDenied("Only the audited organization's publishers respond to its audit.")
    if organization not in audit.organizations:
        raise ValidationError({"organization": f"This audit does not cover {organization.name}."})
    with transaction.atomic():
        _lock(audit)
        if not audit.reports.exists():
            raise ValidationError("There is no report to respond to yet.")
        response = AuditResponse.objects.create(
            audit=audit, organization=organization, body=body, body_html=render_markdown(body), responded_by=by
        )
        ledger.append(
            kind=EntryKind.AUDIT_RESPONDED,
            subject=audit.subject,
            payload={
                "audit": audit.pk,
                "response": response.pk,
                "organization": organization.slug,
                "text_sha256": _sha256(body.encode()),
            },
        )
    return response


def _lock(audit: Audit) -> None:
    Audit.objects.select_for_update().filter(pk=audit.pk).values_list("pk", flat=True).get()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
