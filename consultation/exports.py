"""Every comment of a version as CSV or JSON, streamed row by row so memory stays flat however many there are."""

import json

from django.http import JsonResponse, StreamingHttpResponse

from consultation.models import Comment, GuidelineVersion
from consultation.selectors import visible_version
from core.ratelimit import EXPORT_LIMIT_MESSAGE, too_many_exports
from core.streaming import csv_response

COLUMNS = [
    "id",
    "created_at",
    "clause",
    "parent",
    "status",
    "author",
    "on_behalf_of",
    "assurance",
    "assurance_organization",
    "disputed",
    "body",
    "hidden_reason",
    "endorsements",
    "disposition",
    "response",
    "cluster",
    "cluster_size",
]


def comment_row(comment: Comment) -> dict:
    """One comment for export; a hidden one keeps only its tombstone, never its text or author."""
    try:
        response = comment.response
    except Comment.response.RelatedObjectDoesNotExist:
        response = None
    hidden = comment.is_hidden
    return {
        "id": comment.pk,
        "created_at": comment.created_at.isoformat(),
        "clause": comment.clause.key if comment.clause else None,
        "parent": comment.parent_id,
        "status": comment.status,
        "author": None if hidden else comment.author.public_name,
        "on_behalf_of": "" if hidden else comment.on_behalf_of,
        "assurance": "" if hidden else comment.assurance,
        "assurance_organization": "" if hidden else comment.assurance_organization,
        "disputed": comment.is_disputed,
        "body": comment.tombstone if hidden else comment.body,
        "hidden_reason": comment.hidden_reason,
        "endorsements": comment.endorsement_count,
        "disposition": response.disposition if response else None,
        "response": response.text if response else None,
        "cluster": comment.cluster_id,
        "cluster_size": comment.cluster.size if comment.cluster else None,
    }


def _rows(version: GuidelineVersion):
    return (comment_row(c) for c in version.comments.for_display().order_by("pk").iterator(chunk_size=1000))


def _too_many(request) -> JsonResponse | None:
    if too_many_exports(request):
        return JsonResponse({"detail": EXPORT_LIMIT_MESSAGE, "errors": {}}, status=429)
    return None


def _filename(version: GuidelineVersion, extension: str) -> str:
    guideline = version.guideline
    return f"{guideline.organization.slug}-{guideline.slug}-v{version.number}-comments.{extension}"


def comments_csv(request, org: str, slug: str, number: int):
    version = visible_version(request.user, org=org, slug=slug, number=number)
    if refused := _too_many(request):
        return refused
    rows = ([row[column] for column in COLUMNS] for row in _rows(version))
    return csv_response(header=COLUMNS, rows=rows, filename=_filename(version, "csv"))


def comments_json(request, org: str, slug: str, number: int):
    version = visible_version(request.user, org=org, slug=slug, number=number)
    if refused := _too_many(request):
        return refused

    def chunks():
        yield '{"version": ' + json.dumps(version.get_absolute_url()) + ', "comments": ['
        for index, row in enumerate(_rows(version)):
            yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(version, "json")}"'
    return response
