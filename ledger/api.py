import base64
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, views
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import CursorPagination, KnownParameters
from core.ids import parse_id
from core.schema import whole_number
from ledger.checkpoints import add_cosignature
from ledger.models import Checkpoint, Entry
from ledger.selectors import consistency_proof, root_and_inclusion_proof, tree_size


class EntryOutput(serializers.ModelSerializer[Entry]):
    payload = serializers.JSONField(source="data")

    class Meta:
        model = Entry
        fields = ["seq", "at", "kind", "subject", "payload", "prev_hash", "hash"]


class OldestFirst(CursorPagination):
    ordering = "seq"


@extend_schema(
    parameters=[OpenApiParameter("after", whole_number(minimum=0), description="Only entries with a higher seq.")]
)
class RecordList(KnownParameters, generics.ListAPIView[Entry]):
    """The public record, oldest first: every entry with its hash chain."""

    parameters = ("after",)
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


IMMUTABLE = "public, max-age=31536000, immutable"
SIZE_HELP = "A tree size: the number of entries, from 1 to the current size of the record."


class WholeNumberField(serializers.IntegerField):
    """A whole number in ASCII digits only, as every id and size in our URLs (see core.ids.parse_id)."""

    def to_internal_value(self, data: Any) -> int:
        number = parse_id(data) if isinstance(data, str) else None
        if number is None:
            self.fail("invalid")
        return super().to_internal_value(number)


def _within_record(size: int, context: Mapping[str, Any]) -> int:
    if size > context["tree_size"]:
        raise serializers.ValidationError(f"The record has only {context['tree_size']} entries.")
    return size


class ProofQuery(serializers.Serializer[Any]):
    size = WholeNumberField(min_value=1, help_text=SIZE_HELP)

    def validate_size(self, size: int) -> int:
        return _within_record(size, self.context)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["size"] < self.context["seq"]:
            raise serializers.ValidationError(
                {"size": [f"Entry #{self.context['seq']} is not in a tree of that size."]}
            )
        return data


class ConsistencyQuery(serializers.Serializer[Any]):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword, so the fields cannot be class attributes.
        return {
            "from": WholeNumberField(min_value=1, help_text="The size of the older tree."),
            "to": WholeNumberField(min_value=1, help_text="The size of the newer tree, at most the record's size."),
        }

    def validate_to(self, size: int) -> int:
        return _within_record(size, self.context)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["from"] > data["to"]:
            raise serializers.ValidationError({"from": ["from must not be larger than to."]})
        return data


def _base64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(value).decode() for value in hashes]


class InclusionProofOutput(serializers.Serializer[Any]):
    seq = serializers.IntegerField()
    leaf_index = serializers.IntegerField(help_text="seq - 1")
    size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="Base64 Merkle root of the tree of that size.")
    hashes = serializers.ListField(child=serializers.CharField(), help_text="RFC 6962 audit path, base64.")


class ConsistencyProofOutput(serializers.Serializer[Any]):
    hashes = serializers.ListField(child=serializers.CharField(), help_text="RFC 6962 consistency proof, base64.")


# A record of seven entries whose hashes are sha256("0") ... sha256("6").
PROOF_EXAMPLE = {
    "seq": 3,
    "leaf_index": 2,
    "size": 5,
    "root_hash": "TiP7QNiHbxKZzKmzwoQyoBsR0aIBJmBpFGEokv8uCac=",
    "hashes": [
        "OVQh310Kdb3rPC/0K5bAceThl7HfW397v9PmGkhk3kY=",
        "u7RBUwvd7VTm4r/NyCmBn/ObMHaOufAjBx3/wWtBDxA=",
        "TGv4F2OVYqvux9OiptTSqvPh6Bjg/4LNBKQ0Y/+E9tY=",
    ],
}
CONSISTENCY_EXAMPLE = {
    "from": 3,
    "to": 7,
    "hashes": [
        "OT7IaG9I6FTTjGhTCwrcFGllUlLhLsfYSeTkEXt61Kc=",
        "OVQh310Kdb3rPC/0K5bAceThl7HfW397v9PmGkhk3kY=",
        "u7RBUwvd7VTm4r/NyCmBn/ObMHaOufAjBx3/wWtBDxA=",
        "YOE7PbQ+z4F7W3UxaGak7YKPyYpSYHww/iA1m1ykC0E=",
    ],
}


@extend_schema(
    parameters=[OpenApiParameter("size", whole_number(), required=True, description=SIZE_HELP)],
    responses={200: InclusionProofOutput},
    examples=[OpenApiExample("Entry 3 in the tree of 5 entries", value=PROOF_EXAMPLE, response_only=True)],
)
class InclusionProof(views.APIView):
    """The proof that entry `seq` is in the tree of the first `size` entries (RFC 6962 / Go's sumdb/tlog)."""

    def get(self, request: Request, seq: int) -> Response:
        if seq < 1:
            raise ValidationError({"seq": ["Give the seq of an entry: 1 or more."]})
        query = ProofQuery(data=request.query_params, context={"seq": seq, "tree_size": tree_size()})
        query.is_valid(raise_exception=True)
        size = query.validated_data["size"]
        root, proof = root_and_inclusion_proof(seq=seq, size=size)
        body = {
            "seq": seq,
            "leaf_index": seq - 1,
            "size": size,
            "root_hash": _base64([root])[0],
            "hashes": _base64(proof),
        }
        return Response(body, headers={"Cache-Control": IMMUTABLE})


@extend_schema(
    parameters=[
        OpenApiParameter(
            "from", whole_number(), required=True, description="The size of the older tree, from 1 to `to`."
        ),
        OpenApiParameter(
            "to",
            whole_number(),
            required=True,
            description="The size of the newer tree, from `from` to the current size of the record.",
        ),
    ],
    responses={200: ConsistencyProofOutput},
    examples=[
        OpenApiExample("From 3 entries to 7", value=CONSISTENCY_EXAMPLE, response_only=True),
    ],
)
class ConsistencyProof(views.APIView):
    """The proof that the tree of `from` entries is a prefix of the tree of `to` entries: nothing was rewritten."""

    def get(self, request: Request) -> Response:
        query = ConsistencyQuery(data=request.query_params, context={"tree_size": tree_size()})
        query.is_valid(raise_exception=True)
        old, new = query.validated_data["from"], query.validated_data["to"]
        body = {"from": old, "to": new, "hashes": _base64(consistency_proof(old=old, new=new))}
        return Response(body, headers={"Cache-Control": IMMUTABLE})


class CheckpointOutput(serializers.ModelSerializer[Checkpoint]):
    note = serializers.CharField(source="cosigned_note", help_text="The signed note with witnesses' cosignatures.")

    class Meta:
        model = Checkpoint
        fields = ["size", "root_hash", "published_at", "note"]


class BySize(CursorPagination):
    ordering = "size"


class CheckpointList(KnownParameters, generics.ListAPIView[Checkpoint]):
    """Every signed checkpoint of the record, oldest first (c2sp.org/tlog-checkpoint notes)."""

    serializer_class = CheckpointOutput
    pagination_class = BySize
    queryset = Checkpoint.objects.prefetch_related("cosignatures")


COSIGNATURE_EXAMPLE = (
    "— witness.example.org/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA=="
)


COSIGNATURE_EXAMPLE = (
    "— witness.example.org/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA=="
)


class CosignatureInput(serializers.Serializer[Any]):
    cosignature = serializers.CharField(
        max_length=500,
        trim_whitespace=False,
        help_text="One c2sp.org/tlog-cosignature v1 signature line, '— <witness name> <base64>', over the checkpoint.",
    )


@extend_schema(
    request=CosignatureInput,
    responses={201: CheckpointOutput, 200: CheckpointOutput},
    examples=[
        OpenApiExample(
            "A witness's cosignature",
            value={"cosignature": COSIGNATURE_EXAMPLE},
            request_only=True,
        )
    ],
)
class CosignatureCreate(views.APIView):
    """A registered witness cosigns a checkpoint it checked; 403 for a key staff did not register."""

    def post(self, request: Request, size: int) -> Response:
        checkpoint = get_object_or_404(Checkpoint, size=size)
        data = CosignatureInput(data=request.data)
        data.is_valid(raise_exception=True)
        _, created = add_cosignature(checkpoint=checkpoint, line=data.validated_data["cosignature"])
        return Response(CheckpointOutput(checkpoint).data, status=201 if created else 200)
