"""Suggested wording pages: a clause's suggestions and the form to suggest, one suggestion with its stances and
decision, and the publisher's next draft from the accepted ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import can_publish_for
from consultation import selectors
from consultation.models import Clause, GuidelineVersion, Suggestion, SuggestionDecision
from consultation.services import suggested_drafts, suggestions
from consultation.suggestion_forms import DecisionForm, StanceForm, SuggestedDraftForm, SuggestionForm
from core.forms import REFUSED, check_answers, first_error, run_service
from core.proxies import client_address

STANCE_DONE = {"support": "You support this suggestion.", "oppose": "You oppose this suggestion.", "none": ""}


def _version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    return selectors.visible_version(request.user, org=org, slug=slug, number=number)


def _publisher_version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    version = _version(request, org, slug, number)
    organization = version.guideline.organization
    if not can_publish_for(request.user, organization):
        raise PermissionDenied(f"Only publishers of {organization.name} may manage this guideline.")
    return version


def _context(request, version: GuidelineVersion, **extra) -> dict:
    return {
        "version": version,
        "guideline": version.guideline,
        "base": version.get_absolute_url(),
        "can_suggest": version.is_open_for_comment and selectors.can_take_part(request.user),
        "kinds": Suggestion.KIND_CHOICES,
        "outcomes": SuggestionDecision.OUTCOME_CHOICES,
        **extra,
    }


def clause_suggestions(request, org: str, slug: str, number: int, key: str):
    """Every suggestion on one clause, the most supported first, and the form to suggest wording while open."""
    version = _version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    form = SuggestionForm(request.POST or None, auto_id="suggest-%s")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        made = None
        if form.is_valid():
            made = run_service(
                form,
                suggestions.make_suggestion,
                shown=REFUSED,
                version=version,
                clause=clause,
                **form.cleaned_data,
                ip=client_address(request),
                by=request.user,
            )
        if made:
            messages.success(request, "Your suggestion is published.")
            return redirect(made.get_absolute_url())
    found = list(selectors.suggestions_for_display(version).filter(clause=clause).order_by("-supporters", "pk"))
    context = _context(request, version, clause=clause, suggestions=found, form=form)
    return render(request, "consultation/clause_suggestions.html", context, status=400 if form.errors else 200)


def suggestion_detail(request, org: str, slug: str, number: int, pk: int, decision_form: DecisionForm | None = None):
    version = _version(request, org, slug, number)
    suggestion = get_object_or_404(selectors.suggestions_for_display(version), pk=pk)
    period = version.period
    context = _context(
        request,
        version,
        suggestion=suggestion,
        decision=selectors.decision_of(suggestion),
        stance=selectors.stances_of(request.user, [suggestion]).get(suggestion.pk, ""),
        can_decide=period is not None
        and period.is_closed
        and can_publish_for(request.user, version.guideline.organization),
        decision_form=decision_form or DecisionForm(),
    )
    status = 400 if decision_form is not None and decision_form.errors else 200
    return render(request, "consultation/suggestion_detail.html", context, status=status)


@require_POST
@login_required
def take_stance(request, org: str, slug: str, number: int, pk: int):
    version = _version(request, org, slug, number)
    suggestion = get_object_or_404(Suggestion.objects.select_related("version"), version=version, pk=pk)
    form = StanceForm(request.POST)
    if form.is_valid():
        run_service(
            form, suggestions.take_stance, shown=REFUSED, suggestion=suggestion, **form.arguments(), by=request.user
        )
    if form.errors:
        messages.error(request, first_error(form))
    elif STANCE_DONE[form.cleaned_data["stance"]]:
        messages.success(request, STANCE_DONE[form.cleaned_data["stance"]])
    else:
        messages.success(request, "Your stance is withdrawn.")
    return redirect(suggestion.get_absolute_url())


@require_POST
@login_required
def decide(request, org: str, slug: str, number: int, pk: int):
    version = _version(request, org, slug, number)
    suggestion = get_object_or_404(Suggestion, version=version, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        run_service(
            form,
            suggestions.decide_suggestion,
            suggestion=suggestion,
            **form.arguments(),
            by=request.user,
        )
    if form.errors:
        return suggestion_detail(request, org, slug, number, pk, decision_form=form)
    messages.success(request, "Your decision is published; the author and the supporters are told.")
    return redirect(suggestion.get_absolute_url())


@login_required
def start_suggested_draft(request, org: str, slug: str, number: int):
    """The publisher starts the next draft from the accepted suggestions, after checking what it will hold."""
    version = _publisher_version(request, org, slug, number)
    form = SuggestedDraftForm(request.POST or None)

    def page():
        adopted = list(selectors.adopted_suggestions(version))
        context = {"version": version, "guideline": version.guideline, "form": form, "adopted": adopted}
        return render(request, "consultation/publish/suggested_draft.html", context, status=400 if form.errors else 200)

    if request.method == "GET":
        return page()
    check = check_answers(
        request,
        form,
        show_form=page,
        title=f"Check the next draft from the accepted suggestions of version {version.number}",
        button="Start the next draft",
        warning="The new draft takes the accepted wording. You can still edit it before you publish it.",
    )
    if check:
        return check
    started = run_service(
        form,
        suggested_drafts.start_draft_from_accepted_suggestions,
        shown=REFUSED,
        version=version,
        **form.cleaned_data,
        by=request.user,
    )
    if started is None:
        return page()
    messages.success(request, _started_message(started))
    g = version.guideline
    return redirect(reverse("publish-version", args=[g.organization.slug, g.slug, started.version.number]))


def _started_message(started: suggested_drafts.SuggestedDraft) -> str:
    told = (
        f"Draft version {started.version.number} is started with {len(started.applied)} accepted suggestion(s) applied."
    )
    if started.conflicts:
        left = "; ".join(
            f"suggestion {left.pk} on {left.clause.key} (suggestion {applied.pk} had more support)"
            for left, applied in started.conflicts
        )
        told += f" Not applied, because another changed the same clause: {left}. Edit the draft to settle them."
    return told
