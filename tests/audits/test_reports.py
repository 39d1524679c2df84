"""The auditor's report (Markdown and an optional PDF) and the audited organization's response: published for
good, on the audit's page and in the record; everyone else refused, nothing recorded."""

import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from audits import services
from audits.models import AuditReport, AuditResponse
from core.models import AppendOnlyError
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import PDF_BYTES, png_bytes
from tests.factories import MembershipFactory

REPORT = "## Findings\n\nRefusals under R-1.1 were **overturned** in 7 of 10 appeals.<script>alert(1)</script>"


def pdf_upload(data: bytes = PDF_BYTES, name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def scripted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('hi');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def publish(client, audit, **fields):
    return client.post(reverse("publish-audit-report", args=[audit.pk]), {"body": REPORT, "confirm": "on", **fields})


def test_the_auditor_publishes_a_report_with_a_pdf(client, auditor, audit):
    client.force_login(auditor)
    response = publish(client, audit, pdf=pdf_upload())
    assert response.url == audit.get_absolute_url()
    report = AuditReport.objects.get()
    page = client.get(audit.get_absolute_url()).text
    assert "<strong>overturned</strong>" in page
    assert "<script>" not in page
    assert report.pdf_url() in page
    served = client.get(report.pdf_url())
    assert b"".join(served.streaming_content) == PDF_BYTES
    assert served["Content-Type"] == "application/pdf"


def test_the_report_is_fingerprinted_on_the_record(client, auditor, audit):
    client.force_login(auditor)
    publish(client, audit, pdf=pdf_upload())
    entry = Entry.objects.get(kind=EntryKind.AUDIT_REPORT_PUBLISHED)
    assert json.loads(entry.payload) == {
        "audit": audit.pk,
        "report": AuditReport.objects.get().pk,
        "auditor": "Jo Roe, Open Audit Lab",
        "text_sha256": hashlib.sha256(REPORT.encode()).hexdigest(),
        "pdf_sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
    }


def test_a_report_without_a_pdf_is_fine_and_a_closed_audit_still_reports(client, auditor, audit):
    services.close_audit(audit=audit, by=auditor)
    client.force_login(auditor)
    publish(client, audit)
    report = AuditReport.objects.get()
    assert not report.pdf
    assert json.loads(Entry.objects.get(kind=EntryKind.AUDIT_REPORT_PUBLISHED).payload)["pdf_sha256"] is None


def test_a_further_report_is_added_beside_the_first(client, auditor, audit):
    client.force_login(auditor)
    publish(client, audit)
    publish(client, audit, body="A correction to the figures.")
    assert AuditReport.objects.count() == 2
    assert "Further report" in client.get(audit.get_absolute_url()).text
    report = AuditReport.objects.first()
    report.body = "rewritten"
    with pytest.raises(AppendOnlyError):
        report.save()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload(scripted_pdf()), "contains scripts or embedded actions"),
        (SimpleUploadedFile("report.pdf", png_bytes(), content_type="application/pdf"), "is not a PDF file"),
        (pdf_upload(name="report.png"), "is a PDF but its name says otherwise"),
        (pdf_upload(b"%PDF-1.7\n" + b"x" * 200), "cannot be opened"),
    ],
)
def test_a_pdf_that_is_not_a_plain_pdf_is_refused_and_nothing_is_published(client, auditor, audit, upload, message):
    client.force_login(auditor)
    response = publish(client, audit, pdf=upload)
    assert response.status_code == 400
    assert message in response.text
    assert not AuditReport.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.AUDIT_REPORT_PUBLISHED).exists()


def test_a_pdf_over_the_limit_is_refused(client, auditor, audit, settings):
    settings.AUDIT_REPORT_MAX_BYTES = 100
    client.force_login(auditor)
    response = publish(client, audit, pdf=pdf_upload())
    assert "is larger than" in response.text
    assert not AuditReport.objects.exists()


def test_a_report_must_be_confirmed(client, auditor, audit):
    client.force_login(auditor)
    response = client.post(reverse("publish-audit-report", args=[audit.pk]), {"body": REPORT})
    assert "Confirm that the report is published for good." in response.text
    assert not AuditReport.objects.exists()


@pytest.mark.parametrize("person", ["other_auditor", "citizen", "publisher", "moderator", "reviewer"])
def test_only_its_auditor_publishes_the_report(client, request, person, audit):
    client.force_login(request.getfixturevalue(person))
    response = publish(client, audit)
    assert response.status_code == 403
    assert "Only the auditor who declared this audit may do this." in response.text
    assert not AuditReport.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.AUDIT_REPORT_PUBLISHED).exists()


def test_the_report_pdf_of_a_report_without_one_is_not_found(client, auditor, audit):
    report = services.publish_report(audit=audit, by=auditor, body="Text only.")
    assert client.get(f"/audits/{audit.pk}/reports/{report.pk}.pdf").status_code == 404


# The organization's response.


@pytest.fixture
def reported(auditor, audit):
    services.publish_report(audit=audit, by=auditor, body=REPORT)
    return audit


def respond(client, audit, organization, **extra):
    data = {"organization": organization.pk, "body": "We accept the **findings** and will retrain.", **extra}
    return client.post(reverse("respond-to-audit", args=[audit.pk]), data)


def test_the_organization_responds_after_checking(client, publisher, organization, reported):
    client.force_login(publisher)
    assert "Respond for your organization" in client.get(reported.get_absolute_url()).text
    check = respond(client, reported, organization)
    assert "Check your response" in check.text
    assert not AuditResponse.objects.exists()
    response = respond(client, reported, organization, confirm="1")
    assert response.url == reported.get_absolute_url()
    page = client.get(reported.get_absolute_url()).text
    assert "We accept the <strong>findings</strong> and will retrain." in page
    entry = Entry.objects.get(kind=EntryKind.AUDIT_RESPONDED)
    assert json.loads(entry.payload) == {
        "audit": reported.pk,
        "response": AuditResponse.objects.get().pk,
        "organization": "acme",
        "text_sha256": hashlib.sha256(b"We accept the **findings** and will retrain.").hexdigest(),
    }


def test_there_is_nothing_to_respond_to_before_a_report(client, publisher, organization, audit):
    client.force_login(publisher)
    assert "Respond for your organization" not in client.get(audit.get_absolute_url()).text
    response = respond(client, audit, organization, confirm="1")
    assert "There is no report to respond to yet." in response.text
    assert not AuditResponse.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.AUDIT_RESPONDED).exists()


def test_a_publisher_of_an_organization_outside_the_audit_is_refused(client, other_organization, reported):
    outsider = MembershipFactory(organization=other_organization).user
    client.force_login(outsider)
    response = respond(client, reported, other_organization, confirm="1")
    assert response.status_code == 403
    assert "Only the publishers of an audited organization respond to an audit." in response.text
    assert not AuditResponse.objects.exists()


@pytest.mark.parametrize("person", ["auditor", "citizen", "moderator", "reviewer"])
def test_only_the_organizations_publishers_respond(client, request, person, organization, reported):
    client.force_login(request.getfixturevalue(person))
    response = respond(client, reported, organization, confirm="1")
    assert response.status_code == 403
    assert not AuditResponse.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.AUDIT_RESPONDED).exists()


def test_a_publisher_may_not_respond_for_another_organization(publisher, other_organization, reported):
    with pytest.raises(PermissionDenied):
        services.respond_to_audit(audit=reported, organization=other_organization, by=publisher, body="x")
    assert not AuditResponse.objects.exists()
