"""Statements as each person may see them, the moderators' queue of statements, and a person's participant row."""

from django.db.models import QuerySet
from django.http import Http404

from consultation.models import GuidelineVersion, Participant, Statement
from consultation.selectors.guidelines import _seen, visible_version


def statement_to_vote_on(user, *, org: str, slug: str, number: int, pk: int) -> Statement:
    """The statement with its version, guideline and organization in one query (a vote's budget is five)."""
    statement = (
        Statement.objects.select_related("version__guideline__organization")
        .filter(
            version__guideline__organization__slug=org, version__guideline__slug=slug, version__number=number, pk=pk
        )
        .first()
    )
    if statement is None:
        visible_version(user, org=org, slug=slug, number=number)  # a 404 naming the version, if that is what is wrong
        raise Http404("No such statement on this version.")
    _seen(user, statement.version)
    return statement


def participant_of(user, version: GuidelineVersion) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(version=version, user=user).first()


def pending_statements() -> QuerySet[Statement]:
    """Statements waiting for a moderator, oldest first, with what the queue shows of each."""
    return (
        Statement.objects.filter(status=Statement.PENDING)
        .select_related("author", "clause", "version__guideline__organization")
        .order_by("created_at", "pk")
    )
