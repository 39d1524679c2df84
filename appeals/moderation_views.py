"""Moderators' pages: the screening queue, and screening, redacting, admitting, refusing and routing an appeal.
Every action first asks `Appeal.moderation_conflict`, as the services do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from appeals import forms, selectors, services
from appeals.models import Appeal
from core.forms import ConfirmForm, act_and_tell, check_answers


def _appeal_to_moderate(request, public_id: str) -> Appeal:
    appeal = get_object_or_404(selectors.appeals_for_pages(), public_id=public_id)
    if conflict := appeal.moderation_conflict(request.user):
        raise PermissionDenied(conflict)
    return appeal


@login_required
def moderation_queue(request):
    if not permissions.is_moderator(request.user):
        raise PermissionDenied("Only moderators can screen and route appeals.")
    context = {
        "to_screen": list(selectors.moderator_queue()[:200]),
        "in_routing": list(selectors.appeals_in_routing()[:200]),
    }
    return render(request, "appeals/moderation_queue.html", context)


@login_required
def screen_appeal(request, public_id: str, inadmissible_form=None):
    appeal = _appeal_to_moderate(request, public_id)
    inadmissible_form = inadmissible_form or forms.InadmissibleForm()
    context = {
        "appeal": appeal,
        "attachments": list(appeal.attachments.all()),
        "clauses": selectors.contested_clauses(appeal),
        "assignments": list(appeal.assignments.select_related("reviewer").order_by("offered_at", "pk")),
        "redact_form": forms.RedactForm.for_appeal(appeal),
        "admit_form": forms.AdmitForm(),
        "inadmissible_form": inadmissible_form,
        "route_form": forms.RouteForm(appeal=appeal),
        "panel_full": appeal.in_routing and appeal.has_a_full_panel(),
    }
    return render(request, "appeals/screen_appeal.html", context, status=400 if inadmissible_form.errors else 200)


@require_POST
@login_required
def start_screening(request, public_id: str):
    appeal = _appeal_to_moderate(request, public_id)
    if act_and_tell(request, ConfirmForm(request.POST), services.start_screening, appeal=appeal):
        messages.success(request, "You are screening this appeal.")
    return redirect("screen-appeal", public_id)


@require_POST
@login_required
def redact(request, public_id: str):
    appeal = _appeal_to_moderate(request, public_id)
    form = forms.RedactForm.for_appeal(appeal, request.POST)
    if act_and_tell(request, form, services.redact_refusal, appeal=appeal):
        messages.success(request, "The public excerpts and grounds are saved.")
    return redirect("screen-appeal", public_id)


@require_POST
@login_required
def admit(request, public_id: str):
    appeal = _appeal_to_moderate(request, public_id)
    if act_and_tell(request, forms.AdmitForm(request.POST), services.admit_appeal, appeal=appeal):
        messages.success(request, f"Appeal {appeal.public_id} is admitted and is being routed to reviewers.")
    return redirect("screen-appeal", public_id)


@require_POST
@login_required
def inadmissible(request, public_id: str):
    appeal = _appeal_to_moderate(request, public_id)
    form = forms.InadmissibleForm(request.POST)
    check = check_answers(
        request,
        form,
        show_form=lambda: screen_appeal(request, public_id, inadmissible_form=form),
        title=f"Check before declaring appeal {appeal.public_id} inadmissible",
        button="Declare inadmissible",
        warning="This closes the appeal for good; the reason and the note are public.",
    )
    if check:
        return check
    if act_and_tell(request, form, services.declare_inadmissible, appeal=appeal):
        messages.success(request, f"Appeal {appeal.public_id} is declared inadmissible.")
    return redirect("screen-appeal", public_id)


@require_POST
@login_required
def route_by_hand(request, public_id: str):
    appeal = _appeal_to_moderate(request, public_id)
    form = forms.RouteForm(request.POST, appeal=appeal)
    if act_and_tell(request, form, services.assign_reviewer_by_hand, appeal=appeal):
        messages.success(request, f"Offered to {form.arguments()['reviewer'].handle}.")
    return redirect("screen-appeal", public_id)
