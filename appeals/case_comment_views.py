"""Public comments on selected appeals: the list of appeals open for comment, the moderators' page that opens and
extends a call, hiding a comment, and what the case page and the reviewer's page show of the comments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from appeals import forms, selectors
from appeals.models import Appeal, CaseComment
from appeals.moderation_views import _appeal_to_moderate
from appeals.services import case_comments as service
from core.forms import REFUSED, act_and_tell


def open_for_comment_list(request):
    """Appeals open for public comment now, closing soonest first, paged by (closes_at, id)."""
    cursor = selectors.parse_call_cursor(request.GET.get("after"))
    if "after" in request.GET and cursor is None:
        raise Http404("No such page of appeals open for comment.")
    calls, more = selectors.page_of(selectors.open_calls(after=cursor), selectors.CALLS_PER_PAGE)
    context = {
        "calls": calls,
        "next_page": selectors.call_cursor(calls[-1]) if more else None,
        "window_days": settings.APPEAL_COMMENT_WINDOW_DAYS,
    }
    return render(request, "appeals/open_for_comment.html", context)


def case_page_context(request, appeal: Appeal, comment_form=None) -> dict:
    """What an appeal page shows of its public comments: the call, one page of comments, the form when open."""
    call = selectors.comment_call(appeal)
    if call is None:
        return {"call": None}
    raw = request.GET.get("comments_after")
    after = int(raw) if raw and raw.isdigit() and len(raw) < 18 else None
    comments, more = selectors.page_of(selectors.case_comments(appeal.pk, after=after), selectors.COMMENTS_PER_PAGE)
    total, by_assurance = selectors.who_commented(appeal.pk)
    return {
        "call": call,
        "case_comments": comments,
        "more_comments": comments[-1].pk if more else None,
        "comment_total": total,
        "comments_by_assurance": by_assurance,
        "comment_form": comment_form or (forms.CaseCommentForm() if call.is_open() else None),
        # A refused comment comes back with its form, whatever the refusal (the window closed, no verified email).
        "can_comment": comment_form is not None or (call.is_open() and permissions.is_citizen(request.user)),
        "user_is_moderator": permissions.is_moderator(request.user),
        "hidden_reasons": CaseComment.HIDDEN_REASONS,
    }


@login_required
def public_comment(request, public_id: str):
    """The moderators' page: the criteria, opening the appeal for comment, then extending its window."""
    appeal = _appeal_to_moderate(request, public_id)
    form = forms.OpenForCommentForm(request.POST or None)
    if request.method == "POST" and act_and_tell(request, form, service.open_for_comment, shown=REFUSED, appeal=appeal):
        messages.success(request, f"Appeal {appeal.public_id} is open for public comment.")
        return redirect("appeal-public-comment", public_id)
    context = {
        "appeal": appeal,
        "call": selectors.comment_call(appeal),
        "refusal": service.selection_refusal(appeal),
        "window_days": settings.APPEAL_COMMENT_WINDOW_DAYS,
        "open_form": form,
        "extend_form": forms.ExtendWindowForm(),
    }
    return render(request, "appeals/public_comment.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def extend_window(request, public_id: str):
    appeal = _appeal_to_moderate(request, public_id)
    form = forms.ExtendWindowForm(request.POST)
    if act_and_tell(request, form, service.extend_comment_window, shown=REFUSED, appeal=appeal):
        messages.success(request, "The comment window is extended.")
    return redirect("appeal-public-comment", public_id)


@require_POST
@login_required
def hide_case_comment(request, pk: int):
    comment = get_object_or_404(CaseComment.objects.select_related("appeal__guideline__organization"), pk=pk)
    form = forms.HideCaseCommentForm(request.POST)
    if act_and_tell(request, form, service.hide_case_comment, shown=REFUSED, comment=comment):
        messages.success(request, f"Comment {pk} is hidden; its tombstone names the reason.")
    return redirect(comment.get_absolute_url())
