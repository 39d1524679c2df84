"""Where people stand: a version's opinion groups, voting on its statements and submitting new ones; and the
moderators' queue of submitted statements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import can_publish_for, is_moderator, moderation_conflict
from consultation import selectors
from consultation.forms import StatementForm, StatementModerationForm, VoteForm
from consultation.models import GroupMembership, GuidelineVersion, Statement
from consultation.opinion_chart import chart, group_letter
from consultation.services import grouping
from consultation.services import opinions as service
from core.forms import REFUSED, act_and_tell, first_error, run_service
from ledger.receipts import receipt_links

STATEMENTS_SHOWN = 100
QUEUE_PAGE_SIZE = 50


def _version(request, org: str, slug: str, number: int) -> GuidelineVersion:
    return selectors.visible_version(request.user, org=org, slug=slug, number=number)


def _context(request, version: GuidelineVersion, **extra) -> dict:
    published = grouping.published_groups(version)
    can_vote = version.is_open_for_comment and selectors.can_take_part(request.user)
    can_seed = can_publish_for(request.user, version.guideline.organization)
    participant = selectors.participant_of(request.user, version) if can_vote else None
    points, labels = chart(_memberships(published)) if published else ([], [])
    groups = (
        [{**group, "letter": group_letter(group["id"])} for group in published.result["groups"]] if published else []
    )
    return {
        "version": version,
        "guideline": version.guideline,
        "base": version.get_absolute_url(),
        "published": published,
        "groups": groups,
        "points": points,
        "labels": labels,
        "can_vote": can_vote,
        "can_submit": version.is_open_for_comment and (can_vote or can_seed),
        "next_statement": service.next_statement_for(version=version, participant=participant) if can_vote else None,
        "statements": list(
            version.statements.filter(status=Statement.SHOWN).select_related("clause").order_by("pk")[:STATEMENTS_SHOWN]
        ),
        "rejected": list(version.statements.filter(status=Statement.REJECTED).order_by("pk")[:STATEMENTS_SHOWN]),
        "clauses": list(version.clauses.all()),
        "statement_form": StatementForm(version=version),
        **extra,
    }


def _memberships(published) -> list[tuple[int, float, float]]:
    return list(GroupMembership.objects.filter(computation=published).order_by("pk").values_list("group", "x", "y"))


def opinions(request, org: str, slug: str, number: int):
    version = _version(request, org, slug, number)
    context = _context(request, version)
    context["receipts"] = receipt_links([(statement.subject, None) for statement in context["statements"]])
    return render(request, "consultation/opinions.html", context)


@require_POST
@login_required
def vote(request, org: str, slug: str, number: int):
    """Vote on a statement. Without JavaScript it redirects to the next statement; with htmx it answers the voting
    box with it."""
    version = _version(request, org, slug, number)
    form = VoteForm(request.POST)
    if form.is_valid():
        statement = get_object_or_404(version.statements, pk=form.cleaned_data["statement"])
        run_service(
            form, service.cast_vote, shown=REFUSED, statement=statement, vote=form.cleaned_data["vote"], by=request.user
        )
    error = first_error(form) if form.errors else ""
    notice = "" if error else "Your vote is counted. Here is the next statement."
    if request.htmx:
        context = _context(request, version, vote_error=error, vote_notice=notice)
        return render(request, "consultation/includes/opinion_voting.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(reverse("version-opinions", args=[org, slug, number]) + "#vote")


@require_POST
@login_required
def new_statement(request, org: str, slug: str, number: int):
    version = _version(request, org, slug, number)
    form = StatementForm(request.POST, version=version)
    statement = None
    if form.is_valid():
        statement = run_service(
            form, service.submit_statement, shown=REFUSED, version=version, text=form.cleaned_data["text"],
            clause=form.cleaned_data["clause"], by=request.user,
        )  # fmt: skip
    if statement is None:
        context = _context(request, version, statement_form=form)
        return render(request, "consultation/opinions.html", context, status=400)
    if statement.status == Statement.SHOWN:
        messages.success(request, "Your statement is shown for voting.")
    else:
        messages.success(request, "Thank you. A moderator will read your statement before it is shown for voting.")
    return redirect(reverse("version-opinions", args=[org, slug, number]) + "#new-statement")


def _require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied("This page is for moderators.")


@login_required
def statement_queue(request):
    _require_moderator(request)
    page = Paginator(selectors.pending_statements(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    statements = list(page.object_list)
    for statement in statements:
        statement.conflict = moderation_conflict(  # type: ignore[attr-defined]  # shown next to its buttons
            request.user, organization=statement.version.guideline.organization, author_id=statement.author_id
        )
    return render(request, "consultation/moderation/statements.html", {"page": page, "statements": statements})


@require_POST
@login_required
def moderate(request, pk: int):
    _require_moderator(request)
    statement = get_object_or_404(Statement.objects.select_related("version__guideline__organization"), pk=pk)
    form = StatementModerationForm(request.POST)
    if act_and_tell(request, form, service.moderate_statement, shown=REFUSED, statement=statement):
        shown = form.cleaned_data["action"] == "show"
        messages.success(request, "The statement is shown for voting." if shown else "The statement is rejected.")
    return redirect("statement-moderation-queue")
