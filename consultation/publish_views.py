"""Publisher pages: guidelines, drafts, clauses, comment periods, responses and final versions."""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import can_publish_for, publisher_organizations
from consultation import selectors
from consultation.forms import (
    AddClauseForm,
    ClauseForm,
    ExtensionForm,
    FinalForm,
    GuidelineForm,
    ImportForm,
    MoveClauseForm,
    PeriodForm,
    ResponseForm,
)
from consultation.models import Clause, Guideline, GuidelineVersion, Response
from consultation.pressure import clause_pressure
from consultation.services import closing, drafting, periods
from consultation.services.closeout import closeout_refusals
from core.forms import REFUSED, ConfirmForm, check_answers, first_error, run_service

RESPONSES_PER_PAGE = 200


def _publisher_guideline(request, org: str, slug: str) -> Guideline:
    """Someone else's unpublished guideline is answered like a missing one; a public one refuses outsiders."""
    guideline = selectors.visible_guideline(request.user, org=org, slug=slug)
    if not can_publish_for(request.user, guideline.organization):
        raise PermissionDenied(f"Only publishers of {guideline.organization.name} may manage this guideline.")
    return guideline


def _publisher_version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    guideline = _publisher_guideline(request, org, slug)
    return get_object_or_404(
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on"),
        guideline=guideline,
        number=number,
    )


def _manage_url(version: GuidelineVersion) -> str:
    g = version.guideline
    return reverse("publish-version", args=[g.organization.slug, g.slug, version.number])


@login_required
def publish_home(request):
    organizations = publisher_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied("This page is for publishers of an organization.")
    form = GuidelineForm(request.POST or None, organizations=organizations)
    if form.is_valid():
        guideline = run_service(form, drafting.create_guideline, shown=REFUSED, **form.cleaned_data, by=request.user)
        if guideline:
            messages.success(request, f"{guideline.title} is created. Start its first draft below.")
            return redirect("publish-guideline", guideline.organization.slug, guideline.slug)
    guidelines = Guideline.objects.filter(organization__in=organizations).select_related("organization")
    context = {"organizations": organizations, "guidelines": guidelines, "form": form}
    return render(request, "consultation/publish/home.html", context, status=400 if form.errors else 200)


@login_required
def publish_guideline(request, org: str, slug: str):
    guideline = _publisher_guideline(request, org, slug)
    versions = guideline.versions.select_related("comment_period").order_by("-number")
    return render(request, "consultation/publish/guideline.html", {"guideline": guideline, "versions": versions})


@require_POST
@login_required
def new_draft(request, org: str, slug: str):
    guideline = _publisher_guideline(request, org, slug)
    form = ConfirmForm(request.POST)
    form.is_valid()
    version = run_service(form, drafting.create_draft_version, shown=REFUSED, guideline=guideline, by=request.user)
    if version is None:
        messages.error(request, first_error(form))
        return redirect("publish-guideline", org, slug)
    messages.success(request, f"Draft version {version.number} is ready to edit.")
    return redirect(_manage_url(version))


@login_required
def import_draft(request, org: str, slug: str):
    guideline = _publisher_guideline(request, org, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        values = {key: form.cleaned_data[key] for key in ("markdown", "summary_of_changes")}
        version = run_service(
            form, drafting.import_draft_from_markdown, shown=REFUSED, guideline=guideline, **values, by=request.user
        )
        if version:
            messages.success(request, _imported(version))
            return redirect(_manage_url(version))
    context = {"guideline": guideline, "form": form}
    return render(request, "consultation/publish/import.html", context, status=400 if form.errors else 200)


def _imported(version: GuidelineVersion) -> str:
    n = version.clauses.count()
    imported = ngettext("Imported %(n)d clause into draft %(v)d.", "Imported %(n)d clauses into draft %(v)d.", n)
    return imported % {"n": n, "v": version.number}


@login_required
def publish_version(request, org: str, slug: str, number: int):
    return _version_page(request, _publisher_version(request, org, slug, number))


def _version_page(request, version: GuidelineVersion, refused: dict[str, forms.Form] | None = None):
    """The publisher's page of one version; after a refused action, that form's errors sit next to its fields."""
    page_forms = {"add": AddClauseForm(), "schedule": PeriodForm(), "extend": ExtensionForm(), **(refused or {})}
    context = {**_version_context(version), "forms": page_forms}
    refused_now = any(form.errors for form in (refused or {}).values())
    return render(request, "consultation/publish/version.html", context, status=400 if refused_now else 200)


def _version_context(version: GuidelineVersion) -> dict:
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on").get(
        pk=version.pk
    )
    return {
        "version": version,
        "guideline": version.guideline,
        "period": version.period,
        "clauses": list(version.clauses.all()),
        "answered": selectors.answered_counts(version),
        "can_publish_final": version.can_be_published_as_final,
        "min_days": settings.CONSULTATION_MIN_DAYS,
        "pressure": clause_pressure(version.guideline, version=version),
        **_suggestion_context(version),
    }


def _suggestion_context(version: GuidelineVersion) -> dict:
    """For a consultation: the suggestions still to decide; for a draft: accepted ones its text does not carry."""
    if version.status == GuidelineVersion.DRAFT:
        return {"unapplied": selectors.unapplied_adopted(version)}
    undecided = selectors.undecided_suggestions(version)
    return {
        "undecided": list(undecided[:RESPONSES_PER_PAGE]),
        "adopted": selectors.adopted_suggestions(version).exists(),
    }


def _act(request, version: GuidelineVersion, name: str, form: forms.Form, action, success: str):
    """Run one publisher action: on success go back to the version's page, on refusal show why next to the form."""
    if form.is_valid():
        run_service(form, action, shown=REFUSED, **form.cleaned_data, by=request.user)
    if form.errors:
        return _version_page(request, version, {name: form})
    messages.success(request, success)
    return redirect(_manage_url(version))


@require_POST
@login_required
def add_clause(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    form = AddClauseForm(request.POST)
    add = partial(drafting.add_clause, version=version)
    return _act(request, version, "add", form, add, f"Clause {form.data.get('key', '')} added.")


@login_required
def edit_clause(request, org: str, slug: str, number: int, key: str):
    version = _publisher_version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    initial = {"heading": clause.heading, "text": clause.text, "tags": ", ".join(clause.tags)}
    form = ClauseForm(request.POST or None, initial=initial)
    if form.is_valid():
        run_service(form, drafting.edit_clause, shown=REFUSED, clause=clause, **form.cleaned_data, by=request.user)
        if not form.errors:
            messages.success(request, f"Clause {clause.key} saved.")
            return redirect(_manage_url(version))
    pressure = clause_pressure(version.guideline, version=version)
    context = {"version": version, "guideline": version.guideline, "clause": clause, "form": form, "pressure": pressure}
    return render(request, "consultation/publish/clause_form.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def move_clause(request, org: str, slug: str, number: int, key: str):
    version = _publisher_version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    form = MoveClauseForm(request.POST)
    move = partial(drafting.reorder_clause, clause=clause)
    return _act(request, version, "move", form, move, f"Clause {key} moved {form.data.get('direction', '')}.")


@require_POST
@login_required
def remove_clause(request, org: str, slug: str, number: int, key: str):
    version = _publisher_version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    remove = partial(drafting.remove_clause, clause=clause)
    return _act(request, version, "remove", ConfirmForm(request.POST), remove, f"Clause {key} removed.")


@require_POST
@login_required
def schedule_period(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    form = PeriodForm(request.POST)
    check = check_answers(
        request,
        form,
        show_form=lambda: _version_page(request, version, {"schedule": form}),
        title=f"Check the comment period of version {version.number}",
        button="Schedule the comment period",
        warning="Once scheduled, this version is public and its text can no longer be changed.",
    )
    if check:
        return check
    schedule = partial(periods.schedule_comment_period, version=version)
    success = "The comment period is scheduled and the version is public."
    return _act(request, version, "schedule", form, schedule, success)


@require_POST
@login_required
def extend_period(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    if version.period is None:
        raise Http404("This version has no comment period.")
    extend = partial(periods.extend_comment_period, period=version.period)
    return _act(request, version, "extend", ExtensionForm(request.POST), extend, "The comment period is extended.")


@login_required
def responses(request, org: str, slug: str, number: int):
    """Unanswered comments, clause by clause, with a form for each and one for all of a clause."""
    version = _publisher_version(request, org, slug, number)
    groups, more = selectors.unanswered_by_clause(version, RESPONSES_PER_PAGE)
    period = version.period
    context = {
        "version": version,
        "period": period,
        # The forms only where the services would take them: answers come after the period has closed.
        "answerable": period is not None and period.is_closed,
        "guideline": version.guideline,
        "groups": groups,
        "more": more,
        "answered": selectors.answered_counts(version),
        "dispositions": Response.DISPOSITION_CHOICES,
    }
    return render(request, "consultation/publish/responses.html", context)


@require_POST
@login_required
def respond(request, org: str, slug: str, number: int):
    """Answer one comment, every unanswered comment of a cluster, or every unanswered comment on a clause at once."""
    version = _publisher_version(request, org, slug, number)
    form = ResponseForm(request.POST, version=version)
    if form.is_valid():
        count = run_service(form, _respond, shown=REFUSED, version=version, by=request.user, **form.cleaned_data)
    if form.errors:
        messages.error(request, first_error(form))
    else:
        on = ngettext("Response published on %(n)d comment.", "Response published on %(n)d comments.", count or 0)
        messages.success(request, "Response published." if count is None else on % {"n": count})
    return redirect("publish-responses", org, slug, number)


def _respond(*, version: GuidelineVersion, comment, cluster, clause, disposition: str, text: str, by) -> int | None:
    if comment is not None:
        closing.respond_to_comment(comment=comment, disposition=disposition, text=text, by=by)
        return None
    if cluster is not None:
        return closing.respond_to_cluster(cluster=cluster, disposition=disposition, text=text, by=by)
    return closing.respond_to_clause_comments(version=version, clause=clause, disposition=disposition, text=text, by=by)


@login_required
def publish_final(request, org: str, slug: str, number: int):
    version, consultation = _final_draft(request, org, slug, number)
    kinds = selectors.clause_kinds(consultation, version)
    form = FinalForm(request.POST or None, keys=list(kinds))
    page = partial(_final_page, request, version, form, kinds)
    if request.method == "GET":
        return page()
    if refusals := closeout_refusals(consultation):  # said before the check page, not after it
        form.is_valid()
        for refusal in refusals:
            form.add_error(None, refusal)
        return page()
    check = check_answers(request, form, show_form=page, **form.check_page(version))
    if check:
        return check
    if run_service(
        form, closing.publish_final_version, shown=REFUSED, version=version, **form.arguments(), by=request.user
    ):
        messages.success(request, f"Version {version.number} is published as final.")
        return redirect(version.get_absolute_url())
    return page()


def _final_draft(request, org: str, slug: str, number: int) -> tuple[GuidelineVersion, GuidelineVersion]:
    """The draft and the consulted version it follows."""
    version = _publisher_version(request, org, slug, number)
    if version.is_public or version.based_on is None:
        raise Http404("Only a draft that follows a consultation is published as final.")
    return version, version.based_on


def _final_page(request, version: GuidelineVersion, form: FinalForm, kinds: dict[str, str]):
    context = {
        "version": version,
        "guideline": version.guideline,
        "consultation": version.based_on,
        "clauses": form.clause_fields(kinds),
        "form": form,
        "pressure": clause_pressure(version.guideline, version=version),
        "unanswered": closeout_refusals(version.based_on) if version.based_on else [],
    }
    return render(request, "consultation/publish/final_form.html", context, status=400 if form.errors else 200)
