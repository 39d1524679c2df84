"""Publisher pages: guidelines, drafts, clauses, comment periods, responses and final versions."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from accounts.permissions import can_publish_for, publisher_organizations
from consultation import selectors, services
from consultation.models import Clause, Comment, Guideline, GuidelineVersion, Response
from consultation.views import error_messages, first_message
from core.ids import parse_id

RESPONSES_PER_PAGE = 200


def _publisher_guideline(request, org: str, slug: str) -> Guideline:
    guideline = get_object_or_404(Guideline.objects.select_related("organization"), organization__slug=org, slug=slug)
    if not can_publish_for(request.user, guideline.organization):
        raise PermissionDenied(f"Only publishers of {guideline.organization.name} may manage this guideline.")
    return guideline


def _publisher_version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    guideline = _publisher_guideline(request, org, slug)
    version = get_object_or_404(
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on"),
        guideline=guideline,
        number=number,
    )
    return version


def _manage_url(version: GuidelineVersion) -> str:
    g = version.guideline
    return reverse("publish-version", args=[g.organization.slug, g.slug, version.number])


def parse_when(value: str, *, field: str) -> datetime | None:
    """A date-time from a form or the API; naive values are read in the site's time zone (UTC)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({field: "Give a date and time such as 2026-12-01 09:00."})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def publish_home(request):
    organizations = list(publisher_organizations(request.user))
    if not organizations:
        raise PermissionDenied("This page is for publishers of an organization.")
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        organization = next((o for o in organizations if o.slug == request.POST.get("organization")), None)
        try:
            if organization is None:
                raise ValidationError({"organization": "Choose one of your organizations."})
            guideline = services.create_guideline(
                actor=request.user,
                organization=organization,
                slug=request.POST.get("slug", ""),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
        else:
            messages.success(request, f"{guideline.title} is created. Start its first draft below.")
            return redirect("publish-guideline", guideline.organization.slug, guideline.slug)
    guidelines = Guideline.objects.filter(organization__in=organizations).select_related("organization")
    context = {"organizations": organizations, "guidelines": guidelines, "errors": errors, "values": values}
    return render(request, "consultation/publish/home.html", context, status=400 if errors else 200)


@login_required
def publish_guideline(request, org: str, slug: str):
    guideline = _publisher_guideline(request, org, slug)
    versions = guideline.versions.select_related("comment_period").order_by("-number")
    return render(request, "consultation/publish/guideline.html", {"guideline": guideline, "versions": versions})


@require_POST
@login_required
def new_draft(request, org: str, slug: str):
    guideline = _publisher_guideline(request, org, slug)
    try:
        version = services.create_draft_version(actor=request.user, guideline=guideline)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, first_message(error))
        return redirect("publish-guideline", org, slug)
    messages.success(request, f"Draft version {version.number} is ready to edit.")
    return redirect(_manage_url(version))


@login_required
def import_draft(request, org: str, slug: str):
    guideline = _publisher_guideline(request, org, slug)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        markdown = request.POST.get("markdown", "")
        upload = request.FILES.get("file")
        if upload:
            if upload.size > services.MAX_IMPORT_CHARS:
                errors = {"markdown": ["The file is too large."]}
            else:
                markdown = upload.read().decode("utf-8", errors="replace")
        if not errors:
            try:
                version = services.import_draft_from_markdown(
                    actor=request.user,
                    guideline=guideline,
                    markdown=markdown,
                    summary_of_changes=request.POST.get("summary_of_changes", ""),
                )
            except (ValidationError, PermissionDenied) as error:
                errors = error_messages(error)
            else:
                messages.success(request, f"Imported {version.clauses.count()} clauses into draft {version.number}.")
                return redirect(_manage_url(version))
    context = {"guideline": guideline, "errors": errors, "values": values}
    return render(request, "consultation/publish/import.html", context, status=400 if errors else 200)


@login_required
def publish_version(request, org: str, slug: str, number: int):
    return _version_page(request, _publisher_version(request, org, slug, number))


def _version_page(request, version: GuidelineVersion, *, form: str = "", errors: dict | None = None):
    """The publisher's page of one version; after a refused action, that form's errors sit next to its fields."""
    version = GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on").get(
        pk=version.pk
    )
    based_on = version.based_on
    context = {
        "version": version,
        "guideline": version.guideline,
        "period": version.period,
        "clauses": list(version.clauses.all()),
        "answered": selectors.answered_counts(version),
        "can_publish_final": version.status == GuidelineVersion.DRAFT
        and based_on is not None
        and based_on.status == GuidelineVersion.CONSULTATION
        and based_on.period is not None
        and based_on.period.is_closed,
        "min_days": settings.CONSULTATION_MIN_DAYS,
        "errors": {form: errors} if errors else {},
        "values": {form: request.POST} if errors else {},
    }
    return render(request, "consultation/publish/version.html", context, status=400 if errors else 200)


def _act(request, version: GuidelineVersion, action, success: str, *, form: str):
    """Run one publisher action: on success go back to the version's page, on refusal show why next to the form."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        return _version_page(request, version, form=form, errors=error_messages(error))
    messages.success(request, success)
    return redirect(_manage_url(version))


@require_POST
@login_required
def add_clause(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    data = request.POST
    return _act(
        request,
        version,
        lambda: services.add_clause(
            actor=request.user,
            version=version,
            key=data.get("key", ""),
            heading=data.get("heading", ""),
            text=data.get("text", ""),
            tags=data.get("tags", ""),
        ),
        f"Clause {data.get('key', '')} added.",
        form="add",
    )


@login_required
def edit_clause(request, org: str, slug: str, number: int, key: str):
    version = _publisher_version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    errors = {}
    if request.method == "POST":
        try:
            services.edit_clause(
                actor=request.user,
                clause=clause,
                heading=request.POST.get("heading", ""),
                text=request.POST.get("text", ""),
                tags=request.POST.get("tags", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
            clause.heading, clause.text = request.POST.get("heading", ""), request.POST.get("text", "")
        else:
            messages.success(request, f"Clause {clause.key} saved.")
            return redirect(_manage_url(version))
    context = {"version": version, "guideline": version.guideline, "clause": clause, "errors": errors}
    return render(request, "consultation/publish/clause_form.html", context, status=400 if errors else 200)


@require_POST
@login_required
def move_clause(request, org: str, slug: str, number: int, key: str):
    version = _publisher_version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    direction = request.POST.get("direction", "")
    return _act(
        request,
        version,
        lambda: services.reorder_clause(actor=request.user, clause=clause, direction=direction),
        f"Clause {key} moved {direction}.",
        form="move",
    )


@require_POST
@login_required
def remove_clause(request, org: str, slug: str, number: int, key: str):
    version = _publisher_version(request, org, slug, number)
    clause = get_object_or_404(Clause, version=version, key=key)
    return _act(
        request,
        version,
        lambda: services.remove_clause(actor=request.user, clause=clause),
        f"Clause {key} removed.",
        form="remove",
    )


@require_POST
@login_required
def schedule_period(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)

    def schedule():
        opens_at = parse_when(request.POST.get("opens_at", ""), field="opens_at")
        closes_at = parse_when(request.POST.get("closes_at", ""), field="closes_at")
        if closes_at is None:
            raise ValidationError({"closes_at": "Say when the comment period closes."})
        services.schedule_comment_period(actor=request.user, version=version, opens_at=opens_at, closes_at=closes_at)

    return _act(
        request, version, schedule, "The comment period is scheduled and the version is public.", form="schedule"
    )


@require_POST
@login_required
def extend_period(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    if version.period is None:
        raise Http404("This version has no comment period.")

    def extend():
        closes_at = parse_when(request.POST.get("closes_at", ""), field="closes_at")
        if closes_at is None:
            raise ValidationError({"closes_at": "Say when the comment period closes now."})
        services.extend_comment_period(
            actor=request.user, period=version.period, closes_at=closes_at, reason=request.POST.get("reason", "")
        )

    return _act(request, version, extend, "The comment period is extended.", form="extend")


@login_required
def responses(request, org: str, slug: str, number: int):
    """Unanswered comments, clause by clause, with a form for each and one for all of a clause."""
    version = _publisher_version(request, org, slug, number)
    comments = list(
        version.comments.published()
        .top_level()
        .unanswered()
        .select_related("author", "clause")
        .order_by("clause__position", "clause_id", "created_at")[: RESPONSES_PER_PAGE + 1]
    )
    more = len(comments) > RESPONSES_PER_PAGE
    comments = comments[:RESPONSES_PER_PAGE]
    groups: dict = {}
    for comment in comments:
        groups.setdefault(comment.clause, []).append(comment)
    context = {
        "version": version,
        "guideline": version.guideline,
        "groups": list(groups.items()),
        "more": more,
        "answered": selectors.answered_counts(version),
        "dispositions": Response.DISPOSITION_CHOICES,
    }
    return render(request, "consultation/publish/responses.html", context)


@require_POST
@login_required
def respond(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    data = request.POST
    back = reverse("publish-responses", args=[org, slug, number])
    try:
        if data.get("comment"):
            comment = get_object_or_404(
                Comment,
                version=version,
                pk=parse_id(data["comment"]) or 0,
            )
            services.respond_to_comment(
                actor=request.user, comment=comment, disposition=data.get("disposition", ""), text=data.get("text", "")
            )
            messages.success(request, "Response published.")
        else:
            key = data.get("clause", "general")
            clause = None if key == "general" else get_object_or_404(Clause, version=version, key=key)
            count = services.respond_to_clause_comments(
                actor=request.user,
                version=version,
                clause=clause,
                disposition=data.get("disposition", ""),
                text=data.get("text", ""),
            )
            messages.success(request, f"Response published on {count} comments.")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, first_message(error))
    return redirect(back)


@login_required
def publish_final(request, org: str, slug: str, number: int):
    version = _publisher_version(request, org, slug, number)
    consultation = version.based_on
    if version.status != GuidelineVersion.DRAFT or consultation is None:
        raise Http404("Only a draft that follows a consultation is published as final.")
    kinds = services.clause_kinds(consultation, version)
    errors: dict = {}
    if request.method == "POST":
        statements = {}
        try:
            for key in kinds:
                ids = [parse_id(i) for i in request.POST.get(f"comments-{key}", "").replace(",", " ").split()]
                if None in ids:
                    raise ValidationError({"statements": f"Comments for {key}: give comment numbers, like 12 15."})
                statements[key] = {"text": request.POST.get(f"statement-{key}", ""), "comments": ids}
            services.publish_final_version(
                actor=request.user,
                version=version,
                summary_of_changes=request.POST.get("summary_of_changes", ""),
                statements=statements,
            )
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
        else:
            messages.success(request, f"Version {version.number} is published as final.")
            return redirect(version.get_absolute_url())
    context = {
        "version": version,
        "guideline": version.guideline,
        "consultation": consultation,
        "kinds": kinds.items(),
        "errors": errors,
        "values": request.POST,
    }
    return render(request, "consultation/publish/final_form.html", context, status=400 if errors else 200)
