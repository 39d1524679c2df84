"""The close-out document: what the public said about a consulted version, clause by clause, and what the publisher
did with it. Built once, when the final version is published, in a fixed number of queries whatever the number of
comments: counts come from the rows' kept counters and index-served aggregates, and the summary reads at most
CLOSEOUT_SUMMARY_COMMENTS comments per clause (the most endorsed, then the newest: two index scans with a LIMIT)."""

from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.assurance import Assurance
from consultation.diff import plain_text
from consultation.models import (
    Clause,
    ClauseChange,
    CloseOut,
    Comment,
    GuidelineVersion,
    Response,
    Suggestion,
    SuggestionDecision,
)
from consultation.models.comments import SHOWN_ONCE
from consultation.selectors.guidelines import clause_kinds, visible_version

FORMAT = "whodecides.closeout/1"
TOP_ENDORSED = 5
EXCERPT = 300
DISPOSITIONS = [value for value, _ in Response.DISPOSITION_CHOICES]
OUTCOMES = [value for value, _ in SuggestionDecision.OUTCOME_CHOICES]

# Per clause, the most endorsed and the newest of the comments shown once (a campaign once, as its representative),
# each an index scan that stops after the limit (comment_most_endorsed, comment_shown_once).
_INPUT_OF_A_CLAUSE = """
    (SELECT c.id FROM consultation_comment c WHERE {shown} AND c.status = 'published' AND c.endorsement_count > 0
      ORDER BY c.clause_id, c.endorsement_count DESC, c.created_at DESC, c.id DESC LIMIT %s)
    UNION
    (SELECT c.id FROM consultation_comment c WHERE {shown} AND c.status = 'published'
      ORDER BY c.clause_id, c.created_at DESC, c.id DESC LIMIT %s)
"""
_SHOWN_ON = (
    "c.version_id = %s AND {on_clause} AND c.parent_id IS NULL AND (c.cluster_id IS NULL OR c.cluster_id = c.id)"
)
_ON_CLAUSES_AND_GENERAL = (
    "(SELECT picked.id FROM unnest(%s::bigint[]) AS clause(id) CROSS JOIN LATERAL ({per_clause}) AS picked)"
    " UNION ({general})"
)


def _input_ids(version_id: int, clause_ids: list[int], limit: int) -> tuple[str, list]:
    per_clause = _INPUT_OF_A_CLAUSE.format(shown=_SHOWN_ON.format(on_clause="c.clause_id = clause.id"))
    general = _INPUT_OF_A_CLAUSE.format(shown=_SHOWN_ON.format(on_clause="c.clause_id IS NULL"))
    sql = _ON_CLAUSES_AND_GENERAL.format(per_clause=per_clause, general=general)
    return sql, [clause_ids, version_id, limit, version_id, limit, version_id, limit, version_id, limit]


def _summary_input(consulted: GuidelineVersion, clause_ids: list[int]) -> dict[int | None, list[Comment]]:
    """Per clause (None: general comments), at most CLOSEOUT_SUMMARY_COMMENTS published comments, most endorsed
    first, with their responses."""
    limit = settings.CLOSEOUT_SUMMARY_COMMENTS
    ids = RawSQL(*_input_ids(consulted.pk, clause_ids, limit))  # noqa: S611 (literal SQL, values as parameters)
    found: dict[int | None, list[Comment]] = {}
    comments = Comment.objects.filter(pk__in=ids, status=Comment.PUBLISHED).select_related("response")
    for comment in comments.order_by("-endorsement_count", "-created_at", "-pk"):
        found.setdefault(comment.clause_id, []).append(comment)
    return {clause_id: rows[:limit] for clause_id, rows in found.items()}


def _arguments(consulted: GuidelineVersion) -> dict[int | None, int]:
    """Distinct things said per clause: each cluster of near-identical comments once, each other comment once."""
    rows = consulted.comments.published().filter(SHOWN_ONCE).values("clause_id").annotate(n=Count("pk")).order_by()
    return {row["clause_id"]: row["n"] for row in rows}


def _dispositions(consulted: GuidelineVersion) -> dict[int | None, dict[str, int]]:
    rows = (
        Response.objects.filter(comment__version=consulted, comment__status=Comment.PUBLISHED)
        .values("comment__clause_id", "disposition")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int | None, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["comment__clause_id"], dict.fromkeys(DISPOSITIONS, 0))[row["disposition"]] = row["n"]
    return found


def _suggestions(consulted: GuidelineVersion, base: str) -> dict[int, list[dict]]:
    """Each suggestion once per campaign (its first), with its decision and how many said the same."""
    shown = Q(cluster__isnull=True) | Q(cluster_id=F("id"))
    similar = dict(
        Suggestion.objects.filter(version=consulted, cluster__isnull=False)
        .values("cluster_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("cluster_id", "n")
    )
    found: dict[int, list[dict]] = {}
    rows = Suggestion.objects.filter(shown, version=consulted).select_related("decision").order_by("-supporters", "pk")
    for suggestion in rows:
        decision = getattr(suggestion, "decision", None)
        found.setdefault(suggestion.clause_id, []).append(
            {
                "id": suggestion.pk,
                "url": f"{base}suggestions/{suggestion.pk}/",
                "kind": suggestion.kind,
                "text": suggestion.text,
                "reason": suggestion.reason,
                "supporters": suggestion.supporters,
                "opponents": suggestion.opponents,
                "same_wording": similar.get(suggestion.pk, 1),
                "decision": decision
                and {
                    "outcome": decision.outcome,
                    "reason": decision.reason,
                    "supporters_at_close": decision.supporters_at_close,
                    "opponents_at_close": decision.opponents_at_close,
                    "at": decision.created_at.isoformat(),
                },
            }
        )
    return found


def _suggestion_outcomes(consulted: GuidelineVersion) -> dict[str, int]:
    rows = (
        SuggestionDecision.objects.filter(suggestion__version=consulted)
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = dict.fromkeys(OUTCOMES, 0)
    totals.update({row["outcome"]: row["n"] for row in rows})
    return totals


def _statements(consulted: GuidelineVersion) -> tuple[dict[str, dict[str, list]], dict | None]:
    """The consensus and divisive statements of the newest opinion groups, by the clause they name."""
    newest = consulted.opinion_groups.order_by("-computed_at", "-pk").first()
    if newest is None:
        return {}, None
    by_key: dict[str, dict[str, list]] = {}
    for sort in ("consensus", "divisive"):
        for item in newest.result.get(sort) or []:
            if item.get("clause"):
                entry = {key: item.get(key) for key in ("statement", "text", "agree_share")}
                by_key.setdefault(item["clause"], {"consensus": [], "divisive": []})[sort].append(entry)
    computed = {"computed_at": newest.computed_at.isoformat(), "participants": newest.participants}
    return by_key, computed


def _comment_ref(pk: int, base: str) -> dict[str, Any]:
    return {"comment": pk, "url": f"{base}comments/{pk}/"}


def _said(comments: list[Comment], count: int, arguments: int, responses: dict[str, int], base: str) -> dict:
    """What people said on one clause (or in general), and what the publisher answered them."""
    texts = [(c.pk, plain_text(c.body_html)) for c in comments]
    sources = dict(texts)
    from consultation.lexrank import summarize  # scikit-learn: imported where used, not by every process

    summary = summarize(texts)
    endorsed = [c for c in comments if c.endorsement_count][:TOP_ENDORSED]
    answers: dict[tuple[str, str], list[int]] = {}
    for comment in comments:
        response = getattr(comment, "response", None)
        if response is not None:
            answers.setdefault((response.disposition, response.text), []).append(comment.pk)
    return {
        "comments": count,
        "arguments": arguments,
        "responses": responses or dict.fromkeys(DISPOSITIONS, 0),
        "summary": [{"text": s.text, **_comment_ref(s.source, base)} for s in summary if s.source in sources],
        "top_endorsed": [
            {
                **_comment_ref(c.pk, base),
                "endorsements": c.endorsement_count,
                "excerpt": sources[c.pk][:EXCERPT],
                "response": (r := getattr(c, "response", None)) and {"disposition": r.disposition, "text": r.text},
            }
            for c in endorsed
        ],
        "answers": [
            {"disposition": disposition, "text": text, "comments": ids[:TOP_ENDORSED], "count": len(ids)}
            for (disposition, text), ids in sorted(answers.items(), key=lambda item: -len(item[1]))[:TOP_ENDORSED]
        ],
    }


def _clause_section(key: str, kind: str, before: Clause | None, after: Clause | None, change: ClauseChange | None):
    shown = after or before
    assert shown is not None  # noqa: S101  a key comes from one version or the other
    return {
        "key": key,
        "heading": shown.heading,
        "change": {
            "kind": kind,
            "heading_before": before.heading if before else None,
            "text_before": plain_text(before.text_html) if before else None,
            "text_after": plain_text(after.text_html) if after else None,
            "statement": change.statement if change else "",
            "in_response_to_comments": sorted(c.pk for c in change.comments.all()) if change else [],
            "in_response_to_suggestions": sorted(s.pk for s in change.suggestions.all()) if change else [],
        },
    }


def closeout_document(final: GuidelineVersion) -> dict:
    """The close-out of `final`, the version published after the consultation on `final.based_on`."""
    consulted = final.based_on
    assert consulted is not None  # noqa: S101  a final version follows a consultation
    guideline = final.guideline
    base = consulted.get_absolute_url()
    before = {c.key: c for c in consulted.clauses.all()}
    after = {c.key: c for c in final.clauses.all()}
    changes = {c.clause_key: c for c in final.clause_changes.prefetch_related("comments", "suggestions")}
    kinds = clause_kinds(consulted, final)
    said = _summary_input(consulted, [c.pk for c in before.values()])
    arguments, dispositions = _arguments(consulted), _dispositions(consulted)
    suggestions = _suggestions(consulted, base)
    statements, groups = _statements(consulted)
    clauses = []
    for key, kind in kinds.items():
        old = before.get(key)
        section = _clause_section(key, kind, old, after.get(key), changes.get(key))
        if old is None:  # a clause the final version added: nothing was said or suggested on it
            section |= _said([], 0, 0, {}, base)
            section["suggestions"] = []
        else:
            count = old.comment_count - old.hidden_count
            section |= _said(said.get(old.pk, []), count, arguments.get(old.pk, 0), dispositions.get(old.pk, {}), base)
            section["suggestions"] = suggestions.get(old.pk, [])
        section["statements"] = statements.get(key, {"consensus": [], "divisive": []})
        clauses.append(section)
    general_count = consulted.general_comment_count - consulted.general_hidden_count
    general = _said(said.get(None, []), general_count, arguments.get(None, 0), dispositions.get(None, {}), base)
    sections = [*clauses, general]
    responses = {d: sum(s["responses"][d] for s in sections) for d in DISPOSITIONS}
    comments = sum(s["comments"] for s in sections)
    return {
        "format": FORMAT,
        "organization": {"slug": guideline.organization.slug, "name": guideline.organization.name},
        "guideline": {"slug": guideline.slug, "title": guideline.title, "url": guideline.get_absolute_url()},
        "consulted": {
            "version": consulted.number,
            "url": base,
            "opens_at": consulted.period.opens_at.isoformat() if consulted.period else None,
            "closes_at": consulted.period.closes_at.isoformat() if consulted.period else None,
        },
        "final": {
            "version": final.number,
            "url": final.get_absolute_url(),
            "published_at": final.published_at.isoformat() if final.published_at else None,
            "summary_of_changes": final.summary_of_changes,
        },
        "method": {
            "summary": "LexRank: cosine similarity of TF-IDF sentence vectors, linked from 0.1, power iteration",
            "summary_input_per_clause": settings.CLOSEOUT_SUMMARY_COMMENTS,
            "cluster_min": settings.CLOSEOUT_CLUSTER_MIN,
            "endorsement_min": settings.CLOSEOUT_ENDORSEMENT_MIN,
        },
        "totals": {
            "comments": comments,
            "arguments": sum(s["arguments"] for s in sections),
            "answered": sum(responses.values()),
            "unanswered": max(comments - sum(responses.values()), 0),
            "responses": responses,
            "suggestions": _suggestion_outcomes(consulted),
            "comments_by_assurance": comments_by_assurance(consulted),
        },
        "opinion_groups": groups,
        "clauses": clauses,
        "general": general,
    }


def comments_by_assurance(version: GuidelineVersion) -> dict[str, int]:
    """How many published original comments each assurance level spoke (accounts.assurance), every level named."""
    counted = dict(
        version.comments.published()
        .top_level()
        .order_by()
        .values_list("assurance")
        .annotate(n=Count("pk"))
        .values_list("assurance", "n")
    )
    return {level: counted.get(level, 0) for level in Assurance.values}


def published_closeout(user, org: str, slug: str, number: int) -> CloseOut:
    """The close-out of version `number`, or a 404 saying why there is none."""
    version = visible_version(user, org=org, slug=slug, number=number)
    closeout = CloseOut.objects.filter(version=version).first()
    if closeout is None:
        raise Http404(
            f"Version {number} has no close-out: a close-out is published with the final version that follows a "
            "consultation."
        )
    closeout.version = version
    return closeout
