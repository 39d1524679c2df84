"""The "you said, we did" close-out: what must be answered before a final version is published, and the report
published with it, whose hash is on the record."""

import hashlib
import json

from django.conf import settings
from django.db.models import Count, F, Q

from consultation.models import Comment, CommentCluster, GuidelineVersion, Suggestion
from consultation.models.closeouts import CloseOut
from consultation.selectors.outcomes import closeout_document
from ledger.kinds import EntryKind
from ledger.services import append

# A refusal names at most this many things of each sort, then says how many more there are.
NAMED = 20


def closeout_refusals(consulted: GuidelineVersion) -> list[str]:
    """What must be answered before a final version can follow `consulted`, one sentence each; [] when nothing.

    Every suggestion decided; every cluster of at least CLOSEOUT_CLUSTER_MIN comments answered (all its published
    members: answering the cluster does that in one go); every clause-level comment with at least
    CLOSEOUT_ENDORSEMENT_MIN endorsements answered."""
    base = consulted.get_absolute_url()
    return [
        *_undecided_suggestions(consulted, base),
        *_unanswered_clusters(consulted, base),
        *_unanswered_endorsed(consulted, base),
    ]


def _named(lines: list[str], more: int, noun: str) -> list[str]:
    if more > 0:
        lines.append(f"…and {more} more {noun} to answer.")
    return lines


def _undecided_suggestions(consulted: GuidelineVersion, base: str) -> list[str]:
    rows = (
        Suggestion.objects.filter(version=consulted)
        .undecided()
        .order_by("clause__position", "pk")
        .values_list("clause__key", "pk")
    )
    by_clause: dict[str, list[int]] = {}
    for key, pk in rows:
        by_clause.setdefault(key, []).append(pk)
    lines = []
    for key, ids in by_clause.items():
        named = ", ".join(f"suggestion {pk} ({base}suggestions/{pk}/)" for pk in ids[:NAMED])
        more = f" and {len(ids) - NAMED} more" if len(ids) > NAMED else ""
        noun = "suggestion is" if len(ids) == 1 else "suggestions are"
        lines.append(f"{key}: {len(ids)} {noun} not decided yet: {named}{more}.")
    return lines


def _unanswered_clusters(consulted: GuidelineVersion, base: str) -> list[str]:
    waiting = Q(members__status=Comment.PUBLISHED, members__parent__isnull=True, members__answered_at__isnull=True)
    clusters = (
        CommentCluster.objects.filter(version=consulted, size__gte=settings.CLOSEOUT_CLUSTER_MIN)
        .annotate(unanswered=Count("members", filter=waiting), key=F("representative__clause__key"))
        .filter(unanswered__gt=0)
        .order_by("-size", "pk")
        .values_list("pk", "size", "unanswered", "key")
    )
    found = list(clusters[: NAMED + 1])
    lines = [
        f"{key or 'General comments'}: {unanswered} of the {size} comments of cluster {pk} are not answered yet "
        f"({base}clusters/{pk}/)."
        for pk, size, unanswered, key in found[:NAMED]
    ]
    return _named(lines, clusters.count() - NAMED if len(found) > NAMED else 0, "clusters")


def _unanswered_endorsed(consulted: GuidelineVersion, base: str) -> list[str]:
    least = settings.CLOSEOUT_ENDORSEMENT_MIN
    # A clause whose comments and replies have fewer endorsements in all than the least cannot have such a comment:
    # only the few busy clauses' comments are read.
    busy = list(consulted.clauses.filter(endorsement_count__gte=least).values_list("pk", flat=True))
    if not busy:
        return []
    comments = (
        consulted.comments.published()
        .top_level()
        .filter(clause_id__in=busy, endorsement_count__gte=least, answered_at__isnull=True)
        .order_by("-endorsement_count", "pk")
    )
    found = list(comments.select_related("clause")[: NAMED + 1])
    lines = [
        f"{c.clause.key}: comment {c.pk}, endorsed {c.endorsement_count} times, is not answered yet "
        f"({base}comments/{c.pk}/)."
        for c in found[:NAMED]
    ]
    return _named(lines, comments.count() - NAMED if len(found) > NAMED else 0, "comments")


def canonical_json(document: dict) -> bytes:
    """The bytes the hash is taken of: keys sorted, no spaces, UTF-8, so anyone can recompute it from the JSON."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def document_sha256(document: dict) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def build_closeout(final_version: GuidelineVersion) -> dict:
    """The close-out document of a final version (see consultation.selectors.outcomes)."""
    return closeout_document(final_version)


def publish_closeout(*, version: GuidelineVersion) -> CloseOut:
    """Store the close-out of a final version and put its hash on the record, in the caller's transaction (the
    final version's publication): the report exists exactly when the final version does."""
    consulted = version.based_on
    assert consulted is not None  # noqa: S101  a final version follows a consultation
    document = build_closeout(version)
    digest = document_sha256(document)
    closeout = CloseOut.objects.create(version=version, consulted=consulted, document=document, document_sha256=digest)
    append(
        kind=EntryKind.CLOSEOUT_PUBLISHED,
        subject=version.subject,
        payload={"version": version.number, "consulted": consulted.number, "document_sha256": digest},
    )
    return closeout
