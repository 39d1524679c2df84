"""/statistics/ at 1,000 and at 100,000 decided appeals: the page reads monthly tallies, so it should cost the same.

    DEBUG=1 DATABASE_URL=postgres://.../throwaway python bench/statistics_page.py [small] [large] [requests]

Point it at an empty, migrated database you can throw away. It bulk-creates `small` decided appeals (1,000 by
default) over the past 13 months, across 3 organizations, 6 systems and 4 topics, with their `appeal.filed` and
`appeal.decided` entries in the record (hashes are placeholders: the chain of this database will not verify), folds
them, and times `requests` GETs of /statistics/ (and of an organization's page); then adds appeals up to `large`
(100,000), folds again, and times the same pages. It prints the p50 and p95 of each and the ratio large/small.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

# Replace this script's own folder on the path: its name would otherwise shadow the standard library's statistics.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from appeals.models import AISystem, Appeal, CitedClause, ContestedClause, Decision, Refusal  # noqa: E402
from consultation.models import Clause, Guideline, GuidelineVersion  # noqa: E402
from ledger.kinds import EntryKind  # noqa: E402
from ledger.models import Entry, canonical_json  # noqa: E402
from transparency.fold import fold_record  # noqa: E402

TOPICS = {"B-1.1": ["medical"], "B-2.1": ["security"], "B-3.1": ["political"], "B-4.1": ["religious"]}
OUTCOMES = [Decision.UPHELD, Decision.OVERTURNED, Decision.PARTIAL, Decision.UPHELD]
CHUNK = 5000


def world():
    """Organizations, systems and a guideline each, created once."""
    appellant, _ = User.objects.get_or_create(email="bench@bench.test", defaults={"display_name": "Bench"})
    orgs = []
    for n in range(3):
        org, _ = Organization.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}"})
        guideline, _ = Guideline.objects.get_or_create(organization=org, slug="rules", defaults={"title": "Rules"})
        version, made = GuidelineVersion.objects.get_or_create(
            guideline=guideline, number=1, defaults={"status": "final", "published_at": timezone.now()}
        )
        if made:
            Clause.objects.bulk_create(
                Clause(version=version, key=k, heading=k, text=k, position=i, tags=t)
                for i, (k, t) in enumerate(TOPICS.items())
            )
        systems = [
            AISystem.objects.get_or_create(organization=org, slug=f"s{i}", defaults={"name": f"S{i}"})[0]
            for i in range(2)
        ]
        orgs.append((org, guideline, version, systems))
    return appellant, orgs


@transaction.atomic
def add_decided(appellant, orgs, start: int, stop: int) -> None:
    now = timezone.now()
    last = Entry.objects.order_by("-seq").first()
    seq = last.seq if last else 0
    for first in range(start, stop, CHUNK):
        numbers = range(first, min(first + CHUNK, stop))
        refusals, appeals, entries = [], [], []
        for g in numbers:
            org, guideline, version, systems = orgs[g % 3]
            filed = now - timedelta(days=30 + g % 365, minutes=g % 1000)
            refusals.append(Refusal(system=systems[g % 2], happened_at=filed, prompt_excerpt="p", refusal_excerpt="r"))
        Refusal.objects.bulk_create(refusals)
        for g, refusal in zip(numbers, refusals, strict=True):
            org, guideline, version, systems = orgs[g % 3]
            filed = refusal.happened_at
            appeals.append(
                Appeal(
                    public_id=f"A-1999-{g:06d}",
                    appellant=appellant,
                    refusal=refusal,
                    guideline=guideline,
                    version=version,
                    grounds="g",
                    status=Appeal.DECIDED,
                    filed_at=filed,
                    deadline=filed + timedelta(days=90),
                    closed_at=filed + timedelta(days=g % 120),
                )
            )
        Appeal.objects.bulk_create(appeals)
        keys = {appeal.pk: list(TOPICS)[g % 4] for g, appeal in zip(numbers, appeals, strict=True)}
        ContestedClause.objects.bulk_create(
            ContestedClause(appeal=a, guideline_id=a.guideline_id, key=keys[a.pk]) for a in appeals
        )
        decisions = [
            Decision(
                appeal=a,
                organization_id=a.guideline.organization_id,
                system_id=a.refusal.system_id,
                outcome=OUTCOMES[g % 4],
                rationale="r",
                decided_at=a.closed_at,
            )
            for g, a in zip(numbers, appeals, strict=True)
        ]
        Decision.objects.bulk_create(decisions)
        CitedClause.objects.bulk_create(CitedClause(decision=d, key=keys[d.appeal_id]) for d in decisions)
        for appeal, decision in zip(appeals, decisions, strict=True):
            vote = {"reviewer": "bench", "outcome": decision.outcome}
            decided = {"decision": decision.pk, "outcome": decision.outcome, "votes": [vote]}
            for kind, payload in [(EntryKind.APPEAL_FILED, {}), (EntryKind.APPEAL_DECIDED, decided)]:
                seq += 1
                entries.append(
                    Entry(
                        seq=seq,
                        at=now,
                        kind=kind,
                        subject=appeal.subject,
                        prev_hash=f"{seq:064x}",
                        hash=f"{seq:063x}f",
                        payload=canonical_json({"public_id": appeal.public_id, **payload}),
                    )
                )
        Entry.objects.bulk_create(entries)


def timed(client: Client, url: str, requests: int) -> tuple[float, float]:
    client.get(url)  # warm
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, response.status_code
    times.sort()
    return times[len(times) // 2], times[int(0.95 * len(times)) - 1]


def measure(label: str, requests: int) -> dict[str, tuple[float, float]]:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    results = {}
    for url in ["/statistics/", "/statistics/organizations/bench-0/", "/statistics/?from=2026-Q1&to=2026-Q4"]:
        results[url] = timed(client, url, requests)
        print(f"{label:>8} {url:<45} p50 {results[url][0]:6.1f} ms  p95 {results[url][1]:6.1f} ms")
    return results


def main(small: int, large: int, requests: int) -> None:
    if Appeal.objects.filter(public_id__startswith="A-1999-").exists():
        sys.exit("This database already has benchmark appeals: use an empty one.")
    appellant, orgs = world()
    add_decided(appellant, orgs, 0, small)
    started = time.perf_counter()
    fold_record()
    print(f"folded {small} decided appeals in {time.perf_counter() - started:.1f} s")
    before = measure(f"{small:,}", requests)
    add_decided(appellant, orgs, small, large)
    started = time.perf_counter()
    fold_record()
    print(f"folded {large - small} more in {time.perf_counter() - started:.1f} s")
    after = measure(f"{large:,}", requests)
    for url in before:
        print(f"ratio of p95 at {large:,} to {small:,} for {url}: {after[url][1] / before[url][1]:.2f}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1_000, 100_000, 200][len(args) :]))
