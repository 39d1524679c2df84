"""What everyone may read: the audits, one audit with its reports, responses and the reads made under it."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render

from audits import selectors
from audits.forms import CloseAuditForm, page_query
from audits.models import Audit, AuditReport

AUDITS_PER_PAGE = 20
READS_PER_PAGE = 50


def audit_list(request):
    query = page_query(request)
    audits, older = selectors.page(selectors.listed_audits(**query), AUDITS_PER_PAGE)
    context = {"audits": audits, "older": older, "organization": query["organization"]}
    return render(request, "audits/audit_list.html", context)


def audit_detail(request, pk: int):
    audit = get_object_or_404(Audit.objects.for_pages(), pk=pk)
    reads, older = selectors.page(selectors.audit_reads(audit, before=page_query(request)["before"]), READS_PER_PAGE)
    context = {
        "audit": audit,
        "reads": reads,
        "older": older,
        "may_read": not audit.read_refusal(request.user),
        "may_report": audit.is_managed_by(request.user),
        "may_respond": bool(audit.reports.all()) and audit.can_be_answered_by(request.user),
        "close_form": CloseAuditForm(),
    }
    return render(request, "audits/audit_detail.html", context)


def report_pdf(request, pk: int, report: int):
    found = get_object_or_404(AuditReport.objects.exclude(pdf=""), audit_id=pk, pk=report)
    response = FileResponse(found.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="audit-{pk}-report-{found.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response
