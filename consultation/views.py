"""Public consultation pages and the citizen actions on them (comment, reply, endorse, report)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import can_publish_for, is_moderator
from consultation import selectors
from consultation.diff import diff_versions
from consultation.forms import ClusterPageForm, CommentForm, CommentListForm, CommentSearchForm, ReportForm
from consultation.models import Clause, ClauseChange, Comment, CommentCluster, Guideline, GuidelineVersion, Suggestion
from consultation.pressure import clause_pressure
from consultation.services import comments as service
from core.forms import REFUSED, first_error, run_service
from core.proxies import client_address
from core.search import page_key

COMMENTS_PER_PAGE = selectors.COMMENTS_PER_PAGE
GUIDELINES_PER_PAGE = 50


def _version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    return selectors.visible_version(request.user, org=org, slug=slug, number=number)


def _clause(version: GuidelineVersion, key: str) -> Clause | None:
    if key == "general":
        return None
    return get_object_or_404(Clause, version=version, key=key)


def _page_context(request, version: GuidelineVersion, **extra) -> dict:
    """What every page about one version needs to show its comments and the actions on them."""
    return {
        "version": version,
        "base": version.get_absolute_url(),
        "guideline": version.guideline,
        "can_comment": version.is_open_for_comment and selectors.can_take_part(request.user),
        "user_is_moderator": is_moderator(request.user),
        **extra,
    }


def guideline_list(request):
    organization, status = request.GET.get("organization", ""), request.GET.get("status", "")
    guidelines = selectors.public_guidelines(organization=organization, status=status)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(guidelines, GUIDELINES_PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "organizations": Organization.objects.filter(guidelines__in=Guideline.objects.public()).distinct(),
        "statuses": GuidelineVersion.PUBLIC_STATUS_CHOICES,
        "selected_organization": organization,
        "selected_status": status,
    }
    return render(request, "consultation/guideline_list.html", context)


def guideline_detail(request, org: str, slug: str):
    guideline = selectors.visible_guideline(request.user, org=org, slug=slug)
    versions = selectors.versions_shown_to(request.user, guideline)
    current = selectors.newest_public_version(versions)
    context = {
        "guideline": guideline,
        "versions": versions,
        "current": current,
        "clauses": list(current.clauses.all()) if current else [],
        "pressure": clause_pressure(guideline, version=current),
        "can_publish": can_publish_for(request.user, guideline.organization),
    }
    return render(request, "consultation/guideline_detail.html", context)


def version_detail(request, org: str, slug: str, number: int):
    version = _version(request, org, slug, number)
    period = version.period
    threads = selectors.version_threads(version, request.user)
    context = _page_context(
        request,
        version,
        period=period,
        extensions=list(period.extensions.all()) if period else [],
        threads=threads,
        answered=selectors.answered_counts(version),
        changes=list(version.clause_changes.prefetch_related("comments", "suggestions")) if version.is_public else [],
        can_publish=can_publish_for(request.user, version.guideline.organization),
        pressure=clause_pressure(version.guideline, version=version),
        **_suggestion_context(version),
    )
    # Where "Skip to comments" leads: the first thread the page shows, one with comments or with the form for one.
    context["first_thread"] = next((t for t in threads if t.total or context["can_comment"]), None)
    return render(request, "consultation/version_detail.html", context)


def clause_comments(request, org: str, slug: str, number: int, key: str):
    """All comments on one clause (or the general ones), newest first, a page at a time from a cursor."""
    version = _version(request, org, slug, number)
    clause = _clause(version, key)
    after = request.GET.get("after", "")
    thread, next_cursor = selectors.clause_page(version, clause, request.user, after=after)
    pressure = clause_pressure(version.guideline, version=version) if clause else {}
    context = _page_context(request, version, thread=thread, after=after, next_cursor=next_cursor, pressure=pressure)
    context.update(_suggestion_context(version) if clause else {})
    return render(request, "consultation/clause_comments.html", context)


def _suggestion_context(version: GuidelineVersion) -> dict:
    """What a clause's suggestions line and its "Suggest wording" form need: one query for every clause."""
    return {"suggestion_counts": selectors.suggestion_counts(version), "kinds": Suggestion.KIND_CHOICES}


def comment_search(request, org: str, slug: str, number: int):
    """Search within one version's comments, best match first, a page at a time."""
    version = _version(request, org, slug, number)
    form = CommentSearchForm(request.GET or None)
    found, q = [], ""
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"]
        found = list(
            selectors.search_comments(version, q=q, before=form.cleaned_data["before"])[: COMMENTS_PER_PAGE + 1]
        )
    more = page_key(found[COMMENTS_PER_PAGE - 1]) if len(found) > COMMENTS_PER_PAGE else None
    comments = selectors.with_snippets(found[:COMMENTS_PER_PAGE], q)
    context = _page_context(request, version, form=form, comments=comments, q=q, more=more)
    return render(request, "consultation/comment_search.html", context, status=400 if form.errors else 200)


def comment_cluster(request, org: str, slug: str, number: int, pk: int):
    """Every comment of one cluster of near-identical comments, a page at a time by cursor."""
    version = _version(request, org, slug, number)
    cluster = get_object_or_404(CommentCluster.objects.select_related("representative__clause"), pk=pk, version=version)
    after = ClusterPageForm(request.GET).after_id()
    members, next_after = selectors.cluster_members(cluster, after=after, limit=settings.CLUSTER_MEMBERS_PER_PAGE)
    context = _page_context(request, version, cluster=cluster, members=members, after=after, next_after=next_after)
    return render(request, "consultation/comment_cluster.html", context)


def comment_detail(request, org: str, slug: str, number: int, pk: int):
    version = _version(request, org, slug, number)
    comment = get_object_or_404(version.comments.for_display(), pk=pk)
    thread = selectors.clause_thread(version, comment.clause, request.user, [comment])
    selectors.with_moderation_conflicts([comment], request.user)
    context = _page_context(request, version, comment=comment, thread=thread, hidden_reasons=Comment.HIDDEN_REASONS)
    return render(request, "consultation/comment_detail.html", context)


def post_comment(request, org: str, slug: str, number: int):
    """Post a comment or a reply. Without JavaScript it redirects; with htmx it answers the clause's section."""
    version = _version(request, org, slug, number)
    if not request.user.is_authenticated:
        return redirect_to_login(version.get_absolute_url())
    if request.method != "POST":
        return _comment_page(request, version, CommentForm(request.GET, version=version), show_errors=False)
    form = CommentForm(request.POST, version=version)
    posted = _posted(form, version, ip=client_address(request), by=request.user)
    if request.htmx:
        return _thread_fragment(request, version, form, posted=posted or None)
    if not posted:
        return _comment_page(request, version, form, show_errors=True)
    messages.success(request, "Your comment is posted.")
    return redirect(f"{version.get_absolute_url()}#comment-{posted.pk}")


def _posted(form: CommentForm, version: GuidelineVersion, *, ip: str, by) -> Comment | None:
    """The comment stored from a valid form, or None with the reason on the form."""
    if not form.is_valid():
        return None
    return run_service(form, service.post_comment, shown=REFUSED, version=version, **form.cleaned_data, ip=ip, by=by)


def _comment_page(request, version: GuidelineVersion, form: CommentForm, *, show_errors: bool):
    """The comment form on a page of its own, for browsers without JavaScript."""
    form.is_valid()  # resolves the clause and the parent named in the link, even before anything is typed
    clause, parent = form.cleaned_data.get("clause"), form.cleaned_data.get("parent")
    context = _page_context(
        request,
        version,
        form_thread=selectors.Thread(clause=clause),
        clause=clause,
        parent=parent,
        comment_form=form if show_errors else None,
    )
    return render(request, "consultation/comment_form.html", context, status=400 if show_errors else 200)


def _thread_fragment(request, version: GuidelineVersion, form: CommentForm, *, posted: Comment | None):
    """The clause's section after a comment: with the new comment, or with the form and why it was refused."""
    clause = posted.clause if posted else form.cleaned_data.get("clause")
    parent = None if posted else form.cleaned_data.get("parent")
    context = _page_context(
        request,
        version,
        thread=selectors.clause_window(version, clause, request.user),
        posted_pk=posted.pk if posted else None,  # focus moves there (static/js/focus.js)
        comment_form=None if posted else form,
        error_parent=parent.pk if parent else None,
        notice="Your comment is posted." if posted else "",
    )
    return render(request, "consultation/includes/thread.html", context)


@require_POST
@login_required
def endorse_comment(request, org: str, slug: str, number: int, pk: int):
    version = _version(request, org, slug, number)
    comment = get_object_or_404(Comment, version=version, pk=pk)
    form = forms.Form(request.POST)
    form.is_valid()
    run_service(form, service.endorse_comment, shown=REFUSED, comment=comment, by=request.user)
    error = first_error(form) if form.errors else ""
    if request.htmx:
        return _endorse_fragment(request, version, pk, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "You endorsed this comment.")
    return redirect(f"{version.get_absolute_url()}#comment-{comment.pk}")


def _endorse_fragment(request, version: GuidelineVersion, pk: int, error: str):
    comment = version.comments.get(pk=pk)
    comment.endorsed_by_me = comment.endorsements.filter(user=request.user).exists()
    context = _page_context(request, version, comment=comment, endorse_error=error, answered_in_place=True)
    return render(request, "consultation/includes/endorse.html", context)


@login_required
def report_comment(request, org: str, slug: str, number: int, pk: int):
    version = _version(request, org, slug, number)
    comment = get_object_or_404(Comment.objects.select_related("author", "clause"), version=version, pk=pk)
    form = ReportForm(request.POST or None)
    if form.is_valid():
        run_service(form, service.report_comment, shown=REFUSED, comment=comment, **form.cleaned_data, by=request.user)
        if not form.errors:
            messages.success(request, "Thank you. The moderators will look at this comment.")
            return redirect(f"{version.get_absolute_url()}#comment-{comment.pk}")
    context = _page_context(request, version, comment=comment, form=form)
    return render(request, "consultation/report_form.html", context, status=400 if form.errors else 200)


def version_diff(request, org: str, slug: str, number: int, other: int):
    version = _version(request, org, slug, number)
    older = _version(request, org, slug, other)
    context = {
        "version": version,
        "older": older,
        "guideline": version.guideline,
        "clauses": _attributed(diff_versions(older, version), selectors.suggestions_behind(older, version)),
        "kinds": dict(ClauseChange.KIND_CHOICES),
    }
    return render(request, "consultation/version_diff.html", context)


def _attributed(clauses: list, behind: dict) -> list:
    """Each clause's diff with the suggestions its change came from."""
    return [(clause, behind.get(clause.key, []) if clause.kind != "unchanged" else []) for clause in clauses]


@login_required
def activity(request):
    page = Paginator(selectors.activity_for(request.user), COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "consultation/activity.html", {"page": page})


def comment_list(request):
    """Published comments across every consultation, filtered as the statistics count them; newest first."""
    form = CommentListForm(request.GET or None)
    if form.has_error("before"):
        raise Http404("No such page of comments.")
    page = list(form.comments()[: COMMENTS_PER_PAGE + 1])
    context = {
        "form": form,
        "comments": page[:COMMENTS_PER_PAGE],
        "older": page[COMMENTS_PER_PAGE - 1].pk if len(page) > COMMENTS_PER_PAGE else None,
        "query": form.query_without_page(),
    }
    return render(request, "consultation/comment_list.html", context, status=400 if form.errors else 200)
