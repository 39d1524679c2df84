"""The moderators' queue of reported comments, and hiding and restoring. Never open to publishers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import is_moderator
from consultation import selectors
from consultation.forms import HideForm
from consultation.models import Comment, CommentCluster
from consultation.services import bursts
from consultation.services.comments import dismiss_reports, hide_comment, restore_comment
from core.forms import REFUSED, ConfirmForm, ServiceForm, act_and_tell, first_error, run_service
from core.redirects import next_url

QUEUE_PAGE_SIZE = 50


def _require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied("This page is for moderators.")


@login_required
def queue(request):
    _require_moderator(request)
    showing = "hidden" if request.GET.get("show") == "hidden" else "reported"
    comments = selectors.moderation_queue(hidden=showing == "hidden")
    page = Paginator(comments, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "comments": selectors.with_moderation_conflicts(list(page.object_list), request.user),
        "showing": showing,
        "hidden_reasons": Comment.HIDDEN_REASONS,
    }
    return render(request, "consultation/moderation/queue.html", context)


def _moderate(request, pk: int, form: ServiceForm, action, success: str):
    """Run one moderation action on a comment; the service refuses a moderator with a conflict of interest."""
    _require_moderator(request)
    comment = get_object_or_404(Comment.objects.select_related("version__guideline__organization"), pk=pk)
    if act_and_tell(request, form, action, shown=REFUSED, comment=comment):
        messages.success(request, success)
    return redirect(next_url(request, reverse("comment-moderation-queue")))


@login_required
def burst_list(request):
    """Many new accounts posting the same text within minutes, with the accounts and one action on each burst."""
    _require_moderator(request)
    context = {
        "bursts": selectors.bursts(),
        "hidden_reasons": Comment.HIDDEN_REASONS,
        "new_account_hours": settings.BURST_NEW_ACCOUNT_HOURS,
        "window_minutes": settings.BURST_WINDOW_MINUTES,
        "min_accounts": settings.BURST_MIN_ACCOUNTS,
        "lookback_days": settings.BURST_LOOKBACK_DAYS,
    }
    return render(request, "consultation/moderation/bursts.html", context)


@require_POST
@login_required
def hide_burst(request, pk: int):
    _require_moderator(request)
    cluster = get_object_or_404(CommentCluster.objects.select_related("version__guideline__organization"), pk=pk)
    form = HideForm(request.POST)
    if form.is_valid():
        count = run_service(
            form, bursts.hide_burst, shown=REFUSED, cluster=cluster, **form.cleaned_data, by=request.user
        )
    if form.errors:
        messages.error(request, first_error(form))
    else:
        messages.success(request, f"The {count} comments of the burst are being hidden; their authors will be told.")
    return redirect("comment-moderation-bursts")


@require_POST
@login_required
def hide(request, pk: int):
    form = HideForm(request.POST)
    return _moderate(request, pk, form, hide_comment, "The comment is hidden; its author has been told.")


@require_POST
@login_required
def restore(request, pk: int):
    form = ConfirmForm(request.POST)
    return _moderate(request, pk, form, restore_comment, "The comment is public again; its author has been told.")


@require_POST
@login_required
def dismiss(request, pk: int):
    form = ConfirmForm(request.POST)
    return _moderate(request, pk, form, dismiss_reports, "The reports are dismissed; the comment stays.")
