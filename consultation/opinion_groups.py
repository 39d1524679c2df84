"""Opinion groups by the Pol.is method, computed from votes alone: no database, no Django, so the open data's votes
file gives the same groups as the site (tests/consultation/test_opinion_groups.py checks it).

1. The participant × statement matrix, sparse: agree +1, disagree -1, pass 0, not voted missing.
2. Only participants with at least MIN_VOTES votes are placed and clustered (everyone is counted).
3. The projection is Pol.is's PCA of the matrix with each missing vote imputed by its statement's mean vote. Once
   centred, an imputed cell is exactly 0, so the centred matrix keeps the votes' sparsity: TruncatedSVD of it *is*
   that PCA, at 10,000 × 500 without ever building the dense matrix. Each participant's point is then scaled by
   sqrt(statements / votes cast), as Pol.is does, so that people who voted on few statements are not all pulled
   to the centre.
4. k-means on the 2-D points for k from 2 to 5; the k with the best silhouette score wins (the smaller on a tie).
5. Per group, representative statements by Pol.is's repness; across groups, consensus (the product over groups of
   the Laplace-smoothed agree probability, every group above CONSENSUS_MIN_SHARE) and divisive statements (the
   largest spread of the groups' smoothed agree probabilities).

See docs/explanations/opinion-groups.md for why, and for what Pol.is does differently.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse, stats
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score

VOTE_VALUES = {"agree": 1, "disagree": -1, "pass": 0}
MIN_VOTES = 7
K_MIN, K_MAX = 2, 5
COMPONENTS = 2
RANDOM_STATE = 0
KMEANS_RUNS = 10
# The silhouette of every point against every other is quadratic; a fixed random sample of this many is plenty.
SILHOUETTE_SAMPLE = 3000
# One-sided 90 % confidence, Pol.is's threshold for both of its repness tests.
SIGNIFICANT_Z = float(stats.norm.ppf(0.90))
REPRESENTATIVE_MAX = 5
CONSENSUS_MIN_SHARE = 0.6
CONSENSUS_MAX = 10
DIVISIVE_MIN_SPREAD = 0.3
DIVISIVE_MAX = 10

METHOD: dict[str, Any] = {
    "name": "Pol.is opinion groups: PCA, k-means, repness",
    "votes": VOTE_VALUES,
    "min_votes": MIN_VOTES,
    "projection": "TruncatedSVD (2 components) of the statement-centred matrix, missing votes imputed with the "
    "statement's mean vote; points scaled by sqrt(statements / votes cast)",
    "components": COMPONENTS,
    "clustering": "k-means on the projected points",
    "k_range": [K_MIN, K_MAX],
    "k_chosen_by": "silhouette score",
    "silhouette_sample": SILHOUETTE_SAMPLE,
    "kmeans_runs": KMEANS_RUNS,
    "random_state": RANDOM_STATE,
    "representative": {
        "score": "repness ratio x ratio test x probability x probability test (Pol.is), Laplace-smoothed",
        "significance_z": round(SIGNIFICANT_Z, 4),
        "per_group": REPRESENTATIVE_MAX,
    },
    "consensus": {
        "score": "product over groups of (agree + 1) / (votes + 2)",
        "every_group_at_least": CONSENSUS_MIN_SHARE,
        "most": CONSENSUS_MAX,
    },
    "divisive": {
        "score": "largest minus smallest of the groups' (agree + 1) / (votes + 2)",
        "spread_at_least": DIVISIVE_MIN_SPREAD,
        "most": DIVISIVE_MAX,
    },
}


@dataclass
class Votes:
    """Votes as coordinates: participant and statement indexes into the sorted `participants` and `statements`."""

    participants: list[str]
    statements: list[int]
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray

    @classmethod
    def from_rows(cls, votes: Iterable[tuple[str, int, str]]) -> "Votes":
        """From (participant pseudonym, statement id, vote) rows in any order: the order never changes the groups."""
        listed = list(votes)
        keys, statement_ids, words = zip(*listed, strict=True) if listed else ((), (), ())
        participants, rows = np.unique(np.array(keys, dtype=str), return_inverse=True)
        statements, cols = np.unique(np.array(statement_ids, dtype=np.int64), return_inverse=True)
        values = np.array([VOTE_VALUES[word] for word in words], dtype=np.float64)
        return cls(list(participants), [int(s) for s in statements], rows.ravel(), cols.ravel(), values)


@dataclass
class Groups:
    """What one computation found; `labels` and `points` follow `clustered` (pseudonyms)."""

    votes_seen: int
    participants: int
    clustered: list[str] = field(default_factory=list)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    silhouette: float = 0.0
    sizes: list[int] = field(default_factory=list)
    representative: list[list[dict]] = field(default_factory=list)
    consensus: list[dict] = field(default_factory=list)
    divisive: list[dict] = field(default_factory=list)

    @property
    def k(self) -> int:
        return len(self.sizes)

    def assignments(self) -> dict[str, int]:
        return dict(zip(self.clustered, (int(label) for label in self.labels), strict=True))

    def document(self, statements: dict[int, tuple[str, str | None]]) -> dict[str, Any]:
        """The published result (OpinionGroups.result), given each statement's text and clause key."""

        def named(entry: dict, **extra: Any) -> dict:
            text, clause = statements.get(entry["statement"], ("", None))
            return {"statement": entry["statement"], "text": text, "clause": clause, **extra}

        return {
            "method": METHOD,
            "k": self.k,
            "silhouette": round(self.silhouette, 4),
            "groups": [
                {
                    "id": group,
                    "size": size,
                    "representative": [
                        named(e, direction=e["direction"], agree_share=e["agree_share"])
                        for e in self.representative[group]
                    ],
                }
                for group, size in enumerate(self.sizes)
            ],
            "consensus": [named(e, agree_share=e["agree_share"]) for e in self.consensus],
            "divisive": [named(e, agree_share=e["agree_share"]) for e in self.divisive],
        }


def compute(votes: Votes) -> Groups:
    """The opinion groups of these votes; the same votes always give the same groups (fixed random state)."""
    n_participants, n_statements = len(votes.participants), len(votes.statements)
    found = Groups(votes_seen=len(votes.values), participants=n_participants)
    cast = np.bincount(votes.rows, minlength=n_participants)
    keep = cast >= MIN_VOTES
    if keep.sum() < K_MIN + 2 or n_statements <= COMPONENTS:
        return found
    # Renumber the kept participants 0..n-1 and drop everyone else's votes.
    new_row = np.cumsum(keep) - 1
    mine = keep[votes.rows]
    rows, cols, values = new_row[votes.rows[mine]], votes.cols[mine], votes.values[mine]
    n = int(keep.sum())
    found.clustered = [key for key, kept in zip(votes.participants, keep, strict=True) if kept]
    found.points = _project(rows, cols, values, n, n_statements, cast[keep])
    found.labels, found.silhouette = _cluster(found.points)
    found.sizes = np.bincount(found.labels).tolist()
    agree, disagree, seen = _group_counts(rows, cols, values, found.labels, found.k, n_statements)
    ids = np.array(votes.statements)
    found.representative = _representative(agree, disagree, seen, ids)
    found.consensus, found.divisive = _consensus_and_divisive(agree, seen, ids)
    return found


def _project(rows, cols, values, n: int, n_statements: int, cast: np.ndarray) -> np.ndarray:
    voters = np.maximum(np.bincount(cols, minlength=n_statements), 1)
    mean = np.bincount(cols, weights=values, minlength=n_statements) / voters
    centred = sparse.csr_matrix((values - mean[cols], (rows, cols)), shape=(n, n_statements))
    svd = TruncatedSVD(n_components=COMPONENTS, algorithm="randomized", n_iter=10, random_state=RANDOM_STATE)
    points = svd.fit_transform(centred)
    return points * np.sqrt(n_statements / cast)[:, np.newaxis]


def _cluster(points: np.ndarray) -> tuple[np.ndarray, float]:
    """The labels of the best k by silhouette, numbered by group size (largest first), then from left to right."""
    best: tuple[float, np.ndarray] | None = None
    sample = min(len(points), SILHOUETTE_SAMPLE)
    places = len(np.unique(points.round(9), axis=0))  # k-means finds no more groups than there are distinct points
    for k in range(K_MIN, min(K_MAX, len(points) - 1, places) + 1):
        labels = KMeans(n_clusters=k, n_init=KMEANS_RUNS, random_state=RANDOM_STATE).fit_predict(points)
        if len(np.unique(labels)) < 2:
            continue  # every point in one place: nothing to separate
        score = float(silhouette_score(points, labels, sample_size=sample, random_state=RANDOM_STATE))
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        return np.zeros(len(points), dtype=int), 0.0
    score, labels = best
    groups = np.unique(labels)
    order = sorted(groups, key=lambda g: (-np.sum(labels == g), float(points[labels == g, 0].mean())))
    renumber = np.empty(groups.max() + 1, dtype=int)
    renumber[order] = np.arange(len(order))
    return renumber[labels], score


def _group_counts(rows, cols, values, labels, k: int, n_statements: int):
    """Agrees, disagrees and votes of each group on each statement, k × statements, by one sparse product each."""
    membership = sparse.csr_matrix((np.ones(len(labels)), (np.arange(len(labels)), labels)), shape=(len(labels), k))
    shape = (len(labels), n_statements)

    def counted(mask: np.ndarray) -> np.ndarray:
        cells = sparse.csr_matrix((np.ones(mask.sum()), (rows[mask], cols[mask])), shape=shape)
        return (membership.T @ cells).toarray()

    return counted(values > 0), counted(values < 0), counted(np.ones(len(values), dtype=bool))


def _smoothed(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    return (successes + 1) / (trials + 2)


def _proportion_z(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Pol.is's one-proportion test against 1/2."""
    return 2 * np.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5)


def _two_proportions_z(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pol.is's test that the group's proportion is above the rest's, with one pseudo-count each."""
    p1, p2 = (s1 + 1) / (n1 + 1), (s2 + 1) / (n2 + 1)
    pooled = (s1 + s2 + 1) / (n1 + n2 + 1)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / (n1 + 1) + 1 / (n2 + 1)))
    return np.divide(p1 - p2, spread, out=np.zeros_like(spread), where=spread > 0)


def _representative(agree, disagree, seen, ids) -> list[list[dict]]:
    rest_seen = seen.sum(axis=0) - seen
    sides = {}
    for direction, count in (("agree", agree), ("disagree", disagree)):
        rest = count.sum(axis=0) - count
        p, p_rest = _smoothed(count, seen), _smoothed(rest, rest_seen)
        p_z, ratio_z = _proportion_z(count, seen), _two_proportions_z(count, seen, rest, rest_seen)
        score = (p / p_rest) * ratio_z * p * p_z
        significant = (p_z > SIGNIFICANT_Z) & (ratio_z > SIGNIFICANT_Z)
        sides[direction] = np.where(significant, score, -np.inf)
    share = agree / np.maximum(seen, 1)
    groups = []
    for group in range(len(agree)):
        best = np.maximum(sides["agree"][group], sides["disagree"][group])
        chosen = [s for s in np.argsort(-best, kind="stable")[:REPRESENTATIVE_MAX] if np.isfinite(best[s])]
        groups.append(
            [
                {
                    "statement": int(ids[s]),
                    "direction": "agree" if sides["agree"][group][s] >= sides["disagree"][group][s] else "disagree",
                    "agree_share": round(float(share[group][s]), 4),
                }
                for s in chosen
            ]
        )
    return groups


def _consensus_and_divisive(agree, seen, ids) -> tuple[list[dict], list[dict]]:
    p = _smoothed(agree, seen)
    share = agree.sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    consensus_score = np.where(p.min(axis=0) >= CONSENSUS_MIN_SHARE, np.prod(p, axis=0), -np.inf)
    spread = np.where(p.max(axis=0) - p.min(axis=0) >= DIVISIVE_MIN_SPREAD, p.max(axis=0) - p.min(axis=0), -np.inf)

    def best(score: np.ndarray, most: int) -> list[dict]:
        chosen = [s for s in np.argsort(-score, kind="stable")[:most] if np.isfinite(score[s])]
        return [{"statement": int(ids[s]), "agree_share": round(float(share[s]), 4)} for s in chosen]

    return best(consensus_score, CONSENSUS_MAX), best(spread, DIVISIVE_MAX)
