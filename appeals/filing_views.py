"""The appellant's pages: filing an appeal, the receipt, their appeals, withdrawing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import urlencode

from accounts import permissions
from appeals import forms, pending_uploads, selectors, services
from appeals.models import Appeal
from appeals.receipts import VerifiedReceipt, verify_receipt
from core.forms import CHANGE, CONFIRM, ConfirmForm, act_and_tell, run_service
from core.middleware import refusal
from core.proxies import client_address
from core.ratelimit import over_limit

FILING_PAGE = "appeals/file_appeal.html"
CHECK_PAGE = "appeals/check_appeal.html"
# Each filing step with a receipt link checks it again: a person filing checks it about six times.
RECEIPT_CHECKS_PER_HOUR = 100


def file_appeal(request):
    """A question a page, each answer deciding the next: organization, system and guideline, the date of the refusal
    (GET, in the query string), then the appeal itself with the clauses of the version in force on that date (POST),
    then the check page. The answers cross the check page signed (`pending_uploads`); only its "File this appeal"
    (`confirm=1`) files, so one POST naming every field with `confirm=1` files an appeal too."""
    try:
        data, pending = _carried(request)
    except ValidationError as altered:
        return refusal(request, 400, altered.messages[0])
    receipt_form = forms.ReceiptForm()
    try:
        receipt = verified_receipt(request, request.GET["receipt"]) if "receipt" in request.GET else None
    except ValidationError as refused:
        return render(request, FILING_PAGE, _first_step(forms.ReceiptForm.refusing(refused)), status=400)
    steps = forms.FilingStepsForm(_answers_so_far(request, data, receipt)).chosen()
    steps.update(receipt=receipt, receipt_form=receipt_form)
    if steps["step"] < 4 or not permissions.is_citizen(request.user):
        date_refused = steps["step"] == 3 and steps["date_form"].errors
        context = {**steps, "must_sign_in": steps["step"] == 4}
        return render(request, FILING_PAGE, context, status=400 if date_refused else 200)
    initial = {"clause_keys": [receipt.clause]} if receipt else None
    form = forms.AppealForm(
        data or None, request.FILES or None, initial=initial, clauses=steps["clauses"], pending=pending
    )
    if request.method == "POST" and form.is_valid() and CHANGE not in request.POST:
        if request.POST.get(CONFIRM) == "1":
            if appeal := _file(request, form, steps, pending):
                return redirect("appeal-filed", appeal.public_id)
        elif (kept := run_service(form, pending_uploads.keep, uploads=form.cleaned_data["attachments"])) is not None:
            return _check_page(request, form, steps, data, [*pending, *kept])
    steps.update(form=form, duplicate=form.is_a_duplicate, pending=pending, carried=_signed(request, {}, pending))
    return render(request, FILING_PAGE, steps, status=400 if form.errors else 200)


def _carried(request) -> tuple[MultiValueDict, list[dict]]:
    """The answers to judge: those posted, or those signed on the check page; and the pending attachments."""
    data, pending = request.POST, list[dict]()
    for name in ("answers", "pending"):
        if token := request.POST.get(name):
            signed, pending = pending_uploads.unsign(token, by=request.user.pk, where=request.GET.urlencode())
            data = MultiValueDict(signed) if name == "answers" else data
    return data, pending


def _signed(request, data: dict[str, list[str]], files: list[dict]) -> str:
    return pending_uploads.sign(by=request.user.pk, where=request.GET.urlencode(), data=data, files=files)


def _check_page(request, form, steps: dict, data, files: list[dict]):
    answers = {name: data.getlist(name) for name in [*form.fields, "happened_at"] if name != "attachments"}
    chosen = [clause for clause in steps["clauses"] if clause.key in form.cleaned_data["clause_keys"]]
    earlier = urlencode({name: steps[name].slug for name in ("organization", "system", "guideline")})
    context = {**steps, "form": form, "chosen_clauses": chosen, "attachments": files, "earlier": earlier}
    return render(request, CHECK_PAGE, {**context, "answers": _signed(request, answers, files)})


def _file(request, form, steps: dict, pending: list[dict]):
    """The appeal filed with the new uploads and the pending ones, which are then deleted; None if refused."""
    where = {"system": steps["system"], "guideline": steps["guideline"], "happened_at": steps["happened_at"]}
    try:
        uploads = [*form.cleaned_data["attachments"], *pending_uploads.reopen(pending)]
    except ValidationError as gone:
        form.add_error(None, gone)
        return None
    arguments = {**where, **form.arguments(), "attachments": uploads}
    if steps["receipt"]:
        arguments["receipt"] = steps["receipt"].token
    if appeal := run_service(form, services.file_appeal, by=request.user, **arguments):
        pending_uploads.discard(pending)
    return appeal


def _answers_so_far(request, data, receipt: VerifiedReceipt | None) -> QueryDict:
    """The query string's answers; on the last step the posted date, which is the one the appeal is filed with.
    A verified receipt's system and time win over both: they are what the system signed."""
    answers = request.GET.copy()
    if "happened_at" in data:
        answers["happened_at"] = data.get("happened_at")
    if receipt:
        answers["organization"] = receipt.system.organization.slug
        answers["system"] = receipt.system.slug
        answers["happened_at"] = receipt.refused_at.isoformat()
        answers.pop("change", None)
    return answers


def _first_step(receipt_form) -> dict:
    steps = forms.FilingStepsForm(QueryDict()).chosen()
    return {**steps, "receipt_form": receipt_form, "receipt_refused": True}


def bring_receipt(request):
    """A receipt pasted or uploaded on the first step: once it verifies, filing goes on from its link, which the
    pages carry from step to step (the receipt is signed: nothing else needs to keep it)."""
    if request.method != "POST":
        return redirect("file-appeal")
    form = forms.ReceiptForm(request.POST, request.FILES)
    if form.is_valid() and run_service(form, verified_receipt, request=request, token=form.cleaned_data["token"]):  # type: ignore[arg-type]
        return redirect(f"{reverse('file-appeal')}?{urlencode({'receipt': form.cleaned_data['token']})}")
    return render(request, FILING_PAGE, _first_step(form), status=400)


def verified_receipt(request, token: str) -> VerifiedReceipt:
    """verify_receipt, counted against the person or the network address: it reads the database for a key."""
    who = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{client_address(request)}"
    if over_limit(action="verify-receipt", who=who, limit=RECEIPT_CHECKS_PER_HOUR, per_seconds=3600):
        raise ValidationError("You have checked many receipts in the last hour. Please try again later.")
    return verify_receipt(token)


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
