"""The precedent a decision cites: earlier public decisions on other appeals, each followed or distinguished with a
sentence why. Checked when a reviewer votes or a correction is made, stored with the decision, and put on the
record with each reason's hash."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError

from appeals.models import CITATION_REASON_MAX, CITATIONS_MAX, Appeal, Citation, Decision, DecisionCitation
from ledger.content import text_sha256

RELATIONS = dict(DecisionCitation.RELATION_CHOICES)


def check_citations(appeal: Appeal, citations: Sequence[Citation], *, now: datetime) -> list[Citation]:
    """The citations with their reasons trimmed, once each names a public decision on another appeal decided before
    `now`, once, with a relation and a reason of at most CITATION_REASON_MAX characters. Every problem is said,
    under `citations`, by the decision's number."""
    problems: list[str] = []
    if len(citations) > CITATIONS_MAX:
        problems.append(f"Cite at most {CITATIONS_MAX} earlier decisions; you cited {len(citations)}.")
    checked, seen = [], set()
    for citation in citations:
        number, reason = citation.decision, citation.reason.strip()
        if number in seen:
            problems.append(f"Decision {number} is cited twice; cite each decision once.")
            continue
        seen.add(number)
        if citation.relation not in RELATIONS:
            problems.append(f"Say whether decision {number} is followed or distinguished.")
        if not reason:
            problems.append(f"Say in a sentence why decision {number} is cited.")
        elif len(reason) > CITATION_REASON_MAX:
            problems.append(
                f"The reason for citing decision {number} has {len(reason):,} characters; "
                f"at most {CITATION_REASON_MAX:,} are allowed."
            )
        checked.append(Citation(decision=number, relation=citation.relation, reason=reason))
    found = Decision.objects.select_related("appeal").in_bulk(seen)
    for number in sorted(seen):
        problems.extend(_refusal(found.get(number), number, appeal, now))
    if problems:
        raise ValidationError({"citations": problems})
    return checked


def _refusal(cited: Decision | None, number: int, appeal: Appeal, now: datetime) -> list[str]:
    if cited is None:
        return [f"There is no decision {number}."]
    if cited.appeal_id == appeal.pk:
        return [f"Decision {number} is on this appeal; cite decisions on other appeals."]
    if not cited.is_public:
        return [f"Decision {number} is not public."]
    if cited.decided_at >= now:
        return [f"Decision {number} was not decided before this one; cite earlier decisions only."]
    return []


def store_citations(decision: Decision, citations: Iterable[Citation]) -> None:
    DecisionCitation.objects.bulk_create(
        DecisionCitation(citing=decision, cited_id=c.decision, relation=c.relation, reason=c.reason) for c in citations
    )


def recorded_citations(citations: Iterable[Citation]) -> list[dict]:
    """The citations as the decision's entry carries them: the reason by its SHA-256, as the rationale is."""
    return [{"decision": c.decision, "relation": c.relation, "reason_sha256": text_sha256(c.reason)} for c in citations]


def merged(citation_lists: Iterable[list[dict]]) -> list[Citation]:
    """The citations of a panel's majority, each decision once, as the first vote to cite it gave it."""
    chosen: dict[int, Citation] = {}
    for citations in citation_lists:
        for citation in citations:
            chosen.setdefault(citation["decision"], Citation(**citation))
    return list(chosen.values())
