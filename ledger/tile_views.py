"""/record/tile/...: the record's tree and entries as C2SP tlog-tiles (ledger.tiles), beside /record/checkpoint."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from core.cors import readable_from_any_site
from ledger import tiles

PLAIN_TEXT = "text/plain; charset=utf-8"
# A full tile never changes. A partial one never does either, but the spec lets a log stop serving it once the
# full tile exists, so caches keep it about as long as a checkpoint lasts (RECORD_CHECKPOINT_EVERY_SECONDS).
FULL_TILE = "public, max-age=31536000, immutable"
PARTIAL_TILE = "public, max-age=60"


@require_safe
@readable_from_any_site
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """One hash tile or entry bundle that the latest checkpoint covers; two queries whatever the record's size."""
    try:
        wanted = tiles.parse_tile_path(f"tile/{path}")
    except tiles.BadTilePath as error:
        return _refusal(400, str(error))
    size = tiles.latest_checkpoint_size()
    if wanted.leaves_needed > size:
        return _refusal(
            404,
            f"No such tile yet: {wanted.path} needs a checkpoint of at least "
            f"{wanted.leaves_needed} entries; the latest is of {size} (/record/checkpoint).",
        )
    response = HttpResponse(tiles.tile_data(wanted), content_type="application/octet-stream")
    response["Cache-Control"] = FULL_TILE if wanted.is_full else PARTIAL_TILE
    return response


def _refusal(status: int, message: str) -> HttpResponse:
    # Not cached: a tile missing now is served once a checkpoint covers it.
    response = HttpResponse(message + "\n", status=status, content_type=PLAIN_TEXT)
    response["Cache-Control"] = "no-cache"
    return response
