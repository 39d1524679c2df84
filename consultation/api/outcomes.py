"""The close-out of a final version as JSON: the stored document, whose SHA-256 is on the record."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from consultation.selectors.outcomes import published_closeout


class VersionOutcome(APIView):
    """The "you said, we did" report of a final version. The SHA-256 of its canonical JSON (keys sorted, no spaces,
    UTF-8) is in the record's `closeout.published` entry about the version, and in the X-Document-SHA256 header."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org: str, slug: str, number: int):
        closeout = published_closeout(request.user, org, slug, number)
        return Response(closeout.document, headers={"X-Document-SHA256": closeout.document_sha256})
