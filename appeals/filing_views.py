"""The appellant's pages: filing an appeal, the receipt, their appeals, withdrawing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from appeals import forms, selectors, services
from appeals.models import Appeal
from core.forms import CONFIRM, ConfirmForm, act_and_tell, run_service

FILING_PAGE = "appeals/file_appeal.html"


def file_appeal(request):
    """A question a page, each answer deciding the next: organization, system and guideline, the date of the refusal
    (GET, in the query string), then the appeal itself with the clauses of the version in force on that date (POST).
    The date travels as a hidden field of the last step, so one POST naming every field files an appeal too."""
    steps = forms.FilingStepsForm(_answers_so_far(request)).chosen()
    if steps["step"] < 4 or not permissions.is_citizen(request.user):
        date_refused = steps["step"] == 3 and steps["date_form"].errors
        context = {**steps, "must_sign_in": steps["step"] == 4}
        return render(request, FILING_PAGE, context, status=400 if date_refused else 200)
    form = forms.AppealForm(request.POST or None, request.FILES or None, clauses=steps["clauses"])
    if request.method == "POST" and form.is_valid():
        where = {"system": steps["system"], "guideline": steps["guideline"], "happened_at": steps["happened_at"]}
        if appeal := run_service(form, services.file_appeal, by=request.user, **where, **form.arguments()):
            return redirect("appeal-filed", appeal.public_id)
    steps.update(form=form, duplicate=form.is_a_duplicate)
    return render(request, FILING_PAGE, steps, status=400 if form.errors else 200)


def _answers_so_far(request) -> QueryDict:
    """The query string's answers; on the last step the posted date, which is the one the appeal is filed with."""
    answers = request.GET.copy()
    if "happened_at" in request.POST:
        answers["happened_at"] = request.POST["happened_at"]
    return answers


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
