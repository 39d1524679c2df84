"""Which cached pages an audit's public change touches (see core.caching)."""

from collections.abc import Iterable

from audits.models import AuditScope
from core.caching import tags_for_subject


@tags_for_subject("audit")
def audit_tags(name: str, payload: dict) -> Iterable[str]:
    """Its page (which lists every read), the list of audits and the audited organizations' pages."""
    organizations = AuditScope.objects.filter(audit_id=int(name)).values_list("organization__slug", flat=True)
    return {f"audit:{name}", "audits", *(f"organization:{org}" for org in organizations)}
