"""The public appeal list and what every appeal page reads."""

from django.db.models import Exists, OuterRef, QuerySet

from appeals.models import (
    Appeal,
    CitedClause,
    ContestedClause,
)
from consultation.models import Clause
from core.periods import within_months


def appeals_for_pages() -> QuerySet[Appeal]:
    """Appeals with what every appeal page shows about them, read in the same query or one prefetch."""
    return Appeal.objects.select_related(
        "refusal__system__organization", "refusal__receipt_key", "guideline__organization", "version"
    ).prefetch_related("contested_clauses")


# The public appeal list, which the statistics link to for what decisions cannot show: appeals filed, admitted,
# found inadmissible (by reason), withdrawn, and overdue now. Public fields only; every filter is an indexed column
# or a keyed subquery.

OVERDUE = "overdue"


def tagged(topic: str, *, version_ref: str, key_ref: str = "key"):
    """Clauses of the referenced version, under the referenced key, carrying `topic` (tags are stored lower-case)."""
    return Clause.objects.filter(version=OuterRef(version_ref), key=OuterRef(key_ref), tags__contains=[topic])


def contested_topic(topic: str):
    """Appeals contesting a clause with this topic, as the statistics count them."""
    contested = ContestedClause.objects.filter(appeal=OuterRef("pk")).filter(
        Exists(tagged(topic, version_ref="appeal__version"))
    )
    return Exists(contested)


def cited_topic(topic: str):
    """Decisions citing a clause with this topic (in the version the appeal was under)."""
    cited = CitedClause.objects.filter(decision=OuterRef("pk")).filter(
        Exists(tagged(topic, version_ref="decision__appeal__version"))
    )
    return Exists(cited)


def public_appeals(
    *,
    organization: str = "",
    system: str = "",
    guideline: str = "",
    clause: str = "",
    topic: str = "",
    status: str = "",
    reason: str = "",
    admitted: str = "",
    first=None,
    last=None,
    before: int | None = None,
) -> QuerySet[Appeal]:
    appeals = Appeal.objects.select_related("guideline__organization", "refusal__system").prefetch_related(
        "contested_clauses"
    )
    if organization:
        appeals = appeals.filter(guideline__organization__slug=organization)
    if system:
        appeals = appeals.filter(refusal__system__slug=system)
    if guideline:
        appeals = appeals.filter(guideline__slug=guideline)
    if clause:
        appeals = appeals.filter(Exists(ContestedClause.objects.filter(appeal=OuterRef("pk"), key=clause)))
    if topic:
        appeals = appeals.filter(contested_topic(topic.lower()))
    if status == OVERDUE:
        appeals = appeals.overdue()
    elif status:
        appeals = appeals.filter(status=status)
    if reason:
        appeals = appeals.filter(inadmissible_reason=reason)
    if admitted:
        appeals = appeals.filter(admitted_by__isnull=False)
    appeals = appeals.filter(within_months("filed_at", first, last))
    if before:
        appeals = appeals.filter(pk__lt=before)
    return appeals.order_by("-pk")
