"""Publishers' pages: the decisions on their organization's appeals and the recommendations made to it, and
answering them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from appeals import forms, selectors, services
from core.forms import run_service


@login_required
def decisions_to_answer(request):
    """A publisher's decisions on their organizations' appeals, those not yet answered first."""
    organizations = permissions.publisher_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied("Only publishers answer decisions, for their own organization.")
    context = {
        "organizations": list(organizations),
        "decisions": selectors.decisions_to_answer(organizations),
        "recommendations": selectors.recommendations_to_answer(organizations),
    }
    return render(request, "appeals/decisions_to_answer.html", context)


@login_required
def respond_to_decision(request, pk: int):
    decision = get_object_or_404(selectors.decisions_for_pages(), pk=pk)
    if not permissions.can_publish_for(request.user, decision.organization):
        raise PermissionDenied("Only the organization's publishers can respond to its decisions.")
    form = forms.ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = {"decision": decision, "by": request.user, **form.arguments()}
        if run_service(form, services.respond_to_decision, **arguments):
            messages.success(request, "The organization's response is published.")
            return redirect(decision.get_absolute_url())
    context = {"decision": decision, "form": form, "responses": list(decision.responses.all())}
    return render(request, "appeals/respond.html", context, status=400 if form.errors else 200)


@login_required
def answer_recommendation(request, pk: int):
    recommendation = get_object_or_404(selectors.recommendations_with_steps().select_related("decision__appeal"), pk=pk)
    if not recommendation.can_be_answered_by(request.user):
        raise PermissionDenied("Only the organization's publishers can answer its recommendations.")
    data = request.POST if request.method == "POST" else None
    form = forms.AnswerRecommendationForm(data, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        arguments = {"recommendation": recommendation, "by": request.user, **form.arguments()}
        if step := run_service(form, services.answer_recommendation, **arguments):
            messages.success(request, f"Your answer is published: {step.get_kind_display().lower()}.")
            return redirect(recommendation.get_absolute_url())
    context = {"recommendation": recommendation, "form": form}
    return render(request, "appeals/answer_recommendation.html", context, status=400 if form.errors else 200)
