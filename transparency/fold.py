"""Folding the public record into the monthly tallies: each run counts the entries after the watermark, loading only
the appeals, decisions and comments those entries name, and moves the watermark in the same transaction.

What each figure counts, and in which month (docs/explanations/statistics.md):
- appeals (filed, admitted, inadmissible by reason, withdrawn): the month the appeal was filed;
- decisions (decided, outcomes, days to decide, on time): the month of the decision in force; a correction moves
  the appeal from the corrected decision's month and outcome to the correction's, keeping the first decision's days;
- comments (top-level, published; answered, dispositions, days from close to answer): the month of posting;
- reviewing (offers, answers, votes, dissent, on time) and final versions: the month it happened;
- refusals reported by the organization (`refused`, from `refusals.reported`): the month of each statement's
  application_date, by system, guideline, clause and the clause's topics, as the entry counts them.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from appeals.models import Appeal, Assignment, Decision
from consultation.models import Clause, Comment
from core.periods import month_of
from ledger.kinds import EntryKind
from ledger.models import Entry
from transparency.models import FoldMark, Tally

RECORD = "record"
Bucket = tuple[str, str, str, date]  # dimension, key, scope, month
REVIEW_KINDS = {
    EntryKind.APPEAL_OFFERED,
    EntryKind.APPEAL_ACCEPTED,
    EntryKind.APPEAL_DECLINED,
    EntryKind.APPEAL_EXPIRED,
}
APPEAL_KINDS = REVIEW_KINDS | {
    EntryKind.APPEAL_FILED,
    EntryKind.APPEAL_ADMITTED,
    EntryKind.APPEAL_INADMISSIBLE,
    EntryKind.APPEAL_WITHDRAWN,
    EntryKind.APPEAL_DECIDED,
    EntryKind.APPEAL_CORRECTED,
}
COMMENT_KINDS = {
    EntryKind.COMMENT_POSTED,
    EntryKind.COMMENT_HIDDEN,
    EntryKind.COMMENT_RESTORED,
    EntryKind.COMMENT_ANSWERED,
}


def fold_next_batch() -> int:
    """Fold at most STATISTICS_FOLD_BATCH entries not yet counted (what the task runs, one batch per run, see
    core/backlog.py); how many. Safe to run twice or at the same time."""
    return _fold_batch(settings.STATISTICS_FOLD_BATCH)


def fold_record() -> int:
    """Fold every entry not yet counted, in batches; returns how many. For tools and tests that mean to wait for all
    of it. Safe to run twice or at the same time."""
    folded = 0
    while True:
        count = _fold_batch(settings.STATISTICS_FOLD_BATCH)
        folded += count
        if count < settings.STATISTICS_FOLD_BATCH:
            return folded


@transaction.atomic
def _fold_batch(size: int) -> int:
    FoldMark.objects.get_or_create(name=RECORD)
    mark = FoldMark.objects.select_for_update().get(name=RECORD)
    entries = list(Entry.objects.after(mark.seq).order_by("seq").only("seq", "at", "kind", "subject", "payload")[:size])
    if not entries:
        return 0
    deltas = _Counter()
    _Batch(entries, deltas).fold()
    deltas.store()
    mark.seq, mark.folded_at = entries[-1].seq, timezone.now()
    mark.save(update_fields=["seq", "folded_at"])
    return len(entries)


class _Counter:
    """The changes of one batch, by tally row, written with one read and two bulk writes."""

    def __init__(self):
        self.rows: dict[Bucket, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, buckets: list[tuple[str, str, str]], month: date, changes: dict[str, int]) -> None:
        for dimension, key, scope in buckets:
            row = self.rows[(dimension, key, scope, month)]
            for name, value in changes.items():
                row[name] += value

    def store(self) -> None:
        wanted = {(d, k, m): (s, c) for (d, k, s, m), c in self.rows.items() if any(c.values())}
        if not wanted:
            return
        existing = Tally.objects.select_for_update().filter(
            dimension__in={d for d, _, _ in wanted},
            key__in={k for _, k, _ in wanted},
            month__in={m for *_, m in wanted},
        )
        changed = []
        for tally in existing:
            if (found := wanted.pop((tally.dimension, tally.key, tally.month), None)) is not None:
                tally.counts = _merged(tally.counts, found[1])
                changed.append(tally)
        Tally.objects.bulk_update(changed, ["counts"], batch_size=500)
        Tally.objects.bulk_create(
            [
                Tally(dimension=d, key=k, scope=s, month=m, counts=_merged({}, c))
                for (d, k, m), (s, c) in wanted.items()
            ],
            batch_size=500,
        )


def _merged(counts: dict, changes: dict) -> dict:
    merged = dict(counts)
    for name, value in changes.items():
        merged[name] = merged.get(name, 0) + value
        if merged[name] == 0:
            del merged[name]
    return merged


class _Batch:
    def __init__(self, entries: list[Entry], counter: _Counter):
        self.entries, self.counter = entries, counter
        self.data = {entry.seq: entry.data for entry in entries}

    def fold(self) -> None:
        self._load_appeals()
        self._load_comments()
        for entry in self.entries:
            data = self.data[entry.seq]
            if entry.kind in APPEAL_KINDS and data.get("public_id") in self.appeals:
                self._fold_appeal(entry, data, self.appeals[data["public_id"]])
            elif entry.kind in COMMENT_KINDS and entry.subject in self.comments:
                self._fold_comment(entry, self.comments[entry.subject])
            elif entry.kind == EntryKind.VERSION_FINAL_PUBLISHED:
                self._fold_final_version(entry, data)
            elif entry.kind == EntryKind.REFUSALS_REPORTED:
                self._fold_refusals(data)

    # Loading: a fixed number of queries per batch, whatever it holds.

    def _load_appeals(self) -> None:
        ids = {self.data[e.seq].get("public_id") for e in self.entries if e.kind in APPEAL_KINDS}
        appeals = Appeal.objects.filter(public_id__in=ids - {None}).select_related(
            "guideline__organization", "refusal__system", "version"
        )
        self.appeals = {appeal.public_id: appeal for appeal in appeals.prefetch_related("contested_clauses")}
        pks = [appeal.pk for appeal in self.appeals.values()]
        self.decisions = {d.pk: d for d in Decision.objects.filter(appeal_id__in=pks).prefetch_related("cited_clauses")}
        self.first_decided: dict[int, Decision] = {}
        for decision in sorted(self.decisions.values(), key=lambda d: (d.decided_at, d.pk)):
            self.first_decided.setdefault(decision.appeal_id, decision)
        self.completed = {
            (a.appeal_id, a.reviewer.handle): a
            for a in Assignment.objects.filter(appeal_id__in=pks, status=Assignment.COMPLETED).select_related(
                "reviewer"
            )
        }
        versions = {appeal.version_id for appeal in self.appeals.values()}
        self.tags: dict[tuple[int, str], list[str]] = {
            (version, key): [str(tag).lower() for tag in tags or []]
            for version, key, tags in Clause.objects.filter(version__in=versions).values_list("version", "key", "tags")
        }

    def _load_comments(self) -> None:
        pks = [int(e.subject.split(":", 1)[1]) for e in self.entries if e.kind in COMMENT_KINDS]
        comments = Comment.objects.filter(pk__in=pks).select_related(
            "version__guideline__organization", "version__comment_period", "clause", "response"
        )
        self.comments = {comment.subject: comment for comment in comments}

    # Appeals, decisions and reviewing.

    def _appeal_buckets(self, appeal: Appeal, keys: list[str] | None = None) -> list[tuple[str, str, str]]:
        org, guideline = (
            appeal.guideline.organization.slug,
            f"{appeal.guideline.organization.slug}/{appeal.guideline.slug}",
        )
        buckets = [
            (Tally.ALL, "", ""),
            (Tally.ORGANIZATION, org, ""),
            (Tally.SYSTEM, f"{org}/{appeal.refusal.system.slug}", org),
            (Tally.GUIDELINE, guideline, org),
        ]
        if keys is None:
            return buckets
        topics = sorted({tag for key in keys for tag in self.tags.get((appeal.version_id, key), [])})
        buckets += [(Tally.CLAUSE, f"{guideline}/{key}", guideline) for key in keys]
        buckets += [(Tally.TOPIC, topic, "") for topic in topics]
        buckets += [(Tally.ORGANIZATION_TOPIC, f"{org}/{topic}", org) for topic in topics]
        return buckets

    def _fold_appeal(self, entry: Entry, data: dict, appeal: Appeal) -> None:
        kind = EntryKind(entry.kind)
        filed = self._appeal_buckets(appeal, [c.key for c in appeal.contested_clauses.all()])
        if kind == EntryKind.APPEAL_FILED:
            self.counter.add(filed, month_of(appeal.filed_at), {"filed": 1})
        elif kind == EntryKind.APPEAL_ADMITTED:
            self.counter.add(filed, month_of(appeal.filed_at), {"admitted": 1})
        elif kind == EntryKind.APPEAL_INADMISSIBLE:
            reason = data.get("reason", "")
            self.counter.add(filed, month_of(appeal.filed_at), {"inadmissible": 1, f"inadmissible:{reason}": 1})
        elif kind == EntryKind.APPEAL_WITHDRAWN:
            self.counter.add(filed, month_of(appeal.filed_at), {"withdrawn": 1})
        elif kind == EntryKind.APPEAL_DECIDED and (decision := self.decisions.get(data["decision"])):
            self._count_decision(appeal, decision, +1)
            self._count_votes(entry, appeal, decision, data.get("votes", []))
        elif kind == EntryKind.APPEAL_CORRECTED and (decision := self.decisions.get(data["decision"])):
            if corrected := self.decisions.get(data["supersedes"]):
                self._count_decision(appeal, corrected, -1)
            self._count_decision(appeal, decision, +1)
        elif kind in REVIEW_KINDS and data.get("reviewer"):
            buckets = [*self._appeal_buckets(appeal), (Tally.REVIEWER, data["reviewer"], "")]
            self.counter.add(buckets, month_of(entry.at), {kind.step: 1})

    def _count_decision(self, appeal: Appeal, decision: Decision, sign: int) -> None:
        first = self.first_decided[appeal.pk]
        days = max((first.decided_at - appeal.filed_at).days, 0)
        changes = {"decided": sign, f"outcome:{decision.outcome}": sign, f"decision_days:{days}": sign}
        if first.decided_at <= appeal.deadline:
            changes["on_time"] = sign
        buckets = self._appeal_buckets(appeal, [c.key for c in decision.cited_clauses.all()])
        self.counter.add(buckets, month_of(decision.decided_at), changes)

    def _count_votes(self, entry: Entry, appeal: Appeal, decision: Decision, votes: list[dict]) -> None:
        for vote in votes:
            handle = vote.get("reviewer", "")
            changes = {"votes": 1, "dissents": int(vote.get("outcome") != decision.outcome)}
            assignment = self.completed.get((appeal.pk, handle))
            if (
                assignment
                and assignment.due_at
                and assignment.completed_at
                and assignment.completed_at <= assignment.due_at
            ):
                changes["votes_on_time"] = 1
            buckets = [*self._appeal_buckets(appeal), (Tally.REVIEWER, handle, "")]
            self.counter.add(buckets, month_of(decision.decided_at), changes)

    # Consultations.

    def _fold_comment(self, entry: Entry, comment: Comment) -> None:
        if comment.parent_id is not None:
            return  # replies are conversation, not comments the publisher must answer
        version = comment.version
        org, guideline = (
            version.guideline.organization.slug,
            f"{version.guideline.organization.slug}/{version.guideline.slug}",
        )
        buckets = [
            (Tally.ALL, "", ""),
            (Tally.ORGANIZATION, org, ""),
            (Tally.GUIDELINE, guideline, org),
            (Tally.VERSION, f"{guideline}/v{version.number}", guideline),
        ]
        if comment.clause:
            buckets.append((Tally.CLAUSE, f"{guideline}/{comment.clause.key}", guideline))
        month = month_of(comment.created_at)
        kind = entry.kind.removeprefix("comment.")
        if kind == "answered":
            self.counter.add(buckets, month, self._answer_counts(comment, +1))
        elif kind in ("posted", "hidden", "restored"):
            sign = -1 if kind == "hidden" else +1
            changes = {"comments": sign}
            # A hidden comment leaves the list of comments with its answer; a restored one comes back with it.
            if kind != "posted":
                changes |= self._answer_counts(comment, sign, before=entry.at)
            self.counter.add(buckets, month, changes)

    def _answer_counts(self, comment: Comment, sign: int, before=None) -> dict[str, int]:
        response = getattr(comment, "response", None)
        if response is None or (before is not None and response.created_at > before):
            return {}
        changes = {"answered": sign, f"disposition:{response.disposition}": sign}
        period = comment.version.period
        if period is not None:
            days = max((response.created_at - period.closes_at).days, 0)
            changes[f"answer_days:{days}"] = sign
        return changes

    def _fold_refusals(self, data: dict) -> None:
        """The entry carries its own counts (appeals.services.reporting), so no table is read."""
        org = data["organization"]
        for row in data["counts"]:
            month = date.fromisoformat(f"{row['month']}-01")
            self.counter.add(_refusal_buckets(org, row), month, {"refused": row["count"]})

    def _fold_final_version(self, entry: Entry, data: dict) -> None:
        path = entry.subject.removeprefix("version:")
        org, guideline_slug, _ = path.split("/", 2)
        guideline = f"{org}/{guideline_slug}"
        kinds = data.get("changes") or {}
        changed = sum(1 for kind in kinds.values() if kind != "unchanged")
        buckets = [(Tally.ALL, "", ""), (Tally.ORGANIZATION, org, ""), (Tally.GUIDELINE, guideline, org)]
        changes = {"final_versions": 1, "final_clauses": len(kinds), "final_clauses_changed": changed}
        self.counter.add(buckets, month_of(entry.at), changes)


def _refusal_buckets(org: str, row: dict) -> list[tuple[str, str, str]]:
    guideline = f"{org}/{row['guideline']}"
    topics = row.get("topics", [])
    return [
        (Tally.ALL, "", ""),
        (Tally.ORGANIZATION, org, ""),
        (Tally.SYSTEM, f"{org}/{row['system']}", org),
        (Tally.GUIDELINE, guideline, org),
        (Tally.CLAUSE, f"{guideline}/{row['clause']}", guideline),
        *((Tally.TOPIC, topic, "") for topic in topics),
        *((Tally.ORGANIZATION_TOPIC, f"{org}/{topic}", org) for topic in topics),
    ]


def record_position() -> tuple[int, int]:
    """How far the tallies are folded, and how far the record goes: pages cite the first, and say so when the second
    is further (a lag is not a fact). One query, counting only the entries after the watermark."""
    folded = Coalesce(Subquery(FoldMark.objects.filter(name=RECORD).values("seq")[:1]), 0)
    position = Entry.objects.aggregate(last=Max("seq"), behind=Count("seq", filter=Q(seq__gt=folded)))
    last = position["last"] or 0
    return last - position["behind"], last
