"""Audit reports and the organizations' responses, bound to the record by their hash (ledger.content)."""

from collections.abc import Iterator

from audits.models import AuditReport, AuditResponse
from ledger.content import Binding, BoundText, provide_bound_texts
from ledger.kinds import EntryKind


def _reports() -> Iterator[BoundText]:
    for pk, audit_id, body in AuditReport.objects.order_by("pk").values_list("pk", "audit_id", "body").iterator():
        yield BoundText(name=f"audit report {pk}", subject=f"audit:{audit_id}", text=body, key=pk)


def _responses() -> Iterator[BoundText]:
    for pk, audit_id, body in AuditResponse.objects.order_by("pk").values_list("pk", "audit_id", "body").iterator():
        yield BoundText(name=f"audit response {pk}", subject=f"audit:{audit_id}", text=body, key=pk)


BINDINGS = (
    Binding("audit reports", (EntryKind.AUDIT_REPORT_PUBLISHED,), "text_sha256", _reports, key_field="report"),
    Binding("audit responses", (EntryKind.AUDIT_RESPONDED,), "text_sha256", _responses, key_field="response"),
)


def provide() -> None:
    for binding in BINDINGS:
        provide_bound_texts(binding)
