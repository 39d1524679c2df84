from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Organization, ReviewerProfile
from appeals import forms, selectors, services
from appeals.models import (
    AISystem,
    Appeal,
    Assignment,
    Decision,
    OrganizationResponse,
    Vote,
)
from consultation.models import Clause, Guideline, GuidelineVersion
from core.ids import parse_id
from core.ratelimit import EXPORT_LIMIT_MESSAGE, too_many_exports
from core.streaming import csv_response

DECISIONS_PER_PAGE = 20


# Helpers -----------------------------------------------------------------------------------------


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, the rest at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _appeal_or_404(public_id: str, queryset=None) -> Appeal:
    queryset = queryset if queryset is not None else Appeal.objects.all()
    return get_object_or_404(
        queryset.select_related("refusal__system__organization", "guideline__organization", "version"),
        public_id=public_id,
    )


def _moderator_only(request) -> None:
    if not permissions.is_moderator(request.user):
        raise PermissionDenied("Only moderators can screen and route appeals.")


def _contested_clauses(appeal: Appeal) -> list[Clause]:
    """The contested clauses' text as it was in the version in force at the refusal."""
    clauses = {c.key: c for c in Clause.objects.filter(version=appeal.version_id, key__in=appeal.clause_keys)}
    return [clauses[key] for key in appeal.clause_keys if key in clauses]


def clause_url(appeal: Appeal, key: str) -> str:
    guideline = appeal.guideline
    return f"/guidelines/{guideline.organization.slug}/{guideline.slug}/v{appeal.version.number}/#{key}"


def _decisions_with_detail(appeal: Appeal) -> list[Decision]:
    votes = Vote.objects.select_related("assignment__reviewer").order_by("cast_at", "pk")
    return list(
        appeal.decisions.annotate(corrected=Exists(Decision.objects.filter(supersedes=OuterRef("pk"))))
        .select_related("supersedes")
        .prefetch_related(
            Prefetch("votes", queryset=votes),
            Prefetch("responses", queryset=OrganizationResponse.objects.order_by("responded_at", "pk")),
            Prefetch("cited_decisions", queryset=Decision.objects.select_related("appeal")),
        )
        .order_by("decided_at", "pk")
    )


# Filing ------------------------------------------------------------------------------------------


def file_appeal(request):
    """A guided form in steps carried by GET parameters: organization, then system, then the appeal itself."""
    organizations = (
        Organization.objects.filter(
            ai_systems__isnull=False,
            guidelines__versions__status__in=[
                GuidelineVersion.CONSULTATION,
                GuidelineVersion.FINAL,
                GuidelineVersion.SUPERSEDED,
            ],
        )
        .distinct()
        .order_by("name")
    )
    organization = organizations.filter(slug=request.GET.get("organization", "")).first()
    context = {"organizations": organizations, "organization": organization, "step": 1}
    if organization is None:
        return render(request, "appeals/file_appeal.html", context)

    systems = list(AISystem.objects.filter(organization=organization).order_by("name"))
    guidelines = list(
        Guideline.objects.filter(
            organization=organization, versions__in=GuidelineVersion.objects.published_for(organization)
        )
        .distinct()
        .order_by("title")
    )
    system = next((s for s in systems if s.slug == request.GET.get("system")), None)
    guideline = next((g for g in guidelines if g.slug == request.GET.get("guideline")), None)
    if guideline is None and len(guidelines) == 1:
        guideline = guidelines[0]
    context.update(systems=systems, guidelines=guidelines, system=system, guideline=guideline, step=2)
    if system is None or guideline is None:
        return render(request, "appeals/file_appeal.html", context)

    # The rules the AI applies now: a draft in consultation is not yet in force.
    version = services.version_in_force(guideline=guideline, at=timezone.now())
    clauses = list(version.clauses.order_by("position", "pk")) if version else []
    context.update(step=3, version=version, clauses=clauses)
    if not permissions.is_citizen(request.user):
        context["must_sign_in"] = True
        return render(request, "appeals/file_appeal.html", context)

    form = forms.AppealForm(request.POST or None, request.FILES or None, clauses=clauses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.file_appeal(
                appellant=request.user,
                system=system,
                guideline=guideline,
                happened_at=data["happened_at"],
                prompt_excerpt=data["prompt_excerpt"],
                refusal_excerpt=data["refusal_excerpt"],
                conversation_url=data["conversation_url"],
                language=data["language"],
                clause_keys=data["clause_keys"],
                grounds=data["grounds"],
                requested_outcome=data["requested_outcome"],
                show_name=data["show_name"],
                attachments=data["attachments"],
                allow_duplicate=data["confirm_duplicate"],
            )
        except ValidationError as error:
            context["duplicate"] = hasattr(error, "error_dict") and "duplicate" in error.message_dict
            _apply_errors(form, error)
        else:
            return redirect("appeal-filed", appeal.public_id)
    context["form"] = form
    return render(request, "appeals/file_appeal.html", context, status=400 if form.errors else 200)


@login_required
def appeal_filed(request, public_id: str):
    appeal = _appeal_or_404(public_id)
    if appeal.appellant_id != request.user.pk:
        return redirect(appeal)
    return render(request, "appeals/appeal_filed.html", {"appeal": appeal})


@login_required
def my_appeals(request):
    appeals = Appeal.objects.filter(appellant=request.user).select_related("refusal__system").order_by("-filed_at")
    return render(request, "appeals/my_appeals.html", {"appeals": appeals[:200]})


@require_POST
@login_required
def withdraw_appeal(request, public_id: str):
    appeal = _appeal_or_404(public_id)
    try:
        services.withdraw_appeal(appeal=appeal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Appeal {appeal.public_id} is withdrawn.")
    return redirect(appeal)


# Public ------------------------------------------------------------------------------------------


def appeal_detail(request, public_id: str):
    appeal = _appeal_or_404(public_id)
    private = appeal.can_see_private(request.user)
    attachments = [a for a in appeal.attachments.all() if private or (a.public and appeal.is_screened)]
    clauses = _contested_clauses(appeal)
    context = {
        "appeal": appeal,
        "private": private,
        "attachments": attachments,
        "clauses": [(clause, clause_url(appeal, clause.key)) for clause in clauses],
        "events": list(appeal.events.all()),
        "decisions": _decisions_with_detail(appeal),
        "can_respond": permissions.can_publish_for(request.user, appeal.guideline.organization),
        "is_appellant": request.user.is_authenticated and request.user.pk == appeal.appellant_id,
    }
    return render(request, "appeals/appeal_detail.html", context)


def attachment(request, public_id: str, pk: int):
    appeal = _appeal_or_404(public_id)
    item = get_object_or_404(appeal.attachments, pk=pk)
    if not item.can_be_seen_by(request.user):
        raise Http404("No such attachment.")
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{appeal.public_id}-{item.pk}.{item.file.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not item.public else "public, max-age=300"
    return response


def decisions(request):
    form = forms.DecisionSearchForm(request.GET or None)
    found = form.search()
    before = request.GET.get("before", "")
    if before:
        last = parse_id(before)
        if last is None:
            raise Http404("No such page of decisions.")
        found = found.filter(pk__lt=last)
    page = list(found[: DECISIONS_PER_PAGE + 1])
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "decisions": page[:DECISIONS_PER_PAGE],
        "older": page[DECISIONS_PER_PAGE - 1].pk if len(page) > DECISIONS_PER_PAGE else None,
        "query": query.urlencode(),
        "is_publisher": request.user.is_authenticated and permissions.publisher_organizations(request.user).exists(),
    }
    return render(request, "appeals/decisions.html", context)


def decisions_export(request):
    """The whole decision database (with the same filters) as CSV, streamed row by row."""
    if too_many_exports(request):
        return HttpResponse(EXPORT_LIMIT_MESSAGE, status=429, content_type="text/plain; charset=utf-8")
    form = forms.DecisionSearchForm(request.GET or None)
    found = form.search()
    if form.errors:
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    header = ["decision", "appeal", "organization", "system", "outcome", "cited_clauses", "decided_at", "supersedes"]
    rows = (
        [
            d.pk,
            d.appeal.public_id,
            d.organization.slug,
            d.system.slug,
            d.outcome,
            " ".join(d.cited_clause_keys),
            d.decided_at.isoformat(),
            d.supersedes_id or "",
        ]
        for d in found.iterator(chunk_size=500)
    )
    return csv_response(header=header, rows=rows, filename="decisions.csv")


# Moderation --------------------------------------------------------------------------------------


@login_required
def moderation_queue(request):
    _moderator_only(request)
    context = {
        "to_screen": list(selectors.moderator_queue()[:200]),
        "in_routing": list(selectors.appeals_in_routing()[:200]),
    }
    return render(request, "appeals/moderation_queue.html", context)


@login_required
def screen_appeal(request, public_id: str):
    _moderator_only(request)
    appeal = _appeal_or_404(public_id)
    attachments = list(appeal.attachments.all())
    refusal = appeal.refusal
    context = {
        "appeal": appeal,
        "attachments": attachments,
        "clauses": _contested_clauses(appeal),
        "assignments": list(appeal.assignments.select_related("reviewer").order_by("offered_at", "pk")),
        "redact_form": forms.RedactForm(
            initial={
                "public_prompt_excerpt": refusal.public_prompt_excerpt,
                "public_refusal_excerpt": refusal.public_refusal_excerpt,
                "public_grounds": appeal.public_grounds,
                "public_attachments": [str(a.pk) for a in attachments if a.public],
            },
            attachments=attachments,
        ),
        "admit_form": forms.AdmitForm(),
        "inadmissible_form": forms.InadmissibleForm(),
        "route_form": forms.RouteForm(reviewers=_eligible(appeal)),
    }
    return render(request, "appeals/screen_appeal.html", context)


def _eligible(appeal: Appeal) -> list[ReviewerProfile]:
    if appeal.status not in (Appeal.AWAITING_REVIEW, Appeal.IN_REVIEW):
        return []
    return sorted(services.eligible_reviewers(appeal), key=lambda r: r.handle)


def _screening_action(request, public_id: str, act) -> object:
    """Run one screening action; on a refusal re-show the page with the errors next to the fields."""
    _moderator_only(request)
    appeal = _appeal_or_404(public_id)
    try:
        act(appeal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("screen-appeal", appeal.public_id)


@require_POST
@login_required
def start_screening(request, public_id: str):
    def act(appeal):
        services.start_screening(appeal=appeal, moderator=request.user)
        messages.success(request, "You are screening this appeal.")

    return _screening_action(request, public_id, act)


@require_POST
@login_required
def redact(request, public_id: str):
    def act(appeal):
        form = forms.RedactForm(request.POST, attachments=appeal.attachments.all())
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        services.redact_refusal(
            appeal=appeal,
            moderator=request.user,
            public_prompt_excerpt=form.cleaned_data["public_prompt_excerpt"],
            public_refusal_excerpt=form.cleaned_data["public_refusal_excerpt"],
            public_grounds=form.cleaned_data["public_grounds"],
            public_attachment_ids=[int(pk) for pk in form.cleaned_data["public_attachments"]],
        )
        messages.success(request, "The public excerpts and grounds are saved.")

    return _screening_action(request, public_id, act)


@require_POST
@login_required
def admit(request, public_id: str):
    def act(appeal):
        form = forms.AdmitForm(request.POST)
        form.is_valid()
        services.admit_appeal(appeal=appeal, moderator=request.user, significant=form.cleaned_data["significant"])
        messages.success(request, f"Appeal {appeal.public_id} is admitted and is being routed to reviewers.")

    return _screening_action(request, public_id, act)


@require_POST
@login_required
def inadmissible(request, public_id: str):
    def act(appeal):
        form = forms.InadmissibleForm(request.POST)
        if not form.is_valid():
            raise ValidationError("Choose a reason and write a public note.")
        services.declare_inadmissible(appeal=appeal, moderator=request.user, **form.cleaned_data)
        messages.success(request, f"Appeal {appeal.public_id} is declared inadmissible.")

    return _screening_action(request, public_id, act)


@require_POST
@login_required
def route_by_hand(request, public_id: str):
    def act(appeal):
        reviewer = ReviewerProfile.objects.filter(pk=parse_id(request.POST.get("reviewer", ""))).first()
        if reviewer is None:
            raise ValidationError("Choose a reviewer from the list.")
        services.assign_reviewer_by_hand(appeal=appeal, reviewer=reviewer, moderator=request.user)
        messages.success(request, f"Offered to {reviewer.handle}.")

    return _screening_action(request, public_id, act)


# Reviewing ---------------------------------------------------------------------------------------


def _reviewer_or_403(request) -> ReviewerProfile:
    profile = ReviewerProfile.objects.filter(user=request.user, active=True).first()
    if profile is None or not permissions.is_reviewer(request.user):
        raise PermissionDenied("Only reviewers can review appeals.")
    return profile


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


def _own_assignment(request, pk: int) -> Assignment:
    profile = _reviewer_or_403(request)
    queryset = Assignment.objects.select_related(
        "appeal__refusal__system__organization", "appeal__guideline__organization", "appeal__version", "reviewer"
    )
    assignment = get_object_or_404(queryset, pk=pk)
    if assignment.reviewer_id != profile.pk or assignment.status not in Assignment.SEEN_STATUSES:
        # Not theirs (or no longer: declined or expired): they must not even learn that it exists.
        raise Http404("No such assignment.")
    return assignment


@login_required
def review(request, pk: int, decision_form=None, decline_form=None):
    assignment = _own_assignment(request, pk)
    appeal = assignment.appeal
    clauses = list(Clause.objects.filter(version=appeal.version_id).order_by("position", "pk"))
    earlier = selectors.earlier_decisions(appeal)
    context = {
        "assignment": assignment,
        "appeal": appeal,
        "clauses": _contested_clauses(appeal),
        "earlier": earlier,
        "attachments": list(appeal.attachments.all()),
        "decision_form": decision_form or forms.DecisionForm(clauses=clauses, decisions=earlier),
        "decline_form": decline_form or forms.DeclineForm(),
    }
    status = 400 if (decision_form and decision_form.errors) or (decline_form and decline_form.errors) else 200
    return render(request, "appeals/review.html", context, status=status)


@require_POST
@login_required
def accept(request, pk: int):
    assignment = _own_assignment(request, pk)
    try:
        services.accept_assignment(assignment=assignment, reviewer_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You accepted appeal {assignment.appeal.public_id}.")
    return redirect("review", pk)


@require_POST
@login_required
def decline(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = forms.DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_assignment(
                assignment=assignment, reviewer_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"You declined appeal {assignment.appeal.public_id}. It goes to someone else.")
            return redirect("reviewer-home")
    return review(request, pk, decline_form=form)


@require_POST
@login_required
def decide(request, pk: int):
    assignment = _own_assignment(request, pk)
    appeal = assignment.appeal
    clauses = list(Clause.objects.filter(version=appeal.version_id).order_by("position", "pk"))
    form = forms.DecisionForm(request.POST, clauses=clauses, decisions=selectors.earlier_decisions(appeal))
    if form.is_valid():
        try:
            decision = services.decide_appeal(assignment=assignment, reviewer_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if decision:
                messages.success(request, f"Appeal {appeal.public_id} is decided: {decision.get_outcome_display()}.")
                return redirect(appeal)
            messages.success(request, "Your vote is recorded. The decision follows when the whole panel has voted.")
            return redirect("reviewer-home")
    return review(request, pk, decision_form=form)


# Decisions: responses and corrections ------------------------------------------------------------


def _decision_or_404(pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("appeal__guideline__organization", "appeal__version", "organization"), pk=pk
    )


@login_required
def respond_to_decision(request, pk: int):
    decision = _decision_or_404(pk)
    if not permissions.can_publish_for(request.user, decision.organization):
        raise PermissionDenied("Only the organization's publishers can respond to its decisions.")
    form = forms.ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.respond_to_decision(decision=decision, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The organization's response is published.")
            return redirect(decision.get_absolute_url())
    context = {"decision": decision, "form": form, "responses": list(decision.responses.all())}
    return render(request, "appeals/respond.html", context, status=400 if form.errors else 200)


@login_required
def decisions_to_answer(request):
    """A publisher's decisions on their organizations' appeals, those not yet answered first."""
    organizations = permissions.publisher_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied("Only publishers answer decisions, for their own organization.")
    answered = Exists(OrganizationResponse.objects.filter(decision=OuterRef("pk")))
    found = (
        selectors.public_decisions()
        .filter(organization__in=organizations, superseded_by__isnull=True)
        .annotate(answered=answered)
        .order_by("answered", "-pk")[:200]
    )
    return render(request, "appeals/decisions_to_answer.html", {"decisions": list(found)})


@login_required
def correct_decision(request, pk: int):
    decision = _decision_or_404(pk)
    appeal = decision.appeal
    on_panel = appeal.assignments.filter(reviewer__user=request.user, status=Assignment.COMPLETED).exists()
    if not (permissions.is_moderator(request.user) or on_panel):
        raise PermissionDenied("Only a moderator or a reviewer who decided this appeal can correct the decision.")
    clauses = list(Clause.objects.filter(version=appeal.version_id).order_by("position", "pk"))
    earlier = selectors.earlier_decisions(appeal)
    initial = {
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "cited_clause_keys": decision.cited_clause_keys,
    }
    form = forms.CorrectionForm(request.POST or None, initial=initial, clauses=clauses, decisions=earlier)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.correct_decision(decision=decision, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The correction is published; the original stays visible.")
            return redirect(correction.get_absolute_url())
    return render(
        request, "appeals/correct.html", {"decision": decision, "form": form}, status=400 if form.errors else 200
    )
