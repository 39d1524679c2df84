"""Pages of audits, of the reads under one, and of the appeals one covers: keyset pages, newest first."""

from django.db.models import QuerySet

from accounts.models import Organization
from appeals.models import Appeal
from audits.models import Audit, AuditRead


def listed_audits(*, organization: Organization | None = None, before: int | None = None) -> QuerySet[Audit]:
    audits = Audit.objects.for_pages().order_by("-pk")
    if organization is not None:
        audits = audits.covering(organization)
    return audits.filter(pk__lt=before) if before else audits


def audit_reads(audit: Audit, *, before: int | None = None) -> QuerySet[AuditRead]:
    reads = audit.reads.select_related("appeal").order_by("-pk")
    return reads.filter(pk__lt=before) if before else reads


def appeals_in_scope(audit: Audit, *, before: int | None = None) -> QuerySet[Appeal]:
    appeals = audit.appeals_in_scope().select_related("guideline__organization", "refusal__system").order_by("-pk")
    return appeals.filter(pk__lt=before) if before else appeals


def page(rows: QuerySet, size: int) -> tuple[list, int | None]:
    """One page of `rows` and the cursor of the next (older) page, or None when this is the last."""
    found = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)
