"""The moderators' queue of reported comments, and hiding and restoring. Never open to publishers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import is_moderator
from consultation import services
from consultation.models import Comment
from consultation.views import first_message
from core.redirects import next_url


def _require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied("This page is for moderators.")


@login_required
def queue(request):
    _require_moderator(request)
    showing = "hidden" if request.GET.get("show") == "hidden" else "reported"
    if showing == "hidden":
        comments = Comment.objects.filter(status=Comment.HIDDEN).order_by("-hidden_at", "-pk")
    else:
        comments = Comment.objects.reported().published().order_by("pk")
    comments = comments.select_related("author", "clause", "version__guideline__organization").prefetch_related(
        "reports"
    )
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    context = {"page": page, "showing": showing, "hidden_reasons": Comment.HIDDEN_REASONS}
    return render(request, "consultation/moderation/queue.html", context)


def _moderate(request, pk: int, action, success: str):
    _require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    try:
        action(comment)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, first_message(error))
    else:
        messages.success(request, success)
    return redirect(next_url(request, reverse("comment-moderation-queue")))


@require_POST
@login_required
def hide(request, pk: int):
    reason, note = request.POST.get("reason", ""), request.POST.get("note", "")
    return _moderate(
        request,
        pk,
        lambda comment: services.hide_comment(moderator=request.user, comment=comment, reason=reason, note=note),
        "The comment is hidden; its author has been told.",
    )


@require_POST
@login_required
def restore(request, pk: int):
    return _moderate(
        request,
        pk,
        lambda comment: services.restore_comment(moderator=request.user, comment=comment),
        "The comment is public again; its author has been told.",
    )


@require_POST
@login_required
def dismiss(request, pk: int):
    return _moderate(
        request,
        pk,
        lambda comment: services.dismiss_reports(moderator=request.user, comment=comment),
        "The reports are dismissed; the comment stays.",
    )
