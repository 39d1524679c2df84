"""Prints, as one JSON line, the paths bench/load.py fills its targets with, from the database it points at.

    DEBUG=1 DATABASE_URL=... python bench/paths.py [--counts]

With --counts, the row counts the write checks compare instead.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from appeals.models import Appeal, Decision  # noqa: E402
from consultation.models import Comment, GuidelineVersion  # noqa: E402

DEEP = 30  # decisions from the oldest: the last pages of the list, as deep as a cursor goes


def paths() -> dict:
    version = (
        GuidelineVersion.objects.filter(guideline__slug__startswith="scale-")
        .select_related("guideline__organization")
        .order_by("-pk")
        .first()
    )
    if version is None:
        raise SystemExit("No large version here: run manage.py seed_scale first.")
    guideline = version.guideline
    oldest = list(Decision.objects.order_by("pk").values_list("pk", flat=True)[:DEEP])
    appeal = Appeal.objects.filter(status=Appeal.DECIDED).order_by("pk").first()
    return {
        "version": version.get_absolute_url(),
        "version_api": f"/api/v1/guidelines/{guideline.organization.slug}/{guideline.slug}/versions/{version.number}/",
        "deep_before": oldest[-1],
        "appeal": appeal.get_absolute_url(),
    }


def counts() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_insert")
        (inserted,) = cursor.fetchone()
    return {"comments": Comment.objects.count(), "bench_insert": inserted}


if __name__ == "__main__":
    print(json.dumps(counts() if "--counts" in sys.argv else paths()))
