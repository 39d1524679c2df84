"""Mass campaigns: grouping near-identical comments into clusters as they arrive.

Exact duplicates are found by `text_hash`, computed in Python when the comment is written (no query). Everything
else happens in the clustering task, after the comment is stored: a MinHash signature of the comment's word
shingles (datasketch), split into LSH bands whose keys are stored in `CommentBand` (an index on the key), so a
new comment's candidates are the comments sharing a band, in any process and after any restart. A candidate is
accepted when the signatures' estimated Jaccard similarity reaches CLUSTERING_THRESHOLD; the comment joins the
most similar candidate's cluster, or starts its own. Clusters are never merged or split: a comment's cluster is
assigned once. A cluster holds comments on one version and one clause (or the general comments), so a page about
a clause can show each of its clusters once. The parameters and how they were tuned are in
docs/explanations/mass-campaigns.md.
"""

import hashlib
import re
import unicodedata
from functools import cache, partial

import numpy as np
from datasketch import MinHash, MinHashLSH
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When

from consultation.models import Comment, CommentBand, CommentCluster, CommentFingerprint, GuidelineVersion
from core.backlog import queue_next_batch
from core.queue import enqueue

_PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+")
_CLUSTER_LOCK_NAMESPACE = 0x5744  # "WD": the first half of the two-int advisory lock, the version id is the second
# A band key shared by many comments is a campaign's common wording; a few comments per key are enough to find it.
_COMMENTS_PER_BAND_KEY = 4


def normalise(text: str) -> str:
    """The text as a duplicate would differ from it least: NFKC, casefolded, punctuation and spacing collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCTUATION_AND_SPACE.sub(" ", text).strip()


def text_hash(text: str) -> str:
    return hashlib.blake2b(normalise(text).encode(), digest_size=16).hexdigest()


def shingles(text: str) -> set[bytes]:
    """Overlapping runs of CLUSTERING_SHINGLE_WORDS words; a shorter text is its own single shingle."""
    words = normalise(text).split()
    size = settings.CLUSTERING_SHINGLE_WORDS
    if len(words) <= size:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


@cache
def _bands() -> list[tuple[int, int]]:
    """The (start, end) of each band of a signature, as datasketch chooses them for the threshold and size."""
    lsh = MinHashLSH(threshold=settings.CLUSTERING_THRESHOLD, num_perm=settings.CLUSTERING_NUM_PERM)
    return lsh.hashranges


def signatures(texts: list[str]) -> list[np.ndarray]:
    """MinHash signatures (uint32 arrays); the seed is fixed so signatures agree across processes and releases."""
    sets = [list(shingles(text)) for text in texts]
    hashes = MinHash.bulk(sets, num_perm=settings.CLUSTERING_NUM_PERM, seed=1)
    return [h.hashvalues.astype(np.uint32) for h in hashes]


def band_keys(scope: str, signature: np.ndarray) -> list[int]:
    """The signature's LSH band keys within `scope` (a version and clause), so one index serves every scope."""
    keys = []
    for number, (start, end) in enumerate(_bands()):
        digest = hashlib.blake2b(f"{scope}:{number}:".encode() + signature[start:end].tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def request_clustering(version_id: int) -> None:
    """Queue the clustering of a version's new comments, once per burst of comments rather than once per comment.

    Called after the comment's transaction committed. The marker is cleared by the task before it reads, so a
    comment stored after that queues the task again; a comment whose request was lost (a process killed between
    commit and queueing) is picked up by the beat task `sweep_unclustered`."""
    if shared_cache.add(_queued_key(version_id), 1, timeout=settings.CLUSTERING_QUEUE_MARKER_SECONDS):
        enqueue("consultation.tasks.cluster_comments", version_id)


def _queued_key(version_id: int) -> str:
    return f"clustering-queued:{version_id}"


def cluster_after_commit(version: GuidelineVersion) -> None:
    # Robust: after the commit, a failure to queue is logged, never the request's; sweep_unclustered catches up.
    transaction.on_commit(partial(request_clustering, version.pk), robust=True)


def clustering_started(version_id: int) -> None:
    shared_cache.delete(_queued_key(version_id))


def cluster_next_batch(*, version: GuidelineVersion) -> int:
    """Cluster the version's oldest CLUSTERING_BATCH_SIZE unclustered comments and queue the next batch if that was
    not all (core/backlog.py): what the task runs, so a backlog of any size never makes one run long; how many."""
    size = settings.CLUSTERING_BATCH_SIZE
    clustered = _cluster_batch(version.pk, size)
    if clustered == size:
        queue_next_batch(
            "consultation.tasks.cluster_comments",
            version.pk,
            once_key=_queued_key(version.pk),
            once_seconds=settings.CLUSTERING_QUEUE_MARKER_SECONDS,
        )
    return clustered


def cluster_pending_comments(*, version: GuidelineVersion, batch: int | None = None) -> int:
    """Cluster every comment of the version not clustered yet, oldest first, in batches; returns how many. For
    loaders and tools that mean to wait for all of it; tasks run `cluster_next_batch`.

    Safe to run twice and in several workers at once: each batch runs in its own transaction under an advisory
    lock per version, and only picks comments still unclustered."""
    batch = batch or settings.CLUSTERING_BATCH_SIZE
    done = 0
    while True:
        clustered = _cluster_batch(version.pk, batch)
        done += clustered
        if clustered < batch:
            return done


def versions_with_unclustered_comments() -> list[int]:
    return list(Comment.objects.filter(cluster__isnull=True).order_by().values_list("version_id", flat=True).distinct())


class _Batch:
    """The state of one batch: what is known about earlier comments, and what this batch assigns."""

    def __init__(self, version_id: int):
        self.version_id = version_id
        self.by_hash: dict[tuple[int | None, str], int] = {}  # (clause id, text hash) -> cluster id
        self.by_key: dict[int, list[int]] = {}  # band key -> comment ids with a fingerprint
        self.fingerprints: dict[int, tuple[np.ndarray, int]] = {}  # comment id -> (signature, cluster id)
        self.assigned: dict[int, int] = {}  # comment id -> cluster id
        self.new_clusters: list[int] = []
        self.new_fingerprints: list[CommentFingerprint] = []
        self.new_bands: list[CommentBand] = []

    def best_match(self, signature: np.ndarray, keys: list[int]) -> int | None:
        candidates = {pk for key in keys for pk in self.by_key.get(key, ())}
        best, best_score = None, settings.CLUSTERING_THRESHOLD
        for pk in sorted(candidates):
            candidate, cluster_id = self.fingerprints[pk]
            score = similarity(signature, candidate)
            if score > best_score or (score == best_score and (best is None or cluster_id < best)):
                best, best_score = cluster_id, score
        return best

    def remember(self, pk: int, cluster_id: int, signature: np.ndarray, keys: list[int]) -> None:
        fingerprint = CommentFingerprint(comment_id=pk, cluster_id=cluster_id, signature=signature.tobytes())
        self.new_fingerprints.append(fingerprint)
        self.fingerprints[pk] = (signature, cluster_id)
        for key in keys:
            holders = self.by_key.setdefault(key, [])
            if len(holders) < _COMMENTS_PER_BAND_KEY:
                holders.append(pk)
                self.new_bands.append(CommentBand(key=key, fingerprint_id=pk))


def _lock_version(version_id: int) -> None:
    # Two workers clustering one version at once would each start a cluster for the same campaign.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CLUSTER_LOCK_NAMESPACE, version_id])


@transaction.atomic
def _cluster_batch(version_id: int, size: int) -> int:
    _lock_version(version_id)
    pending = list(
        Comment.objects.filter(version_id=version_id, cluster__isnull=True)
        .order_by("pk")
        .values_list("pk", "clause_id", "text_hash", "body")[:size]
    )
    if not pending:
        return 0
    state = _Batch(version_id)
    _load_known_texts(state, {hashed for _, _, hashed, _ in pending if hashed})
    # An exact duplicate of a text clustered before needs no signature.
    needed = [(pk, clause, body) for pk, clause, hashed, body in pending if (clause, hashed) not in state.by_hash]
    computed = dict(zip([pk for pk, _, _ in needed], signatures([body for _, _, body in needed]), strict=True))
    keys = {pk: band_keys(f"{version_id}:{clause}", computed[pk]) for pk, clause, _ in needed}
    _load_band_holders(state, {key for some in keys.values() for key in some})
    for pk, clause, hashed, _ in pending:
        cluster_id = state.by_hash.get((clause, hashed)) if hashed else None
        if cluster_id is None:
            cluster_id = state.best_match(computed[pk], keys[pk])
            if cluster_id is None:
                cluster_id = pk
                state.new_clusters.append(pk)
            state.remember(pk, cluster_id, computed[pk], keys[pk])
        if hashed:
            state.by_hash.setdefault((clause, hashed), cluster_id)
        state.assigned[pk] = cluster_id
    _store(state)
    return len(pending)


def _load_known_texts(state: _Batch, hashes: set[str]) -> None:
    known = (
        Comment.objects.filter(version_id=state.version_id, text_hash__in=hashes, cluster__isnull=False)
        .order_by("-pk")
        .values_list("clause_id", "text_hash", "cluster_id")
    )
    state.by_hash.update(
        {(clause, hashed): cluster_id for clause, hashed, cluster_id in known}
    )  # newest first, so the oldest comment's cluster is the one kept


def _load_band_holders(state: _Batch, keys: set[int]) -> None:
    """The comments earlier batches stored under these band keys, with their signatures and clusters."""
    for key, pk in CommentBand.objects.filter(key__in=keys).order_by("pk").values_list("key", "fingerprint_id"):
        state.by_key.setdefault(key, []).append(pk)
    ids = {pk for pks in state.by_key.values() for pk in pks}
    rows = CommentFingerprint.objects.filter(comment_id__in=ids).values_list("comment_id", "signature", "cluster_id")
    for pk, signature, cluster_id in rows:
        state.fingerprints[pk] = (np.frombuffer(bytes(signature), dtype=np.uint32), cluster_id)


def _store(state: _Batch) -> None:
    joined: dict[int, int] = {}
    for cluster_id in state.assigned.values():
        joined[cluster_id] = joined.get(cluster_id, 0) + 1
    new = set(state.new_clusters)
    CommentCluster.objects.bulk_create(
        CommentCluster(representative_id=pk, version_id=state.version_id, size=joined[pk]) for pk in new
    )
    grown = {pk: n for pk, n in joined.items() if pk not in new}
    if grown:
        CommentCluster.objects.filter(pk__in=grown).update(
            size=F("size") + Case(*(When(pk=pk, then=Value(n)) for pk, n in grown.items()))
        )
    Comment.objects.bulk_update(
        [Comment(pk=pk, cluster_id=cluster_id) for pk, cluster_id in state.assigned.items()],
        ["cluster"],
        batch_size=500,
    )
    CommentFingerprint.objects.bulk_create(state.new_fingerprints)
    CommentBand.objects.bulk_create(state.new_bands, batch_size=2000)
