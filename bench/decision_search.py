"""Full-text search at scale on PostgreSQL: adds decisions and comments with SQL, then prints the plan of each
search and its time next to a baseline (the first page of the unfiltered decision list), as ratios.

    DEBUG=1 DATABASE_URL=postgres://.../throwaway python bench/decision_search.py [decisions] [comments]

It seeds the demo if the database has no decision, then copies one decision `decisions` times (100,000 by default)
with varied rationales, one in a thousand about dosage, and adds `comments` comments (100,000 by default) to one
version, one in a thousand about dosage. Point it at a database you can throw away. Timings are the median of
five runs of the first page (21 rows, headlines included), after one warm-up.
"""

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

from appeals.models import Decision  # noqa: E402
from appeals.selectors import listed_decisions, search_decisions, with_headlines  # noqa: E402
from consultation.models import Comment, GuidelineVersion  # noqa: E402
from consultation.selectors import search_comments, with_snippets  # noqa: E402
from core.search import page_key  # noqa: E402

WORDS = "privacy weapons malware travel finance housing school election language translation"
PAGE = 20

COPY = """
INSERT INTO appeals_decision (appeal_id, organization_id, system_id, outcome, rationale, correction_note, decided_at)
SELECT d.appeal_id, d.organization_id, d.system_id, d.outcome,
       'Decision ' || g || ' about ' || (string_to_array(%(words)s, ' '))[1 + g %% 10]
       || CASE WHEN g %% 1000 = 0 THEN ' and dosage' ELSE '' END,
       '', now()
FROM generate_series(1, %(n)s) AS g, (SELECT * FROM appeals_decision ORDER BY id LIMIT 1) AS d
"""
INDEX = """
INSERT INTO appeals_decisionsearch (decision_id, document, clauses)
SELECT d.id, d.rationale, '' FROM appeals_decision d
WHERE NOT EXISTS (SELECT 1 FROM appeals_decisionsearch s WHERE s.decision_id = d.id)
"""
COMMENTS = """
INSERT INTO consultation_comment (version_id, author_id, on_behalf_of, body, status, hidden_reason, hidden_note,
                                  created_at)
SELECT %(version)s, %(author)s, '', 'Comment ' || g || ' on ' || (string_to_array(%(words)s, ' '))[1 + g %% 10]
       || CASE WHEN g %% 1000 = 0 THEN ' and dosage' ELSE '' END, 'published', '', '', now()
FROM generate_series(1, %(n)s) AS g
"""


def timed(run) -> float:
    run()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        run()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def decision_page(q: str = "", before: int | None = None):
    def run():
        rows = list(listed_decisions(search_decisions(q=q, before=before))[: PAGE + 1])
        return with_headlines(rows[:PAGE], q)

    return run


def comment_page(version: GuidelineVersion, q: str, before: int | None = None):
    def run():
        rows = list(search_comments(version, q=q, before=before)[: PAGE + 1])
        return with_snippets(rows[:PAGE], q)

    return run


def main(decisions: int, comments: int) -> None:
    if not Decision.objects.exists():
        call_command("seed_demo")
    version = GuidelineVersion.objects.filter(status=GuidelineVersion.CONSULTATION).first()
    author = Comment.objects.values_list("author_id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(COPY, {"n": decisions, "words": WORDS})
        cursor.execute(INDEX)
        cursor.execute(COMMENTS, {"n": comments, "words": WORDS, "version": version.pk, "author": author})
    with connection.cursor() as cursor:  # VACUUM merges the GIN indexes' pending lists, as autovacuum would
        for table in ["appeals_decision", "appeals_decisionsearch", "consultation_comment"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"{Decision.objects.count()} decisions, {version.comments.count()} comments on {version}")
    print(search_decisions(q="dosage").explain(analyze=True))
    deep = list(search_decisions(q="privacy")[:1000])[-1]
    cases = {
        "decisions, first page (baseline)": decision_page(),
        "decisions, q=xylophone (no match)": decision_page("xylophone"),
        "decisions, q=dosage (1 in 1000)": decision_page("dosage"),
        "decisions, q=privacy (1 in 10)": decision_page("privacy"),
        "decisions, q=privacy, page 50": decision_page("privacy", before=page_key(deep)),
        "comments, q=xylophone (no match)": comment_page(version, "xylophone"),
        "comments, q=dosage (1 in 1000)": comment_page(version, "dosage"),
        "comments, q=privacy (1 in 10)": comment_page(version, "privacy"),
    }
    baseline = None
    for name, run in cases.items():
        ms = timed(run)
        baseline = baseline or ms
        print(f"{name:40} {ms:8.1f} ms  {ms / baseline:6.2f}x baseline")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [100_000, 100_000][len(args) :]))
