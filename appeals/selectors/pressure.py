"""Clause pressure: how often each clause's appeals were overturned, handed to consultation in AppConfig.ready()."""

from collections import Counter

from django.db.models import Count, Q

from appeals.models import (
    Appeal,
    ContestedClause,
    Decision,
)
from consultation.models import Clause, Guideline, GuidelineVersion
from consultation.pressure import ClausePressure


def clause_pressure(guideline: Guideline, *, version: GuidelineVersion | None = None) -> dict[str, ClausePressure]:
    """For each clause key in force at `version`: the appeals that contested it since its wording came into force,
    how many of those were decided and how many overturned (fully or partly, by the decision in force). Two queries,
    whatever the number of clauses, versions or appeals; the one selector behind every page that shows it.

    A final (or superseded) version is in force itself; for a draft or a consultation, it is the final version
    before it that is in force, as its clauses are what the appeals are about. A clause "came into force" in the
    earliest public version from which its text has not changed: appeals about an earlier wording do not count."""
    public = list(
        Clause.objects.filter(version__guideline=guideline, version__status__in=GuidelineVersion.PUBLIC_STATUSES)
        .select_related("version")
        .only("key", "text", "version__number", "version__status", "version__published_at")
        .order_by("-version__number")
    )
    versions = list({c.version.number: c.version for c in public}.values())  # newest first
    in_force = _version_in_force_at(versions, version)
    if in_force is None:
        return {}
    texts = {(c.version.number, c.key): c.text for c in public}
    # Appeals are filed against the versions that were in force: final ones, and consultations before the first.
    first_final = min((v.number for v in versions if v.status != GuidelineVersion.CONSULTATION), default=None)
    were_in_force = [
        v
        for v in versions
        if v.status != GuidelineVersion.CONSULTATION or first_final is None or v.number < first_final
    ]
    spans: dict[str, tuple[list[int], GuidelineVersion]] = {}
    for key in [c.key for c in public if c.version.number == in_force.number]:
        text, numbers, since = texts[(in_force.number, key)], [], in_force
        for candidate in (v for v in were_in_force if v.number <= in_force.number):
            if texts.get((candidate.number, key)) != text:
                break
            numbers.append(candidate.number)
            since = candidate
        spans[key] = (numbers, since)
    in_force_decision = Q(appeal__decisions__superseded_by__isnull=True, appeal__decisions__isnull=False)
    overturned = Q(in_force_decision, appeal__decisions__outcome__in=[Decision.OVERTURNED, Decision.PARTIAL])
    rows = (
        ContestedClause.objects.filter(guideline=guideline, key__in=spans)
        .exclude(appeal__status=Appeal.WITHDRAWN)
        .values("key", "appeal__version__number")
        .annotate(
            appealed=Count("appeal", distinct=True),
            decided=Count("appeal", filter=in_force_decision, distinct=True),
            overturned=Count("appeal", filter=overturned, distinct=True),
        )
        .order_by()
    )
    counts: dict[str, Counter[str]] = {key: Counter() for key in spans}
    for row in rows:
        if row["appeal__version__number"] in spans[row["key"]][0]:
            counts[row["key"]].update({name: row[name] for name in ("appealed", "decided", "overturned")})
    return {
        key: ClausePressure(
            appealed=counts[key]["appealed"],
            decided=counts[key]["decided"],
            overturned=counts[key]["overturned"],
            since=spans[key][1],
            text=texts[(in_force.number, key)],
        )
        for key in spans
    }


def _version_in_force_at(versions: list[GuidelineVersion], version: GuidelineVersion | None) -> GuidelineVersion | None:
    """Of `versions` (public, newest first), the one whose clauses were in force while `version` was current: a final
    (or superseded) version itself; for a consultation or a draft, the newest final version before it, else the
    consultation itself, else for a draft the newest public version before it. No `version`: the newest public one."""
    version = version or next(iter(versions), None)
    if version is None or version.status in GuidelineVersion.FINAL_STATUSES:
        return version
    earlier = [v for v in versions if v.number < version.number]
    final = next((v for v in earlier if v.status in GuidelineVersion.FINAL_STATUSES), None)
    if final or version.status == GuidelineVersion.CONSULTATION:
        return final or version
    return next(iter(earlier), None)
