from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from core.api import CursorPagination
from core.ids import parse_id
from ledger.models import Entry


class EntryOutput(serializers.ModelSerializer):
    payload = serializers.JSONField(source="data")

    class Meta:
        model = Entry
        fields = ["seq", "at", "kind", "subject", "payload", "prev_hash", "hash"]


class OldestFirst(CursorPagination):
    ordering = "seq"


@extend_schema(parameters=[OpenApiParameter("after", OpenApiTypes.INT, description="Only entries with a higher seq.")])
class RecordList(generics.ListAPIView):
    """The public record, oldest first: every entry with its hash chain."""

    serializer_class = EntryOutput
    pagination_class = OldestFirst

    def get_queryset(self) -> QuerySet[Entry]:
        entries = Entry.objects.all()
        after = self.request.query_params.get("after")
        if after is None:
            return entries
        seq = parse_id(after)
        if seq is None:
            raise ValidationError({"after": ["Give the seq of an entry: a whole number, 0 or more."]})
        return entries.after(seq)
