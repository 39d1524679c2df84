"""Appeals' public texts and the entries that bind them (ledger.content), handed over in ready()."""

from collections.abc import Iterator

from appeals.models import Decision, OrganizationResponse
from ledger.content import Binding, BoundText, provide_bound_texts
from ledger.kinds import EntryKind

CHUNK = 2000


def _decisions() -> Iterator[BoundText]:
    rows = Decision.objects.order_by("pk").values_list("pk", "appeal__public_id", "rationale")
    for pk, public_id, rationale in rows.iterator(CHUNK):
        yield BoundText(name=f"decision {pk}", subject=f"appeal:{public_id}", text=rationale, key=pk)


def _responses() -> Iterator[BoundText]:
    rows = OrganizationResponse.objects.order_by("pk").values_list("pk", "decision__appeal__public_id", "text")
    for pk, public_id, text in rows.iterator(CHUNK):
        yield BoundText(name=f"response {pk}", subject=f"appeal:{public_id}", text=text, key=pk)


BINDINGS = (
    Binding(
        "decisions",
        (EntryKind.APPEAL_DECIDED, EntryKind.APPEAL_CORRECTED),
        "rationale_sha256",
        _decisions,
        key_field="decision",
    ),
    Binding("responses", (EntryKind.APPEAL_RESPONDED,), "text_sha256", _responses, key_field="response"),
)


def provide() -> None:
    for binding in BINDINGS:
        provide_bound_texts(binding)
