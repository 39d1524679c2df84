"""Clustering the comments on an appeal as guideline comments are clustered (consultation.services.campaigns, whose
normalisation, hashes, MinHash signatures, LSH band keys and similarity are used as they are): an exact duplicate
joins the cluster of the first comment with the same normalised text; any other comment joins the most similar
earlier comment's cluster when a shared band key makes it a candidate and the similarity reaches
CLUSTERING_THRESHOLD, or starts its own. A comment's cluster is assigned once and never changed.

Here the cluster is the first comment itself (`CaseComment.cluster`, with `cluster_size` on that comment) and the
signature is kept on the comment: an appeal's comments need no cluster table of their own."""

from functools import partial

import numpy as np
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When

from appeals.models import CaseComment, CaseCommentBand
from consultation.services.campaigns import band_keys, signatures, similarity
from core.queue import enqueue

_LOCK_NAMESPACE = 0x5743  # "WC": apart from the guideline comments' namespace, the appeal id is the second int


def _marker(appeal_id: int) -> str:
    return f"case-clustering-queued:{appeal_id}"


def request_clustering(appeal_id: int) -> None:
    """Queue the clustering once per burst of comments; the task clears the marker before it reads."""
    if shared_cache.add(_marker(appeal_id), 1, timeout=settings.CLUSTERING_QUEUE_MARKER_SECONDS):
        enqueue("appeals.tasks.cluster_case_comments", appeal_id)


def cluster_after_commit(appeal_id: int) -> None:
    # Robust: a failure to queue after the commit is logged, never the request's; the sweep catches up.
    transaction.on_commit(partial(request_clustering, appeal_id), robust=True)


def clustering_started(appeal_id: int) -> None:
    shared_cache.delete(_marker(appeal_id))


def appeals_with_unclustered_comments() -> list[int]:
    unclustered = CaseComment.objects.filter(cluster__isnull=True).order_by()
    return list(unclustered.values_list("appeal_id", flat=True).distinct())


def cluster_pending_case_comments(*, appeal_id: int, batch: int | None = None) -> int:
    """Cluster every comment of the appeal not clustered yet, oldest first, in batches; returns how many. Safe to
    run twice and in several workers at once (an advisory lock per appeal, only unclustered comments picked)."""
    batch = batch or settings.CLUSTERING_BATCH_SIZE
    done = 0
    while True:
        clustered = _cluster_batch(appeal_id, batch)
        done += clustered
        if clustered < batch:
            return done


@transaction.atomic
def _cluster_batch(appeal_id: int, size: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, appeal_id])
    pending = list(
        CaseComment.objects.filter(appeal_id=appeal_id, cluster__isnull=True)
        .order_by("pk")
        .values_list("pk", "text_hash", "body")[:size]
    )
    if not pending:
        return 0
    known = CaseComment.objects.filter(
        appeal_id=appeal_id, text_hash__in={hashed for _, hashed, _ in pending}, cluster__isnull=False
    )
    by_hash = dict(known.order_by("-pk").values_list("text_hash", "cluster_id"))  # the oldest kept, as it is last
    needed = [(pk, body) for pk, hashed, body in pending if hashed not in by_hash]
    computed = dict(zip([pk for pk, _ in needed], signatures([body for _, body in needed]), strict=True))
    keys = {pk: band_keys(f"case:{appeal_id}", signature) for pk, signature in computed.items()}
    holders, known_signatures = _band_holders({key for some in keys.values() for key in some})
    assigned: dict[int, int] = {}
    new_bands: list[CaseCommentBand] = []
    for pk, hashed, _ in pending:
        cluster_id = by_hash.get(hashed)
        if cluster_id is None:
            cluster_id = _best_match(computed[pk], keys[pk], holders, known_signatures) or pk
            known_signatures[pk] = (computed[pk], cluster_id)
            for key in keys[pk]:
                holders.setdefault(key, []).append(pk)
                new_bands.append(CaseCommentBand(key=key, comment_id=pk))
        by_hash.setdefault(hashed, cluster_id)
        assigned[pk] = cluster_id
    _store(assigned, computed, new_bands)
    return len(pending)


def _band_holders(keys: set[int]) -> tuple[dict[int, list[int]], dict[int, tuple[np.ndarray, int]]]:
    holders: dict[int, list[int]] = {}
    for key, pk in CaseCommentBand.objects.filter(key__in=keys).order_by("pk").values_list("key", "comment_id"):
        holders.setdefault(key, []).append(pk)
    ids = {pk for pks in holders.values() for pk in pks}
    # Band holders are the comments that had a signature computed, so none is NULL here.
    rows = CaseComment.objects.filter(pk__in=ids, signature__isnull=False).values_list("pk", "signature", "cluster_id")
    found = {pk: (np.frombuffer(bytes(signature or b""), dtype=np.uint32), cluster) for pk, signature, cluster in rows}
    return holders, found


def _best_match(signature, keys, holders, known) -> int | None:
    best, best_score = None, settings.CLUSTERING_THRESHOLD
    for pk in sorted({pk for key in keys for pk in holders.get(key, ())}):
        candidate, cluster_id = known[pk]
        score = similarity(signature, candidate)
        if score > best_score or (score == best_score and (best is None or cluster_id < best)):
            best, best_score = cluster_id, score
    return best


def _store(assigned: dict[int, int], computed: dict[int, np.ndarray], new_bands: list[CaseCommentBand]) -> None:
    joined: dict[int, int] = {}
    for cluster_id in assigned.values():
        joined[cluster_id] = joined.get(cluster_id, 0) + 1
    CaseComment.objects.bulk_update(
        [
            CaseComment(pk=pk, cluster_id=cluster_id, signature=computed[pk].tobytes() if pk in computed else None)
            for pk, cluster_id in assigned.items()
        ],
        ["cluster", "signature"],
        batch_size=500,
    )
    # The first comments' sizes, after their own rows got their cluster (a new cluster's first comment is in it).
    CaseComment.objects.filter(pk__in=joined).update(
        cluster_size=F("cluster_size") + Case(*(When(pk=pk, then=Value(n)) for pk, n in joined.items()))
    )
    CaseCommentBand.objects.bulk_create(new_bands, batch_size=2000)
