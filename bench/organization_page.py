"""The organization page and its recommendations API as the recommendations grow: p95 at 1,000 and at 100,000.

    createdb wd_bench_recs   # a database you can throw away
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench_recs .venv/bin/python manage.py migrate
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench_recs .venv/bin/python bench/organization_page.py

It seeds the demo if there is no recommendation, then copies the demo organization's recommendations with SQL (in
every state, some overdue) up to each size, and times the page (the tracker, the overdue list and a filtered view)
and the API list; it prints p95 and median and the ratio of each p95 to the one at the smallest size.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from appeals.models import Recommendation  # noqa: E402

ORGANIZATION = "acme-ai"
# Copies cycle through the states; one in fifty is overdue, so the overdue list is long too.
COPY = """
INSERT INTO appeals_recommendation (decision_id, organization_id, public_id, text, made_at, respond_by, state,
                                    response, responded_at, implemented_on, evidence_url, reminded_days,
                                    overdue_flagged_at)
SELECT r.decision_id, r.organization_id, 'B-' || (%(start)s + g) || '-R1', 'Copy ' || g || ': ' || r.text,
       now() - interval '1 day', now() + CASE WHEN g %% 50 = 0 THEN interval '-1 day' ELSE interval '59 days' END,
       (ARRAY['awaiting_response','accepted','partly_accepted','declined','already_done','in_progress','implemented'])
           [1 + g %% 7],
       (ARRAY['','accepted','partly_accepted','declined','already_done','accepted','accepted'])[1 + g %% 7],
       NULL, NULL, '', NULL, NULL
FROM generate_series(1, %(n)s) AS g,
     (SELECT * FROM appeals_recommendation WHERE organization_id = %(org)s ORDER BY id LIMIT 1) AS r
"""
# What the services keep as they go, recounted for the copied rows.
RECOUNT = """
DELETE FROM appeals_recommendationtally WHERE organization_id = %(org)s;
INSERT INTO appeals_recommendationtally (organization_id, figure, count)
SELECT %(org)s, figure, count(*) FROM (
    SELECT 'made' AS figure FROM appeals_recommendation WHERE organization_id = %(org)s
    UNION ALL SELECT 'responded' FROM appeals_recommendation WHERE organization_id = %(org)s AND response <> ''
    UNION ALL SELECT response FROM appeals_recommendation WHERE organization_id = %(org)s AND response <> ''
    UNION ALL SELECT state FROM appeals_recommendation WHERE organization_id = %(org)s
        AND state IN ('awaiting_response', 'in_progress', 'implemented')
) AS figures GROUP BY figure
"""
PAGES = ["/organizations/acme-ai/", "/organizations/acme-ai/?state=declined", "/organizations/acme-ai/?state=overdue"]
API = "/api/v1/organizations/acme-ai/recommendations/?state=implemented"


def grow_to(size: int) -> None:
    organization_id = Recommendation.objects.filter(organization__slug=ORGANIZATION).values("organization_id")[:1]
    have = Recommendation.objects.filter(organization__slug=ORGANIZATION).count()
    if have >= size:
        return
    with connection.cursor() as cursor:
        organization = organization_id[0]["organization_id"]
        cursor.execute(COPY, {"start": have, "n": size - have, "org": organization})
        cursor.execute(RECOUNT, {"org": organization})
        cursor.execute("ANALYZE appeals_recommendation")


def timed(client: Client, path: str, repeats: int) -> tuple[float, float, int]:
    client.get(path)  # warm
    timings = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.quantiles(timings, n=20)[-1], statistics.median(timings), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeats", type=int, default=40)
    arguments = parser.parse_args()
    if not Recommendation.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client(HTTP_HOST="127.0.0.1")
    baseline: dict[str, float] = {}
    print(f"{'recommendations':>15} | {'page':<45} | {'p95 ms':>7} | {'median':>7} | queries | p95 ratio")
    for size in map(int, arguments.sizes.split(",")):
        grow_to(size)
        for path in [*PAGES, API]:
            p95, median, queries = timed(client, path, arguments.repeats)
            baseline.setdefault(path, p95)
            ratio = p95 / baseline[path]
            print(f"{size:>15,} | {path:<45} | {p95:>7.1f} | {median:>7.1f} | {queries:>7} | {ratio:.2f}")


if __name__ == "__main__":
    main()
