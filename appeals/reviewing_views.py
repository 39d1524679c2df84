"""Reviewers' pages: their offers and reviews, accepting, declining and deciding; and correcting a decision."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import ReviewerProfile
from appeals import forms, selectors, services
from appeals.case_comment_views import case_page_context
from appeals.models import Appeal, Assignment, Decision
from core.forms import ConfirmForm, act_and_tell, check_answers, run_service


def _reviewer_or_403(request) -> ReviewerProfile:
    profile = ReviewerProfile.objects.filter(user=request.user, active=True).first()
    if profile is None or not permissions.is_reviewer(request.user):
        raise PermissionDenied("Only reviewers can review appeals.")
    return profile


def _own_assignment(request, pk: int) -> Assignment:
    profile = _reviewer_or_403(request)
    assignment = get_object_or_404(selectors.assignments_for_pages(), pk=pk)
    if assignment.reviewer_id != profile.pk or assignment.status not in Assignment.SEEN_STATUSES:
        # Not theirs (or no longer: declined or expired): they must not even learn that it exists.
        raise Http404("No such assignment.")
    return assignment


@login_required
def reviewer_home(request):
    profile = _reviewer_or_403(request)
    assignments = profile.assignments.select_related("appeal__refusal__system").order_by("-offered_at")
    context = {
        "profile": profile,
        "offers": [a for a in assignments if a.status == Assignment.OFFERED],
        "open_reviews": [a for a in assignments if a.status == Assignment.ACCEPTED],
        "done": [a for a in assignments[:200] if a.status not in Assignment.OPEN_STATUSES],
    }
    return render(request, "appeals/reviewer_home.html", context)


@login_required
def review(request, pk: int, decision_form=None, decline_form=None):
    assignment = _own_assignment(request, pk)
    decision_form = decision_form or forms.DecisionForm(appeal=assignment.appeal)
    decline_form = decline_form or forms.DeclineForm()
    context = {
        "assignment": assignment,
        "appeal": assignment.appeal,
        "clauses": selectors.contested_clauses(assignment.appeal),
        "attachments": list(assignment.appeal.attachments.all()),
        "decision_form": decision_form,
        "decline_form": decline_form,
        **case_page_context(request, assignment.appeal),
        "user_is_moderator": False,  # the reviewer reads the comments here; moderation is on the public page
    }
    return render(
        request, "appeals/review.html", context, status=400 if decision_form.errors or decline_form.errors else 200
    )


@require_POST
@login_required
def accept(request, pk: int):
    assignment = _own_assignment(request, pk)
    if act_and_tell(request, ConfirmForm(request.POST), services.accept_assignment, assignment=assignment):
        messages.success(request, f"You accepted appeal {assignment.appeal.public_id}.")
    return redirect("review", pk)


@require_POST
@login_required
def decline(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = forms.DeclineForm(request.POST)
    if form.is_valid():
        run_service(form, services.decline_assignment, assignment=assignment, by=request.user, **form.arguments())
    if form.errors:
        return review(request, pk, decline_form=form)
    messages.success(request, f"You declined appeal {assignment.appeal.public_id}. It goes to someone else.")
    return redirect("reviewer-home")


@require_POST
@login_required
def decide(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = forms.DecisionForm(request.POST, appeal=assignment.appeal)
    show_form = partial(review, request, pk, decision_form=form)
    check = check_answers(request, form, show_form=show_form, **_decision_check_page(assignment.appeal))
    if check:
        return check
    decision = run_service(form, services.decide_appeal, assignment=assignment, by=request.user, **form.arguments())
    if form.errors:
        return show_form()
    return _after_deciding(request, assignment.appeal, decision)


def _decision_check_page(appeal: Appeal) -> dict[str, str]:
    return {
        "title": f"Check your {'vote' if appeal.significant else 'decision'} on {appeal.public_id}",
        "button": "Cast your vote" if appeal.significant else "Publish the decision",
        "warning": "A decision is published at once and never edited; a mistake is fixed by a public correction.",
    }


def _after_deciding(request, appeal: Appeal, decision: Decision | None):
    """A panel's vote waits for the others (no decision yet); a single reviewer's decision is public at once."""
    if decision:
        messages.success(request, f"Appeal {appeal.public_id} is decided: {decision.get_outcome_display()}.")
        return redirect(appeal)
    messages.success(request, "Your vote is recorded. The decision follows when the whole panel has voted.")
    return redirect("reviewer-home")


@login_required
def correct_decision(request, pk: int):
    decision = get_object_or_404(selectors.decisions_for_pages().prefetch_related("cites"), pk=pk)
    if not decision.can_be_corrected_by(request.user):
        raise PermissionDenied("Only a moderator or a reviewer who decided this appeal can correct the decision.")
    form = forms.CorrectionForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        arguments = {"decision": decision, "by": request.user, **form.arguments()}
        if correction := run_service(form, services.correct_decision, **arguments):
            messages.success(request, "The correction is published; the original stays visible.")
            return redirect(correction.get_absolute_url())
    context = {"decision": decision, "form": form}
    return render(request, "appeals/correct.html", context, status=400 if form.errors else 200)
