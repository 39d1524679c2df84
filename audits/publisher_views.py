"""The audited organization's side: its publishers respond to the audit's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from audits import forms, services
from audits.models import Audit
from core.forms import check_answers, run_service


@login_required
def respond_to_audit(request, pk: int):
    audit = get_object_or_404(Audit.objects.for_pages(), pk=pk)
    organizations = audit.organizations_published_by(request.user)
    if not organizations:
        raise PermissionDenied("Only the publishers of an audited organization respond to an audit.")
    form = forms.AuditResponseForm(request.POST or None, organizations=organizations)

    def show_form():
        context = {"audit": audit, "form": form}
        return render(request, "audits/respond.html", context, status=400 if form.errors else 200)

    if request.method != "POST":
        return show_form()
    check = check_answers(
        request,
        form,
        show_form=show_form,
        title=f"Check your response to audit {audit.pk}",
        button="Publish the response",
        warning="The response is public and is never edited; you may add another.",
    )
    if check:
        return check
    if run_service(form, services.respond_to_audit, audit=audit, by=request.user, **form.arguments()):
        messages.success(request, "The organization's response is published.")
        return redirect(audit)
    return show_form()
