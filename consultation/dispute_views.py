""" "I did not write this": the page that mails the account's holder a link, the page the link opens, and the
moderators' queue of disputes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.ownership import account_from_token, neutral_answer, request_ownership_link
from accounts.permissions import is_moderator
from consultation.dispute_forms import DisputeDecisionForm, DisputeForm, OwnershipEmailForm
from consultation.models import Dispute
from consultation.selectors.disputes import dispute_queue, with_conflicts, writings_of
from consultation.services.disputes import open_dispute, reject_dispute, uphold_dispute
from core.forms import REFUSED, act_and_tell, run_service
from core.ids import parse_id
from core.proxies import client_address


def ask_for_link(request):
    """Anyone may ask; the answer never says whether an account has the address."""
    form = OwnershipEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_service(form, request_ownership_link, email=form.cleaned_data["email"], ip=client_address(request))
        if not form.errors:
            messages.success(request, neutral_answer())
            return redirect("not-mine")
    return render(request, "consultation/disputes/ask.html", {"form": form})


def account_writings(request, token: str):
    """What was posted in the account's name, each with a button to dispute it; the link is the proof."""
    try:
        account = account_from_token(token)
    except ValidationError as error:
        return render(request, "consultation/disputes/link_refused.html", {"reason": error.messages[0]}, status=400)
    form = DisputeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, open_dispute, shown=REFUSED, **form.arguments(), by=account)
    ):
        messages.success(request, "Marked as disputed. A moderator will look at it; the outcome is on the record.")
        return redirect("not-mine-account", token)
    sections = []
    for kind, label in Dispute.KIND_CHOICES:
        rows, older = writings_of(account, kind, before=parse_id(request.GET.get(f"{kind}_before", "")))
        sections.append({"kind": kind, "label": label, "rows": rows, "older": older})
    context = {"account": account, "sections": sections, "form": form, "token": token}
    return render(request, "consultation/disputes/writings.html", context, status=400 if form.errors else 200)


def _require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied("This page is for moderators.")


@login_required
def queue(request):
    _require_moderator(request)
    decided = request.GET.get("show") == "decided"
    disputes, older = dispute_queue(decided=decided, before=parse_id(request.GET.get("before", "")))
    context = {"disputes": with_conflicts(disputes, request.user), "older": older, "decided": decided}
    return render(request, "consultation/moderation/disputes.html", context)


@require_POST
@login_required
def decide(request, pk: int, outcome: str):
    _require_moderator(request)
    dispute = get_object_or_404(Dispute, pk=pk)
    service = uphold_dispute if outcome == "uphold" else reject_dispute
    if act_and_tell(request, DisputeDecisionForm(request.POST), service, shown=REFUSED, dispute=dispute):
        messages.success(request, f"Dispute {pk} {'upheld' if outcome == 'uphold' else 'rejected'}.")
    return redirect(reverse("dispute-queue"))
