"""The `receipt` field of the API's comments, suggestions, statements, appeals and decisions (ledger.receipts).

Its value is the receipt's URL once a signed checkpoint covers the object's entry, and null until then. A list's
receipts are looked up at once (`ReceiptsList`, one query a page); `prefetch_receipts` does the same for the
objects one response nests.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models.manager import BaseManager
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.receipts import ReceiptLink, Target, receipt_links

LINKS = "receipt_links"
HELP = (
    "The URL of this object's receipt (its record entry, inclusion proof and a signed checkpoint, as a "
    "c2sp.org/tlog-proof), or null until the next checkpoint covers its entry (RECORD_CHECKPOINT_EVERY_SECONDS)."
)


def prefetch_receipts(context: Mapping[str, Any], targets: Iterable[Target]) -> None:
    """Look up, at once, the receipts that the serializers sharing `context` (a root serializer's dict) will show,
    and the others of the same subjects (an appeal's decisions with the appeal)."""
    links: dict[Target, ReceiptLink | None] = context.get(LINKS, {})
    missing = [target for target in targets if target not in links]
    links.update(dict.fromkeys(missing) | receipt_links(missing))
    context[LINKS] = links  # type: ignore[index]  # every serializer's context is its root's dict


def just_recorded(*objects: Any) -> dict[str, Any]:
    """The serializer context for objects whose entries this very request appended: no checkpoint can cover them yet,
    so their receipts are null without a query (a comment POST stays within its query budget)."""
    return {LINKS: {(instance.subject, None): None for instance in objects}}


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class ReceiptField(serializers.Field):  # type: ignore[type-arg]
    """`ReceiptField()` for an object whose record subject is its own; `ReceiptField(decision=True)` for a decision,
    recorded about its appeal."""

    def __init__(self, *, decision: bool = False, **kwargs: Any) -> None:
        self.decision = decision
        super().__init__(source="*", read_only=True, allow_null=True, help_text=HELP, **kwargs)

    def target(self, instance: Any) -> Target:
        return (instance.appeal.subject, instance.pk) if self.decision else (instance.subject, None)

    def to_representation(self, instance: Any) -> str | None:
        target = self.target(instance)
        prefetch_receipts(self.context, [target])
        link = self.context[LINKS][target]
        if link is None or not link.ready:
            return None
        request = self.context.get("request")
        return str(request.build_absolute_uri(link.url)) if request else link.url


class ReceiptsList(serializers.ListSerializer):  # type: ignore[type-arg]
    """A list serializer that looks up every item's receipt in one go: set as the child's Meta.list_serializer_class."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if isinstance(data, BaseManager) else data)
        field = self.child.fields["receipt"]  # type: ignore[union-attr]
        prefetch_receipts(self.context, [field.target(item) for item in items])
        return super().to_representation(items)
