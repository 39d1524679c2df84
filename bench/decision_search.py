"""Decision search at scale on PostgreSQL: adds decisions with SQL, then prints the plan and timing of a search.

    DEBUG=1 DATABASE_URL=postgres://.../throwaway python bench/decision_search.py [decisions]

It seeds the demo if the database has no decision, then copies one decision `decisions` times (100,000 by default)
with varied rationales, one in a thousand about dosage. Point it at a database you can throw away.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from appeals.models import Decision  # noqa: E402
from appeals.selectors import search_decisions  # noqa: E402

WORDS = "privacy weapons malware travel finance housing school election language translation"

COPY = """
INSERT INTO appeals_decision (appeal_id, organization_id, system_id, outcome, rationale, correction_note, decided_at)
SELECT d.appeal_id, d.organization_id, d.system_id, d.outcome,
       'Decision ' || g || ' about ' || (string_to_array(%(words)s, ' '))[1 + g %% 10]
       || CASE WHEN g %% 1000 = 0 THEN ' and dosage' ELSE '' END,
       '', now()
FROM generate_series(1, %(n)s) AS g, (SELECT * FROM appeals_decision ORDER BY id LIMIT 1) AS d
"""
INDEX = """
INSERT INTO appeals_decisionsearch (decision_id, document)
SELECT d.id, d.rationale FROM appeals_decision d
WHERE NOT EXISTS (SELECT 1 FROM appeals_decisionsearch s WHERE s.decision_id = d.id)
"""


def main(n: int) -> None:
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    if not Decision.objects.exists():
        call_command("seed_demo")
    with connection.cursor() as cursor:
        cursor.execute(COPY, {"n": n, "words": WORDS})
        cursor.execute(INDEX)
        cursor.execute("ANALYZE appeals_decision; ANALYZE appeals_decisionsearch")
    print(f"{Decision.objects.count()} decisions")
    found = search_decisions(q="dosage")
    print(found.explain(analyze=True))
    started = time.perf_counter()
    rows = list(found[:21])
    print(f"first page: {len(rows)} decisions in {1000 * (time.perf_counter() - started):.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
