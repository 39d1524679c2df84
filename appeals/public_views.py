"""What everyone may read: an appeal's page and its public attachments, the decision database and its export."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from appeals import forms, selectors
from appeals.case_comment_views import case_page_context
from appeals.models import Attachment, Decision
from appeals.services import case_comments
from core.forms import REFUSED, run_service
from core.proxies import client_address
from core.ratelimit import EXPORT_LIMIT_MESSAGE, too_many_exports
from core.search import page_key
from core.streaming import csv_response
from ledger.receipts import receipt_links

DECISIONS_PER_PAGE = 20
PLAIN_TEXT = "text/plain; charset=utf-8"


def appeal_detail(request, public_id: str, comment_form=None):
    appeal = get_object_or_404(selectors.appeals_for_pages().select_related("comment_call"), public_id=public_id)
    context = {
        **case_page_context(request, appeal, comment_form),
        "appeal": appeal,
        "private": appeal.can_see_private(request.user),
        "attachments": appeal.attachments_seen_by(request.user),
        "clauses": selectors.contested_clauses(appeal),
        "events": list(appeal.events.all()),
        "decisions": selectors.appeal_decisions(appeal),
        "can_respond": permissions.can_publish_for(request.user, appeal.guideline.organization),
        "is_appellant": request.user.is_authenticated and request.user.pk == appeal.appellant_id,
        "receipts": receipt_links([(appeal.subject, None)]),  # and its decisions', all in one query
    }
    return render(request, "appeals/appeal_detail.html", context, status=400 if comment_form else 200)


def post_case_comment(request, public_id: str):
    """A comment on an appeal open for public comment; without JavaScript, back to the appeal at the comment."""
    appeal = get_object_or_404(selectors.appeals_for_pages(), public_id=public_id)
    if not request.user.is_authenticated:
        return redirect_to_login(f"{appeal.get_absolute_url()}#case-comments-title")
    if request.method != "POST":
        return redirect(f"{appeal.get_absolute_url()}#case-comments-title")
    form = forms.CaseCommentForm(request.POST)
    if form.is_valid():
        arguments = {"appeal": appeal, "ip": client_address(request), "by": request.user, **form.cleaned_data}
        if comment := run_service(form, case_comments.post_case_comment, shown=REFUSED, **arguments):
            messages.success(request, "Your comment is published.")
            return redirect(comment.get_absolute_url())
    return appeal_detail(request, public_id, comment_form=form)


def attachment(request, public_id: str, pk: int):
    appeal = get_object_or_404(selectors.appeals_for_pages(), public_id=public_id)
    item = get_object_or_404(appeal.attachments, pk=pk)
    if not item.can_be_seen_by(request.user):
        raise Http404("No such attachment.")
    return attachment_response(item)


def attachment_response(item: Attachment) -> FileResponse:
    """The file under its neutral name; never cached where it is private."""
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.public_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not item.public else "public, max-age=300"
    return response


def decisions(request):
    form = forms.DecisionSearchForm(request.GET or None)
    if form.has_error("before"):
        raise Http404("No such page of decisions.")
    page = list(selectors.listed_decisions(form.search())[: DECISIONS_PER_PAGE + 1])
    context = {
        "form": form,
        "decisions": selectors.with_headlines(page[:DECISIONS_PER_PAGE], form.cleaned_query()),
        "older": page_key(page[DECISIONS_PER_PAGE - 1]) if len(page) > DECISIONS_PER_PAGE else None,
        "ranked": bool(page) and hasattr(page[0], "search_key"),
        "query": form.query_without_page(),
        "is_publisher": permissions.publisher_organizations(request.user).exists(),
    }
    return render(request, "appeals/decisions.html", context, status=400 if form.errors else 200)


def decisions_export(request):
    """The whole decision database (with the same filters) as CSV, streamed row by row."""
    if too_many_exports(request):
        return HttpResponse(EXPORT_LIMIT_MESSAGE, status=429, content_type=PLAIN_TEXT)
    form = forms.DecisionSearchForm(request.GET or None)
    found = form.search()
    if form.errors:
        return HttpResponseBadRequest(form.errors.as_text(), content_type=PLAIN_TEXT)
    rows = (decision.export_row() for decision in found.iterator(chunk_size=500))
    return csv_response(header=Decision.EXPORT_HEADER, rows=rows, filename="decisions.csv")


APPEALS_PER_PAGE = 50


def appeal_list(request):
    """Every appeal's public facts, filtered as the statistics count them; newest first, paged by id."""
    form = forms.AppealListForm(request.GET or None)
    if form.has_error("before"):
        raise Http404("No such page of appeals.")
    page = list(form.appeals()[: APPEALS_PER_PAGE + 1])
    context = {
        "form": form,
        "appeals": page[:APPEALS_PER_PAGE],
        "older": page[APPEALS_PER_PAGE - 1].pk if len(page) > APPEALS_PER_PAGE else None,
        "query": form.query_without_page(),
    }
    return render(request, "appeals/appeal_list.html", context, status=400 if form.errors else 200)
