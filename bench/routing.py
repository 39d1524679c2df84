"""Times routing: appeals awaiting review routed one by one through appeals.services.route_appeal, and prints one
JSON line (appeals per second, and the history it ran against). Everything it writes is rolled back.

    DEBUG=1 DATABASE_URL=... python bench/routing.py [--appeals 20]

bench/run.sh runs it on the demo database and on the large one (seed_scale --assignments), in alternation.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import ReviewerProfile, User  # noqa: E402
from appeals.models import Appeal, Assignment, ContestedClause, Refusal  # noqa: E402
from appeals.services import route_appeal  # noqa: E402
from demo.scale_appeals import _reserve_public_ids  # noqa: E402


def awaiting_review(count: int) -> list[Appeal]:
    """`count` admitted appeals like the demo's decided ones, waiting for a reviewer."""
    model = Appeal.objects.filter(status=Appeal.DECIDED).select_related("refusal").order_by("pk").first()
    moderator = User.objects.filter(is_moderator=True).order_by("pk").first()
    now = timezone.now()
    numbers = _reserve_public_ids(now.year, count)
    refusals = Refusal.objects.bulk_create(
        Refusal(
            system_id=model.refusal.system_id,
            happened_at=model.refusal.happened_at,
            prompt_excerpt=f"Routing bench {n}",
            refusal_excerpt="I can't help with that.",
        )
        for n in numbers
    )
    appeals = Appeal.objects.bulk_create(
        Appeal(
            public_id=f"A-{now.year}-{n:06d}",
            appellant_id=model.appellant_id,
            refusal=refusal,
            guideline_id=model.guideline_id,
            version_id=model.version_id,
            grounds="Routing bench.",
            status=Appeal.AWAITING_REVIEW,
            deadline=now + timedelta(days=90),
            screened_by=moderator,
            admitted_by=moderator,
        )
        for n, refusal in zip(numbers, refusals, strict=True)
    )
    keys = list(model.contested_clauses.values_list("key", flat=True)) or ["R-1.1"]
    ContestedClause.objects.bulk_create(
        ContestedClause(appeal=appeal, guideline_id=model.guideline_id, key=keys[0]) for appeal in appeals
    )
    return appeals


def routing_rate(count: int) -> dict:
    with transaction.atomic():
        history = Assignment.objects.count()
        reviewers = ReviewerProfile.objects.active().count()
        warm_up, *appeals = awaiting_review(count + 1)
        route_appeal(appeal=warm_up)  # loads templates and caches once, as a running worker has
        started = time.perf_counter()
        offered = sum(len(route_appeal(appeal=appeal).offered) for appeal in appeals)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "appeals": count,
        "offered": offered,
        "seconds": seconds,
        "appeals_per_second": count / seconds,
        "past_assignments": history,
        "reviewers": reviewers,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=int(os.environ.get("BENCH_ROUTING_APPEALS", 20)))
    print(json.dumps(routing_rate(parser.parse_args().appeals)))
