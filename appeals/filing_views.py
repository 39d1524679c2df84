"""The appellant's pages: filing an appeal, the receipt, their appeals, withdrawing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from appeals import forms, selectors, services
from appeals.models import Appeal
from core.forms import CONFIRM, ConfirmForm, act_and_tell, run_service

FILING_PAGE = "appeals/file_appeal.html"


def file_appeal(request):
    """A guided form in steps carried in the query string: organization, then system, then the appeal itself."""
    context = forms.FilingStepsForm(request.GET).chosen()
    if context["step"] < 3 or not permissions.is_citizen(request.user):
        return render(request, FILING_PAGE, {**context, "must_sign_in": context["step"] == 3})
    form = forms.AppealForm(request.POST or None, request.FILES or None, clauses=context["clauses"])
    if request.method == "POST" and form.is_valid():
        where = {"system": context["system"], "guideline": context["guideline"]}
        if appeal := run_service(form, services.file_appeal, by=request.user, **where, **form.arguments()):
            return redirect("appeal-filed", appeal.public_id)
    context.update(form=form, duplicate=form.is_a_duplicate)
    return render(request, FILING_PAGE, context, status=400 if form.errors else 200)


@login_required
def appeal_filed(request, public_id: str):
    appeal = get_object_or_404(selectors.appeals_for_pages(), public_id=public_id)
    if appeal.appellant_id != request.user.pk:
        return redirect(appeal)
    return render(request, "appeals/appeal_filed.html", {"appeal": appeal})


@login_required
def my_appeals(request):
    appeals = Appeal.objects.filter(appellant=request.user).select_related("refusal__system").order_by("-filed_at")
    return render(request, "appeals/my_appeals.html", {"appeals": appeals[:200]})


@login_required
def withdraw_appeal(request, public_id: str):
    """The check page first (what withdrawing means, that it stays on the record); only its confirmation acts."""
    appeal = get_object_or_404(Appeal, public_id=public_id)
    if request.method != "POST" or request.POST.get(CONFIRM) != "1":
        if appeal.appellant_id != request.user.pk or not appeal.is_open:
            return redirect(appeal)
        return render(request, "appeals/withdraw.html", {"appeal": appeal})
    if act_and_tell(request, ConfirmForm(request.POST), services.withdraw_appeal, appeal=appeal):
        messages.success(request, f"Appeal {appeal.public_id} is withdrawn.")
    return redirect(appeal)
