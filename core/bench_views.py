"""Endpoints that exist only for bench/run.sh (settings.BENCH_ENDPOINTS), as baselines to compare pages with.

Never in the URLconf unless BENCH_ENDPOINTS is on; bench/run.sh turns it on for its own server only.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

# Not a model: the table exists only in databases that bench/run.sh (or a test) prepared.
CREATE_TABLE = "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, at timestamp NOT NULL)"


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)


@csrf_exempt
@require_POST
def insert_one(request: HttpRequest) -> JsonResponse:
    """One INSERT, the least a write can cost through this stack: the baseline for the comment POST."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (at) VALUES (CURRENT_TIMESTAMP)")
    return JsonResponse({"inserted": 1}, status=201)
