"""Public consultation pages and the citizen actions on them (comment, reply, endorse, report, follow)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import can_publish_for, is_moderator
from appeals.selectors import clause_pressure
from consultation import selectors, services
from consultation.diff import diff_versions
from consultation.models import Clause, ClauseChange, Comment, Guideline, GuidelineVersion
from core.ids import parse_id
from core.redirects import next_url

COMMENTS_PER_PAGE = 50


def error_messages(error: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    """A refused action's messages by field ("general" for the rest)."""
    if isinstance(error, PermissionDenied):
        return {"general": [str(error) or "You may not do this."]}
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(messages).messages] for field, messages in error.error_dict.items()
        }
    return {"general": error.messages}


def first_message(error) -> str:
    return next(iter(error_messages(error).values()))[0]


def _guideline(request, org: str, slug: str) -> Guideline:
    guideline = get_object_or_404(Guideline.objects.select_related("organization"), organization__slug=org, slug=slug)
    if not guideline.versions.public().exists() and not can_publish_for(request.user, guideline.organization):
        raise Http404("No such guideline.")
    return guideline


def get_version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    """A version the person may see: public ones for everyone, drafts for their organization's publishers."""
    version = get_object_or_404(
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period", "based_on"),
        guideline__organization__slug=org,
        guideline__slug=slug,
        number=number,
    )
    if not version.is_public and not can_publish_for(request.user, version.guideline.organization):
        raise Http404("No such version.")
    return version


def _clause(version: GuidelineVersion, key: str) -> Clause | None:
    if key == "general":
        return None
    return get_object_or_404(Clause, version=version, key=key)


GUIDELINES_PER_PAGE = 50


def guideline_list(request):
    guidelines = Guideline.objects.public().with_current_status().select_related("organization")
    organization = request.GET.get("organization", "")
    status = request.GET.get("status", "")
    if organization:
        guidelines = guidelines.filter(organization__slug=organization)
    if status in dict(GuidelineVersion.STATUS_CHOICES) and status != GuidelineVersion.DRAFT:
        guidelines = guidelines.filter(current_status=status)
    page = Paginator(guidelines, GUIDELINES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "organizations": Organization.objects.filter(guidelines__in=Guideline.objects.public()).distinct(),
        "statuses": [c for c in GuidelineVersion.STATUS_CHOICES if c[0] != GuidelineVersion.DRAFT],
        "selected_organization": organization,
        "selected_status": status,
    }
    return render(request, "consultation/guideline_list.html", context)


def guideline_detail(request, org: str, slug: str):
    guideline = _guideline(request, org, slug)
    versions = guideline.versions.select_related("comment_period", "based_on").prefetch_related(
        "comment_period__extensions"
    )
    if not can_publish_for(request.user, guideline.organization):
        versions = versions.public()
    versions = list(versions.order_by("-number"))
    current = next((v for v in versions if v.is_public), None)
    clauses = list(current.clauses.all()) if current else []
    pressure = clause_pressure(guideline)
    for clause in clauses:
        clause.pressure = pressure.get(clause.key)
    context = {
        "guideline": guideline,
        "versions": versions,
        "current": current,
        "clauses": clauses,
        "following": selectors.is_following(request.user, guideline),
        "can_publish": can_publish_for(request.user, guideline.organization),
    }
    return render(request, "consultation/guideline_detail.html", context)


def version_detail(request, org: str, slug: str, number: int):
    version = get_version(request, org, slug, number)
    return render(request, "consultation/version_detail.html", _version_context(request, version))


def _version_context(request, version: GuidelineVersion) -> dict:
    period = version.period
    return {
        "version": version,
        "base": version.get_absolute_url(),
        "guideline": version.guideline,
        "period": period,
        "extensions": list(period.extensions.all()) if period else [],
        "threads": selectors.version_threads(version, request.user),
        "answered": selectors.answered_counts(version),
        "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
        "changes": list(version.clause_changes.prefetch_related("comments")) if version.status != "draft" else [],
        "following": selectors.is_following(request.user, version.guideline),
        "can_publish": can_publish_for(request.user, version.guideline.organization),
        "user_is_moderator": is_moderator(request.user),
    }


def clause_comments(request, org: str, slug: str, number: int, key: str):
    """All comments on one clause (or the general ones), a page at a time."""
    version = get_version(request, org, slug, number)
    clause = _clause(version, key)
    comments = version.comments.top_level().on_clause(clause).for_display().order_by("-created_at", "pk")
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    thread = selectors.clause_thread(version, clause, request.user, list(page.object_list))
    context = {
        "version": version,
        "base": version.get_absolute_url(),
        "guideline": version.guideline,
        "thread": thread,
        "page": page,
        "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
        "user_is_moderator": is_moderator(request.user),
    }
    return render(request, "consultation/clause_comments.html", context)


def comment_detail(request, org: str, slug: str, number: int, pk: int):
    version = get_version(request, org, slug, number)
    comment = get_object_or_404(version.comments.for_display(), pk=pk)
    thread = selectors.clause_thread(version, comment.clause, request.user, [comment])
    context = {
        "version": version,
        "base": version.get_absolute_url(),
        "guideline": version.guideline,
        "comment": comment,
        "thread": thread,
        "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
        "user_is_moderator": is_moderator(request.user),
        "hidden_reasons": Comment.HIDDEN_REASONS,
    }
    return render(request, "consultation/comment_detail.html", context)


def post_comment(request, org: str, slug: str, number: int):
    """Post a comment or a reply. Without JavaScript it redirects; with htmx it answers the clause's section."""
    version = get_version(request, org, slug, number)
    if not request.user.is_authenticated:
        return redirect_to_login(version.get_absolute_url())
    data = request.POST if request.method == "POST" else request.GET
    key = data.get("clause") or "general"
    clause = version.clauses.filter(key=key).first() if key != "general" else None
    parent_id = parse_id(data.get("parent", ""))
    parent = Comment.objects.filter(version=version, pk=parent_id).first() if parent_id else None
    values = {"body": data.get("body", ""), "on_behalf_of": data.get("on_behalf_of", ""), "parent": parent}
    errors: dict = {}
    if request.method == "POST":
        try:
            if key != "general" and clause is None:
                raise ValidationError({"clause": f"There is no clause {key} in this version."})
            if data.get("parent") and parent is None:
                raise ValidationError({"parent": "The comment you replied to is not on this version."})
            comment = services.post_comment(
                author=request.user,
                version=version,
                clause=clause,
                parent=parent,
                body=values["body"],
                on_behalf_of=values["on_behalf_of"],
            )
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
        else:
            if request.htmx:
                return _thread_fragment(request, version, clause, notice="Your comment is posted.")
            messages.success(request, "Your comment is posted.")
            return redirect(f"{version.get_absolute_url()}#comment-{comment.pk}")
    if request.htmx:
        return _thread_fragment(request, version, clause, errors=errors, values=values, parent=parent)
    context = {
        "version": version,
        "base": version.get_absolute_url(),
        "form_thread": selectors.Thread(clause=clause),
        "guideline": version.guideline,
        "clause": clause,
        "key": key,
        "parent": parent,
        "values": values,
        "errors": errors,
        "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
    }
    return render(request, "consultation/comment_form.html", context, status=400 if errors else 200)


def _thread_fragment(request, version, clause, *, errors=None, values=None, parent=None, notice=""):
    comments = list(
        version.comments.top_level()
        .on_clause(clause)
        .for_display()
        .order_by("-created_at", "pk")[: settings.CONSULTATION_COMMENTS_PER_CLAUSE]
    )
    thread = selectors.clause_thread(version, clause, request.user, comments)
    context = {
        "version": version,
        "base": version.get_absolute_url(),
        "thread": thread,
        "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
        "errors": errors or {},
        "values": values or {},
        "error_parent": parent.pk if parent and errors else None,
        "notice": notice,
        "user_is_moderator": is_moderator(request.user),
    }
    return render(request, "consultation/includes/thread.html", context)


@require_POST
@login_required
def endorse_comment(request, org: str, slug: str, number: int, pk: int):
    version = get_version(request, org, slug, number)
    comment = get_object_or_404(Comment, version=version, pk=pk)
    error = ""
    try:
        services.endorse_comment(user=request.user, comment=comment)
    except (ValidationError, PermissionDenied) as refused:
        error = first_message(refused)
    if request.htmx:
        comment = version.comments.with_endorsement_count().get(pk=pk)
        comment.endorsed_by_me = not error or comment.endorsements.filter(user=request.user).exists()
        context = {
            "version": version,
            "base": version.get_absolute_url(),
            "comment": comment,
            "endorse_error": error,
            "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
        }
        return render(request, "consultation/includes/endorse.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "You endorsed this comment.")
    return redirect(f"{version.get_absolute_url()}#comment-{comment.pk}")


@login_required
def report_comment(request, org: str, slug: str, number: int, pk: int):
    version = get_version(request, org, slug, number)
    comment = get_object_or_404(Comment.objects.select_related("author", "clause"), version=version, pk=pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            services.report_comment(reporter=request.user, comment=comment, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
        else:
            messages.success(request, "Thank you. The moderators will look at this comment.")
            return redirect(f"{version.get_absolute_url()}#comment-{comment.pk}")
    context = {
        "version": version,
        "base": version.get_absolute_url(),
        "guideline": version.guideline,
        "comment": comment,
        "errors": errors,
    }
    return render(request, "consultation/report_form.html", context, status=400 if errors else 200)


@require_POST
@login_required
def follow_guideline(request, org: str, slug: str):
    guideline = _guideline(request, org, slug)
    if request.POST.get("action") == "unfollow":
        services.unfollow_guideline(user=request.user, guideline=guideline)
        messages.success(request, f"You no longer follow {guideline.title}.")
    else:
        try:
            services.follow_guideline(user=request.user, guideline=guideline)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You follow {guideline.title}: we will email you when it opens and closes.")
    return redirect(next_url(request, guideline.get_absolute_url()))


def version_diff(request, org: str, slug: str, number: int, other: int):
    version = get_version(request, org, slug, number)
    older = get_version(request, org, slug, other)
    context = {
        "version": version,
        "older": older,
        "guideline": version.guideline,
        "clauses": diff_versions(older, version),
        "kinds": dict(ClauseChange.KIND_CHOICES),
    }
    return render(request, "consultation/version_diff.html", context)


@login_required
def activity(request):
    page = Paginator(selectors.activity_for(request.user), COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    follows = request.user.follows.select_related("guideline__organization").order_by("guideline__title")
    return render(request, "consultation/activity.html", {"page": page, "follows": follows})
