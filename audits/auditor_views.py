"""The auditor's pages: declaring and closing an audit, the appeals it covers, their non-public data, the report.

Every page or file of non-public data is recorded (audits.services.record_read) in the transaction that serves it;
a refused request is refused before anything is recorded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from appeals import selectors as appeal_selectors
from appeals.public_views import attachment_response
from audits import forms, selectors, services
from audits.models import Audit
from core.forms import act_and_tell, check_answers, first_error, run_service

APPEALS_PER_PAGE = 50


def _audit_to_read(request, pk: int) -> Audit:
    audit = get_object_or_404(Audit.objects.for_pages(), pk=pk)
    if refusal := audit.read_refusal(request.user):
        raise PermissionDenied(refusal)
    return audit


def _own_audit(request, pk: int) -> Audit:
    audit = get_object_or_404(Audit.objects.for_pages(), pk=pk)
    if not audit.is_managed_by(request.user):
        raise PermissionDenied("Only the auditor who declared this audit may do this.")
    return audit


@login_required
def declare_audit(request):
    if not permissions.is_auditor(request.user):
        raise PermissionDenied("Only auditors declare audits.")
    form = forms.DeclareAuditForm(request.POST or None)

    def show_form():
        return render(request, "audits/declare.html", {"form": form}, status=400 if form.errors else 200)

    if request.method != "POST":
        return show_form()
    check = check_answers(
        request,
        form,
        show_form=show_form,
        title="Check your audit before declaring it",
        button="Declare the audit",
        warning="The declaration is public and permanent: its scope cannot be changed.",
    )
    if check:
        return check
    audit = run_service(form, services.declare_audit, by=request.user, **form.arguments())
    if audit is None:
        return show_form()
    messages.success(request, "The audit is declared and on the public record.")
    return redirect(audit)


@require_POST
@login_required
def close_audit(request, pk: int):
    audit = _own_audit(request, pk)
    form = forms.CloseAuditForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(audit)
    check = check_answers(
        request,
        form,
        show_form=lambda: redirect(audit),
        title=f"Close audit {audit.pk}",
        button="Close the audit",
        warning="Once closed, nothing non-public is read under this audit again.",
    )
    if check:
        return check
    if act_and_tell(request, form, services.close_audit, audit=audit):
        messages.success(request, "The audit is closed.")
    return redirect(audit)


@login_required
def audit_appeals(request, pk: int):
    """The appeals the audit covers: their public facts only, so listing them is not a read."""
    audit = _audit_to_read(request, pk)
    in_scope = selectors.appeals_in_scope(audit, before=forms.page_query(request)["before"])
    appeals, older = selectors.page(in_scope, APPEALS_PER_PAGE)
    return render(request, "audits/audit_appeals.html", {"audit": audit, "appeals": appeals, "older": older})


@login_required
@transaction.atomic
def audit_appeal(request, pk: int, public_id: str):
    audit = _audit_to_read(request, pk)
    appeal = get_object_or_404(appeal_selectors.appeals_for_pages(), public_id=public_id)
    services.record_read(audit=audit, appeal=appeal, by=request.user)
    context = {
        "audit": audit,
        "appeal": appeal,
        "attachments": list(appeal.attachments.all()),
        "clauses": appeal_selectors.contested_clauses(appeal),
    }
    return render(request, "audits/audit_appeal.html", context)


@login_required
@transaction.atomic
def audit_attachment(request, pk: int, public_id: str, attachment: int):
    audit = _audit_to_read(request, pk)
    appeal = get_object_or_404(appeal_selectors.appeals_for_pages(), public_id=public_id)
    item = get_object_or_404(appeal.attachments, pk=attachment)
    if item.is_public:
        return redirect(item)  # public already: nothing to record
    services.record_read(audit=audit, appeal=appeal, by=request.user, attachment=item)
    return attachment_response(item)


@login_required
def publish_report(request, pk: int):
    audit = _own_audit(request, pk)
    form = forms.ReportForm(request.POST or None, request.FILES or None)
    publishing = request.method == "POST" and form.is_valid()
    if publishing and run_service(form, services.publish_report, audit=audit, by=request.user, **form.arguments()):
        messages.success(request, "The report is published.")
        return redirect(audit)
    context = {"audit": audit, "form": form}
    return render(request, "audits/publish_report.html", context, status=400 if form.errors else 200)
