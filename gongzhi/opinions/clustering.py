"""The opinion map's computation (意见地图, R3.1d, R2.3e), after Pol.is — pure numpy, no Django.

Input: the votes of one conversation as parallel arrays (participant id, statement id,
value with agree ``1``, disagree ``-1``, pass ``0``). Output: an ``OpinionMap`` — each
counted participant's point on a plane, the opinion groups, each group's representative
statements and the statements every group agrees (or disagrees) on — or, when the votes
cannot be grouped, the reason as a stable code (``problem``) for the caller to word.

The steps, as Pol.is does them:

1. **Matrix.** Participants × statements, agree 1, disagree −1, pass 0; a statement a
   participant has not seen is missing. Participants with fewer than ``min_votes`` votes
   (passes count) are left out of the map; when the conversation has fewer statements
   than that, those who voted on every statement are counted.
2. **Missing votes** are imputed with the statement's mean vote (column-mean imputation);
   centring the columns then turns them into 0, so the centred matrix is the seen votes
   minus their column mean and 0 elsewhere.
3. **PCA to two components** from the eigenvectors of the statements' covariance
   ``XᵀX`` (``numpy.linalg.eigh`` on a statements × statements matrix) — the right
   singular vectors of the centred matrix, obtained without the participants × statements
   SVD. Each component's sign is fixed (largest loading positive), so the same votes give
   the same picture. A participant's projection is scaled by ``sqrt(statements / votes)``
   (Pol.is): someone who saw few statements is not drawn into the centre.
4. **k-means** on the points for k = ``k_min``..``k_max``, k-means++ initialisation,
   ``n_init`` seeded starts each, the start with the lowest inertia kept.
5. **k by silhouette.** The mean silhouette is exact on up to ``silhouette_sample``
   points; above that it is computed on a seeded random sample of that many points (the
   same sample for every k), as scikit-learn's ``silhouette_score(sample_size=…)`` does.
   The sample's pairwise distances are computed once and reused for every k, and the
   per-cluster distance sums are one matrix product with the labels' indicator matrix,
   so choosing k costs O(sample²), not O(participants²). Ties go to the smaller k.
6. **Representative statements** (Pol.is repness): for each group and statement, the
   group's agree (disagree) share is compared with everyone else's by a two-proportion
   z-test; a statement represents the group when the group saw it at least
   ``repness_min_seen`` times, more than half of the group voted that way, and
   ``z ≥ repness_z`` (one-sided 90 %, Pol.is's level). They are ranked by the ratio of
   the Laplace-smoothed shares ``(n+1)/(seen+2)`` times ``z``.
7. **Consensus statements**: the smoothed agree (disagree) share is at least
   ``consensus_min_share`` in every group, each group having seen it at least
   ``repness_min_seen`` times; ranked by the product of the groups' shares.

Groups are numbered by size, largest first (ties by the centre's first coordinate), and
everything random draws from ``numpy.random.default_rng(seed)``: the same votes and seed
give the same map.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

AGREE, DISAGREE, PASS = 1, -1, 0

# Reasons a map cannot be drawn (``OpinionMap.problem``); the caller words them.
NO_VOTES = "no_votes"
TOO_FEW_PARTICIPANTS = "too_few_participants"
NO_VARIATION = "no_variation"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Params:
    """The knobs of the computation, with Pol.is's values as defaults."""

    min_votes: int = 7
    k_min: int = 2
    k_max: int = 5
    n_init: int = 8
    max_iter: int = 100
    silhouette_sample: int = 2000
    repness_min_seen: int = 3
    repness_z: float = 1.2816  # one-sided 90 %
    repness_per_group: int = 5
    consensus_min_share: float = 0.6
    consensus_shown: int = 5
    seed: int = 0


@dataclass
class StatementShare:
    """How a group (or everyone) voted on one statement."""

    statement: int
    direction: str  # "agree" or "disagree": what the group does more than the rest
    agree: int
    disagree: int
    passed: int
    seen: int
    rest_agree_share: float
    rest_disagree_share: float
    z: float
    score: float

    @property
    def agree_share(self) -> float:
        return self.agree / self.seen if self.seen else 0.0

    @property
    def disagree_share(self) -> float:
        return self.disagree / self.seen if self.seen else 0.0


@dataclass
class Group:
    index: int
    size: int
    centre: tuple[float, float]
    representative: list[StatementShare] = field(default_factory=list)


@dataclass
class Consensus:
    statement: int
    direction: str  # "agree" or "disagree"
    shares: list[float]  # the smoothed share per group, in group order
    score: float


@dataclass
class OpinionMap:
    """The result; ``problem`` is set (and groups empty) when the votes cannot be grouped."""

    problem: str | None
    participants_total: int
    participants_counted: int
    statements: int
    votes: int
    min_votes: int
    k: int = 0
    silhouettes: dict[int, float] = field(default_factory=dict)
    silhouette_sampled: bool = False
    explained_variance: tuple[float, float] = (0.0, 0.0)
    # (participant id, x, y, group index) for each counted participant.
    points: list[tuple[int, float, float, int]] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    consensus: list[Consensus] = field(default_factory=list)
    # statement id → [agree, disagree, pass] over every vote, counted participant or not.
    totals: dict[int, list[int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (string keys, plain floats)."""
        data = asdict(self)
        data["silhouettes"] = {str(k): v for k, v in self.silhouettes.items()}
        data["totals"] = {str(k): v for k, v in self.totals.items()}
        return data


def compute_map(
    participants: npt.ArrayLike,
    statements: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    statement_ids: npt.ArrayLike | None = None,
    params: Params | None = None,
) -> OpinionMap:
    """The opinion map of the votes ``(participants[i], statements[i], values[i])``.

    ``statement_ids`` are all the statements open for voting (some may have no votes);
    by default those that have votes. A pair voted twice counts its last value.
    """
    params = params or Params()
    pids = np.asarray(participants, dtype=np.int64).ravel()
    sids = np.asarray(statements, dtype=np.int64).ravel()
    vals = np.asarray(values, dtype=np.float64).ravel()
    if not (len(pids) == len(sids) == len(vals)):
        raise ValueError("participants, statements and values must have the same length")
    all_sids = np.unique(
        sids if statement_ids is None else np.concatenate([sids, np.asarray(statement_ids)])
    ).astype(np.int64)
    n_statements = len(all_sids)
    threshold = max(1, min(params.min_votes, n_statements))
    if len(vals) == 0:
        return OpinionMap(NO_VOTES, 0, 0, n_statements, 0, threshold)
    if np.any((vals != AGREE) & (vals != DISAGREE) & (vals != PASS)):
        raise ValueError("a vote is 1 (agree), -1 (disagree) or 0 (pass)")

    unique_pids, p_idx = np.unique(pids, return_inverse=True)
    s_idx = np.searchsorted(all_sids, sids)
    votes = np.zeros((len(unique_pids), n_statements))
    seen = np.zeros((len(unique_pids), n_statements), dtype=bool)
    votes[p_idx, s_idx] = vals
    seen[p_idx, s_idx] = True
    totals = _totals(votes, seen, all_sids)

    counts = seen.sum(axis=1)
    keep = counts >= threshold
    result = OpinionMap(
        None,
        participants_total=len(unique_pids),
        participants_counted=int(keep.sum()),
        statements=n_statements,
        votes=int(seen.sum()),
        min_votes=threshold,
        totals=totals,
    )
    if result.participants_counted < params.k_min + 1:
        result.problem = TOO_FEW_PARTICIPANTS
        return result
    votes, seen, counts, kept_pids = votes[keep], seen[keep], counts[keep], unique_pids[keep]

    points, explained = _project(votes, seen, counts)
    result.explained_variance = explained
    distinct = len(np.unique(np.round(points, 9), axis=0))
    if explained[0] <= 0.0 or distinct < 2:
        result.problem = NO_VARIATION
        return result

    rng = np.random.default_rng(params.seed)
    sample = _silhouette_sample(len(points), params.silhouette_sample, rng)
    result.silhouette_sampled = len(sample) < len(points)
    sample_dist = _pairwise(points[sample])
    best: tuple[float, int, IntArray, FloatArray] | None = None
    for k in range(params.k_min, min(params.k_max, distinct) + 1):
        labels, centres = kmeans(points, k, rng=rng, n_init=params.n_init, max_iter=params.max_iter)
        score = silhouette_from_distances(sample_dist, labels[sample])
        result.silhouettes[k] = round(score, 4)
        if best is None or score > best[0] + 1e-12:
            best = (score, k, labels, centres)
    if best is None:
        result.problem = NO_VARIATION
        return result
    _score, k, labels, centres = best
    labels, centres = _order_groups(labels, centres)
    result.k = k
    result.points = [
        (int(pid), round(float(x), 4), round(float(y), 4), int(g))
        for pid, (x, y), g in zip(kept_pids, points, labels, strict=True)
    ]
    result.groups = _groups(votes, seen, labels, centres, all_sids, params)
    result.consensus = _consensus(votes, seen, labels, k, all_sids, params)
    return result


# --- Steps ----------------------------------------------------------------------------------


def _totals(votes: FloatArray, seen: npt.NDArray[np.bool_], sids: IntArray) -> dict[int, list[int]]:
    agree = ((votes == AGREE) & seen).sum(axis=0)
    disagree = ((votes == DISAGREE) & seen).sum(axis=0)
    passed = ((votes == PASS) & seen).sum(axis=0)
    return {
        int(s): [int(a), int(d), int(p)]
        for s, a, d, p in zip(sids, agree, disagree, passed, strict=True)
    }


def _project(
    votes: FloatArray, seen: npt.NDArray[np.bool_], counts: IntArray
) -> tuple[FloatArray, tuple[float, float]]:
    """Points on the first two principal components, and the share of variance of each."""
    column_n = seen.sum(axis=0)
    column_mean = np.divide(
        (votes * seen).sum(axis=0), column_n, out=np.zeros(votes.shape[1]), where=column_n > 0
    )
    centred = np.where(seen, votes - column_mean, 0.0)
    covariance = centred.T @ centred
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1][:2]
    eigenvalues = np.clip(eigenvalues[order], 0.0, None)
    components = eigenvectors[:, order]
    if components.shape[1] < 2:
        components = np.hstack([components, np.zeros((components.shape[0], 1))])
        eigenvalues = np.append(eigenvalues, 0.0)
    # Fix each component's sign: the largest loading positive.
    for j in range(2):
        pivot = np.argmax(np.abs(components[:, j]))
        if components[pivot, j] < 0:
            components[:, j] = -components[:, j]
    total = float(np.clip(np.trace(covariance), 0.0, None))
    if total <= 1e-12:
        return np.zeros((len(votes), 2)), (0.0, 0.0)
    points = centred @ components
    points *= np.sqrt(votes.shape[1] / np.maximum(counts, 1))[:, None]
    explained = (float(eigenvalues[0] / total), float(eigenvalues[1] / total))
    return points, (round(explained[0], 4), round(explained[1], 4))


def kmeans(
    points: FloatArray,
    k: int,
    *,
    rng: np.random.Generator,
    n_init: int = 8,
    max_iter: int = 100,
) -> tuple[IntArray, FloatArray]:
    """Lloyd's k-means with k-means++ starts; the labels and centres of the best start."""
    best_inertia = np.inf
    best: tuple[IntArray, FloatArray] | None = None
    for _start in range(max(1, n_init)):
        centres = _kmeans_plus_plus(points, k, rng)
        labels = np.zeros(len(points), dtype=np.int64)
        for _step in range(max_iter):
            distances = _squared_distances(points, centres)
            labels = distances.argmin(axis=1)
            sizes = np.bincount(labels, minlength=k)
            moved = centres.copy()
            for dim in range(points.shape[1]):
                sums = np.bincount(labels, weights=points[:, dim], minlength=k)
                np.divide(sums, sizes, out=moved[:, dim], where=sizes > 0)
            empty = np.flatnonzero(sizes == 0)
            if len(empty):
                # Restart an empty cluster at the point farthest from its centre.
                far = np.argsort(distances[np.arange(len(points)), labels])[::-1]
                moved[empty] = points[far[: len(empty)]]
            if np.allclose(moved, centres, atol=1e-10, rtol=0.0):
                centres = moved
                break
            centres = moved
        distances = _squared_distances(points, centres)
        labels = distances.argmin(axis=1)
        inertia = float(distances[np.arange(len(points)), labels].sum())
        if inertia < best_inertia - 1e-12:
            best_inertia, best = inertia, (labels.astype(np.int64), centres)
    assert best is not None
    return best


def _kmeans_plus_plus(points: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    centres = np.empty((k, points.shape[1]))
    centres[0] = points[rng.integers(len(points))]
    closest = ((points - centres[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = closest.sum()
        if total <= 0:
            centres[j] = points[rng.integers(len(points))]
        else:
            pick = int(np.searchsorted(np.cumsum(closest), rng.random() * total))
            centres[j] = points[min(pick, len(points) - 1)]
        closest = np.minimum(closest, ((points - centres[j]) ** 2).sum(axis=1))
    return centres


def _squared_distances(points: FloatArray, centres: FloatArray) -> FloatArray:
    return ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)


def _silhouette_sample(n: int, size: int, rng: np.random.Generator) -> IntArray:
    if n <= size:
        return np.arange(n, dtype=np.int64)
    return np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)


def _pairwise(points: FloatArray) -> FloatArray:
    squared = (points**2).sum(axis=1)
    distances = squared[:, None] + squared[None, :] - 2.0 * (points @ points.T)
    return np.sqrt(np.clip(distances, 0.0, None))


def silhouette_from_distances(distances: FloatArray, labels: npt.ArrayLike) -> float:
    """Mean silhouette of points with pairwise ``distances`` and cluster ``labels``.

    Per-cluster distance sums are one product with the labels' indicator matrix. A point
    alone in its cluster scores 0 (Rousseeuw's convention, as scikit-learn).
    """
    labels = np.asarray(labels, dtype=np.int64)
    clusters, labels = np.unique(labels, return_inverse=True)
    k = len(clusters)
    if k < 2:
        return 0.0
    indicator = np.zeros((len(labels), k))
    indicator[np.arange(len(labels)), labels] = 1.0
    sums = distances @ indicator
    sizes = indicator.sum(axis=0)
    own_size = sizes[labels]
    rows = np.arange(len(labels))
    a = np.divide(sums[rows, labels], own_size - 1, out=np.zeros(len(labels)), where=own_size > 1)
    means = sums / sizes
    means[rows, labels] = np.inf
    b = means.min(axis=1)
    denominator = np.maximum(a, b)
    s = np.divide(b - a, denominator, out=np.zeros(len(labels)), where=denominator > 0)
    s[own_size <= 1] = 0.0
    return float(s.mean())


def silhouette(points: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Exact mean silhouette of all ``points`` (O(n²) memory: for small inputs and tests)."""
    return silhouette_from_distances(_pairwise(np.asarray(points, dtype=np.float64)), labels)


def _order_groups(labels: IntArray, centres: FloatArray) -> tuple[IntArray, FloatArray]:
    sizes = np.bincount(labels, minlength=len(centres))
    order = sorted(range(len(centres)), key=lambda j: (-sizes[j], centres[j, 0], centres[j, 1]))
    remap = np.empty(len(centres), dtype=np.int64)
    remap[order] = np.arange(len(centres))
    return remap[labels], centres[order]


def _counts(
    votes: FloatArray, seen: npt.NDArray[np.bool_], members: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    v, s = votes[members], seen[members]
    agree = ((v == AGREE) & s).sum(axis=0).astype(np.float64)
    disagree = ((v == DISAGREE) & s).sum(axis=0).astype(np.float64)
    return agree, disagree, s.sum(axis=0).astype(np.float64)


def two_proportion_z(
    hits_1: npt.ArrayLike, n_1: npt.ArrayLike, hits_2: npt.ArrayLike, n_2: npt.ArrayLike
) -> FloatArray:
    """z of the difference of two proportions (pooled variance); 0 where undefined."""
    h1, m1 = np.asarray(hits_1, dtype=np.float64), np.asarray(n_1, dtype=np.float64)
    h2, m2 = np.asarray(hits_2, dtype=np.float64), np.asarray(n_2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.where(m1 > 0, h1 / m1, 0.0)
        p2 = np.where(m2 > 0, h2 / m2, 0.0)
        pooled = np.where(m1 + m2 > 0, (h1 + h2) / (m1 + m2), 0.0)
        se = np.sqrt(pooled * (1 - pooled) * (1 / m1 + 1 / m2))
        z = np.where((m1 > 0) & (m2 > 0) & (se > 0), (p1 - p2) / se, 0.0)
    return z


def _groups(
    votes: FloatArray,
    seen: npt.NDArray[np.bool_],
    labels: IntArray,
    centres: FloatArray,
    sids: IntArray,
    params: Params,
) -> list[Group]:
    groups: list[Group] = []
    for g in range(len(centres)):
        members = labels == g
        ga, gd, gs = _counts(votes, seen, members)
        ra, rd, rs = _counts(votes, seen, ~members)
        candidates: list[StatementShare] = []
        for direction, g_hits, r_hits in (("agree", ga, ra), ("disagree", gd, rd)):
            z = two_proportion_z(g_hits, gs, r_hits, rs)
            ratio = ((g_hits + 1) / (gs + 2)) / ((r_hits + 1) / (rs + 2))
            share = np.divide(g_hits, gs, out=np.zeros_like(gs), where=gs > 0)
            chosen = (gs >= params.repness_min_seen) & (share > 0.5) & (z >= params.repness_z)
            for j in np.flatnonzero(chosen):
                candidates.append(
                    StatementShare(
                        statement=int(sids[j]),
                        direction=direction,
                        agree=int(ga[j]),
                        disagree=int(gd[j]),
                        passed=int(gs[j] - ga[j] - gd[j]),
                        seen=int(gs[j]),
                        rest_agree_share=round(float(ra[j] / rs[j]) if rs[j] else 0.0, 4),
                        rest_disagree_share=round(float(rd[j] / rs[j]) if rs[j] else 0.0, 4),
                        z=round(float(z[j]), 4),
                        score=round(float(ratio[j] * z[j]), 4),
                    )
                )
        # One direction per statement (the stronger), best first, ties by statement id.
        best: dict[int, StatementShare] = {}
        for item in candidates:
            if item.statement not in best or item.score > best[item.statement].score:
                best[item.statement] = item
        ranked = sorted(best.values(), key=lambda item: (-item.score, item.statement))
        groups.append(
            Group(
                index=g,
                size=int(members.sum()),
                centre=(round(float(centres[g, 0]), 4), round(float(centres[g, 1]), 4)),
                representative=ranked[: params.repness_per_group],
            )
        )
    return groups


def _consensus(
    votes: FloatArray,
    seen: npt.NDArray[np.bool_],
    labels: IntArray,
    k: int,
    sids: IntArray,
    params: Params,
) -> list[Consensus]:
    agree_shares, disagree_shares, enough = [], [], np.ones(len(sids), dtype=bool)
    for g in range(k):
        ga, gd, gs = _counts(votes, seen, labels == g)
        agree_shares.append((ga + 1) / (gs + 2))
        disagree_shares.append((gd + 1) / (gs + 2))
        enough &= gs >= params.repness_min_seen
    found: list[Consensus] = []
    for direction, shares in (("agree", agree_shares), ("disagree", disagree_shares)):
        matrix = np.vstack(shares)
        everywhere = enough & (matrix >= params.consensus_min_share).all(axis=0)
        scores = matrix.prod(axis=0)
        for j in np.flatnonzero(everywhere):
            found.append(
                Consensus(
                    statement=int(sids[j]),
                    direction=direction,
                    shares=[round(float(x), 4) for x in matrix[:, j]],
                    score=round(float(scores[j]), 4),
                )
            )
    found.sort(key=lambda item: (-item.score, item.statement))
    return found[: params.consensus_shown * 2]
