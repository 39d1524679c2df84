"""How long a recomputation of opinion groups takes, and how much memory, at 10,000 participants × 500 statements.

    .venv/bin/python bench/opinion.py [--participants 10000 --statements 500 --votes-each 100 --camps 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench .venv/bin/python bench/opinion.py --end-to-end

Synthetic votes: each participant belongs to one of `camps` camps, votes on `votes-each` statements drawn at random
(agree or disagree by their camp's stance, a tenth at random). Measured on the matrix function
(consultation.opinion_groups: Votes.from_rows, then compute), the peak of Python's allocations by tracemalloc and
the process's peak resident size by getrusage. With --end-to-end it also stores the votes in a transaction that is
rolled back and times the Celery task's service, publish_opinion_groups (reading the votes, computing, storing the
groups and 10,000 memberships).
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from consultation.opinion_groups import Votes, compute  # noqa: E402

WORDS = np.array(["disagree", "pass", "agree"])


def synthetic(participants: int, statements: int, votes_each: int, camps: int, seed: int = 2026):
    rng = np.random.default_rng(seed)
    stance = rng.choice([-1, 1], size=(camps, statements))
    camp = rng.integers(camps, size=participants)
    # Each participant's statements: the first `votes_each` of a random permutation (no statement twice).
    chosen = np.argsort(rng.random((participants, statements)), axis=1)[:, :votes_each]
    rows = np.repeat(np.arange(participants), votes_each)
    cols = chosen.ravel()
    values = stance[camp[rows], cols]
    noisy = rng.random(len(values)) < 0.1
    values[noisy] = rng.integers(-1, 2, size=int(noisy.sum()))
    keys = np.array([f"{n:016x}" for n in range(participants)])
    return keys, rows, cols, values


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def matrix(keys, rows, cols, values) -> None:
    triples = list(zip(keys[rows].tolist(), cols.tolist(), WORDS[values + 1].tolist(), strict=True))
    tracemalloc.start()
    started = time.perf_counter()
    votes = Votes.from_rows(triples)
    built = time.perf_counter()
    groups = compute(votes)
    done = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"votes                  {len(triples):,} ({len(votes.participants):,} participants × {len(votes.statements)})"
    )
    print(f"Votes.from_rows        {built - started:.2f} s")
    print(f"compute                {done - built:.2f} s  (k={groups.k}, silhouette {groups.silhouette:.3f})")
    print(f"peak traced memory     {peak / 2**20:.0f} MiB (tracemalloc, from_rows + compute)")
    print(f"peak resident size     {peak_rss_mb():.0f} MiB (getrusage, the whole process)")


def end_to_end(keys, rows, cols, values, statements: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from consultation.models import Participant, Statement, Vote
    from consultation.services.grouping import publish_opinion_groups
    from tests.consultation.factories import CommentPeriodFactory
    from tests.factories import UserFactory

    class RolledBack(Exception):
        pass

    try:
        with transaction.atomic():
            version, author = CommentPeriodFactory().version, UserFactory()
            made = Statement.objects.bulk_create(
                [Statement(version=version, author=author, text=f"S{n}", status="shown") for n in range(statements)]
            )
            # Unusable passwords, no hashing: nobody signs in.
            unusable = make_password(None)
            users = User.objects.bulk_create(
                [User(email=f"b{n}@example.org", display_name=f"B{n}", password=unusable) for n in range(len(keys))],
                batch_size=2000,
            )
            people = Participant.objects.bulk_create(
                [Participant(version=version, user=u, pseudonym=k) for u, k in zip(users, keys, strict=True)],
                batch_size=2000,
            )
            triples = list(zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True))
            for start in range(0, len(triples), 20_000):  # a slice at a time: a million Vote objects at once is 1 GB
                Vote.objects.bulk_create(
                    [
                        Vote(participant=people[r], statement=made[c], vote=str(WORDS[v + 1]))
                        for r, c, v in triples[start : start + 20_000]
                    ],
                    batch_size=5000,
                )
            started = time.perf_counter()
            computation = publish_opinion_groups(version=version)
            seconds = time.perf_counter() - started
            print(f"publish_opinion_groups {seconds:.2f} s  (read, compute, store {computation.clustered:,} groups)")
            print(f"peak resident size     {peak_rss_mb():.0f} MiB (getrusage, the whole process)")
            raise RolledBack
    except RolledBack:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--votes-each", type=int, default=100)
    parser.add_argument("--camps", type=int, default=4)
    parser.add_argument("--end-to-end", action="store_true")
    options = parser.parse_args()
    data = synthetic(options.participants, options.statements, options.votes_each, options.camps)
    matrix(*data)
    if options.end_to_end:
        end_to_end(*data, options.statements)


if __name__ == "__main__":
    main()
