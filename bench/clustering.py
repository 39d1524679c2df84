"""How well and how fast comments are clustered: the campaign test's data (5,000 near-identical comments among
5,000 distinct ones) clustered through consultation.services.campaigns, for several parameter sets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench .venv/bin/python bench/clustering.py \
        [--campaign 5000 --distinct 5000 --params 128:0.4:2 64:0.4:2]

Each parameter set is num_perm:threshold:shingle_words. Everything runs in a transaction that is rolled back, so
any database with the project's migrations will do. Prints, per set: the share of the campaign in its largest
cluster, the share of distinct comments wrongly clustered, clustered comments per second and band rows stored.
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from consultation.models import Comment, CommentBand  # noqa: E402
from consultation.services import campaigns  # noqa: E402
from tests.consultation.campaign_text import campaign_comment, distinct_comment  # noqa: E402
from tests.consultation.factories import CommentPeriodFactory  # noqa: E402
from tests.factories import UserFactory  # noqa: E402


class RolledBack(Exception):
    pass


def run(campaign: int, distinct: int) -> tuple[float, float, float, int]:
    rng = random.Random(2026)
    bodies = [(True, campaign_comment(rng)) for _ in range(campaign)]
    bodies += [(False, distinct_comment(rng)) for _ in range(distinct)]
    rng.shuffle(bodies)
    try:
        with transaction.atomic():
            version, author = CommentPeriodFactory().version, UserFactory()
            comments = Comment.objects.bulk_create(
                [Comment(version=version, author=author, body=b, text_hash=campaigns.text_hash(b)) for _, b in bodies],
                batch_size=1000,
            )
            started = time.perf_counter()
            campaigns.cluster_pending_comments(version=version, batch=1000)
            seconds = time.perf_counter() - started
            clusters = dict(Comment.objects.filter(version=version).values_list("pk", "cluster_id"))
            bands = CommentBand.objects.count()
            raise RolledBack
    except RolledBack:
        pass
    in_campaign = {c.pk for c, (is_campaign, _) in zip(comments, bodies, strict=True) if is_campaign}
    largest = Counter(clusters[pk] for pk in in_campaign).most_common(1)[0][1]
    wrong = sum(1 for pk, cluster in clusters.items() if pk not in in_campaign and cluster != pk)
    return largest / campaign, wrong / distinct, len(bodies) / seconds, bands


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaign", type=int, default=5000)
    parser.add_argument("--distinct", type=int, default=5000)
    parser.add_argument("--params", nargs="+", default=["128:0.4:2", "64:0.4:2", "128:0.5:2", "128:0.3:3"])
    options = parser.parse_args()
    settings.DEBUG = False  # no query log: it would hold every statement in memory
    print("num_perm threshold shingle  campaign_in_one_cluster  distinct_wrongly_clustered  comments/s  band_rows")
    for params in options.params:
        num_perm, threshold, words = params.split(":")
        settings.CLUSTERING_NUM_PERM, settings.CLUSTERING_THRESHOLD = int(num_perm), float(threshold)
        settings.CLUSTERING_SHINGLE_WORDS = int(words)
        campaigns._bands.cache_clear()
        recall, wrong, rate, bands = run(options.campaign, options.distinct)
        print(f"{num_perm:>8} {threshold:>9} {words:>7}  {recall:>23.3f}  {wrong:>26.4f}  {rate:>10.0f}  {bands:>9}")


if __name__ == "__main__":
    main()
