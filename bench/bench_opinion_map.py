"""Opinion map (意见地图): 5,000 participants × 300 statements with sparse votes.

Runs ``gongzhi.opinions.clustering.compute_map`` on synthetic votes (three planted groups
of 3,000 / 1,500 / 500 participants, ~30 votes each, 10 % noise; ``gongzhi.opinions.synthetic``)
without a database, and prints one JSON line. Options: ``--participants N``,
``--statements S``, ``--votes-each V``, ``--repeats R``.

- ``compute_s``: the whole map — matrix, PCA, k-means for k = 2..5 (8 k-means++ starts
  each), silhouette on a 2,000-point sample, representative and consensus statements.
  Best of ``--repeats`` runs (the machine is shared). **The number the target (< 5 s) is
  about.** ``adjusted_rand_index`` says whether the planted groups were recovered.
- ``alternative_full_silhouette_s``: the obvious alternative for choosing k — the exact
  silhouette over all participants (what ``silhouette_score`` without ``sample_size``
  computes), for the same four labelings: n² distances per k, in 500-row chunks.
- ``alternative_pure_python_s_extrapolated``: k-means and the exact silhouette written in
  plain Python (lists, no numpy), timed on ``PURE_SAMPLE`` points and extrapolated —
  k-means linearly, the silhouette quadratically — to all participants. scikit-learn is
  not installed here, so this is the hand-written route without numpy.
- ``limit_svd_s``: one economy SVD of the centred participants × statements matrix, what
  a textbook PCA costs; ``limit_gram_s``: one ``XᵀX`` product, the least work any PCA of
  the matrix does (every entry read once by BLAS). The map cannot cost less than the
  latter.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongzhi.opinions import clustering  # noqa: E402  (after the path is set)
from gongzhi.opinions.synthetic import planted_votes  # noqa: E402

PURE_SAMPLE = 1000
SEED = 20261129


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ari(truth: np.ndarray, found: np.ndarray) -> float:
    from math import comb

    _a, ai = np.unique(truth, return_inverse=True)
    _b, bi = np.unique(found, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), dtype=np.int64)
    np.add.at(table, (ai, bi), 1)
    pairs = sum(comb(int(x), 2) for x in table.ravel())
    rows = sum(comb(int(x), 2) for x in table.sum(axis=1))
    cols = sum(comb(int(x), 2) for x in table.sum(axis=0))
    expected = rows * cols / comb(len(truth), 2)
    return (pairs - expected) / ((rows + cols) / 2 - expected)


def full_silhouette(points: np.ndarray, labels: np.ndarray, chunk: int = 500) -> float:
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k).astype(np.float64)
    scores = np.empty(len(points))
    for start in range(0, len(points), chunk):
        block = points[start : start + chunk]
        d = np.sqrt(((block[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
        sums = np.stack([d[:, labels == j].sum(axis=1) for j in range(k)], axis=1)
        own = labels[start : start + chunk]
        rows = np.arange(len(block))
        a = sums[rows, own] / np.maximum(sizes[own] - 1, 1)
        means = sums / sizes
        means[rows, own] = np.inf
        b = means.min(axis=1)
        scores[start : start + chunk] = (b - a) / np.maximum(a, b)
    return float(scores.mean())


def pure_python(points: list[tuple[float, float]], k: int, iterations: int = 20) -> float:
    """Lloyd's k-means and the exact silhouette in plain Python; returns the silhouette."""
    centres = [points[i * len(points) // k] for i in range(k)]
    labels = [0] * len(points)
    for _ in range(iterations):
        for i, (x, y) in enumerate(points):
            labels[i] = min(
                range(k), key=lambda j: (x - centres[j][0]) ** 2 + (y - centres[j][1]) ** 2
            )
        for j in range(k):
            members = [points[i] for i in range(len(points)) if labels[i] == j] or [centres[j]]
            centres[j] = (
                sum(p[0] for p in members) / len(members),
                sum(p[1] for p in members) / len(members),
            )
    total = 0.0
    for i, (x, y) in enumerate(points):
        sums = [0.0] * k
        counts = [0] * k
        for j, (u, v) in enumerate(points):
            if i != j:
                sums[labels[j]] += ((x - u) ** 2 + (y - v) ** 2) ** 0.5
                counts[labels[j]] += 1
        a = sums[labels[i]] / counts[labels[i]] if counts[labels[i]] else 0.0
        b = min(sums[j] / counts[j] for j in range(k) if j != labels[i] and counts[j])
        total += (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return total / len(points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--votes-each", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    n = args.participants
    sizes = (n * 3 // 5, n * 3 // 10, n - n * 3 // 5 - n * 3 // 10)
    log(f"generating {n} × {args.statements}, {args.votes_each} votes each")
    data = planted_votes(
        sizes=sizes, n_statements=args.statements, votes_each=args.votes_each, seed=SEED
    )
    best = float("inf")
    result = None
    for run in range(args.repeats):
        started = time.perf_counter()
        result = clustering.compute_map(data.participants, data.statements, data.values)
        elapsed = time.perf_counter() - started
        log(f"compute run {run + 1}: {elapsed:.3f} s")
        best = min(best, elapsed)
    assert result is not None
    by_id = {pid: g for pid, _x, _y, g in result.points}
    found = np.array([by_id[i] for i in range(1, n + 1)])

    # The points and labelings the alternatives work on: the map's own.
    votes = np.zeros((n, args.statements))
    seen = np.zeros((n, args.statements), dtype=bool)
    votes[data.participants - 1, data.statements - 1] = data.values
    seen[data.participants - 1, data.statements - 1] = True
    points = np.array([[x, y] for _pid, x, y, _g in sorted(result.points)])
    rng = np.random.default_rng(0)
    labelings = [clustering.kmeans(points, k, rng=rng, n_init=1)[0] for k in range(2, 6)]
    started = time.perf_counter()
    for labels in labelings:
        full_silhouette(points, labels)
    full_s = time.perf_counter() - started
    log(f"full silhouette, 4 labelings: {full_s:.3f} s")

    sample = [tuple(p) for p in points[:PURE_SAMPLE].tolist()]
    started = time.perf_counter()
    for k in range(2, 6):
        pure_python(sample, k)
    pure_sample_s = time.perf_counter() - started
    scale = n / PURE_SAMPLE
    # The silhouette dominates (quadratic); k-means is linear in n.
    pure_extrapolated = pure_sample_s * scale * scale
    log(f"pure Python at {PURE_SAMPLE}: {pure_sample_s:.3f} s → {pure_extrapolated:.1f} s at {n}")

    column_n = np.maximum(seen.sum(axis=0), 1)
    centred = np.where(seen, votes - (votes * seen).sum(axis=0) / column_n, 0.0)
    svd_best = gram_best = float("inf")
    for _ in range(args.repeats):
        started = time.perf_counter()
        np.linalg.svd(centred, full_matrices=False)
        svd_best = min(svd_best, time.perf_counter() - started)
        started = time.perf_counter()
        _gram = centred.T @ centred
        gram_best = min(gram_best, time.perf_counter() - started)

    print(
        json.dumps(
            {
                "bench": "opinion_map",
                "participants": n,
                "statements": args.statements,
                "votes": len(data.values),
                "votes_each": args.votes_each,
                "planted_groups": list(sizes),
                "compute_s": round(best, 3),
                "meets_target": best < 5.0,
                "k": result.k,
                "group_sizes": [g.size for g in result.groups],
                "adjusted_rand_index": round(ari(data.truth, found), 4),
                "silhouettes": result.silhouettes,
                "silhouette_sampled": result.silhouette_sampled,
                "alternative_full_silhouette_s": round(full_s, 3),
                "alternative_pure_python_sample": PURE_SAMPLE,
                "alternative_pure_python_sample_s": round(pure_sample_s, 3),
                "alternative_pure_python_s_extrapolated": round(pure_extrapolated, 1),
                "limit_svd_s": round(svd_best, 3),
                "limit_gram_s": round(gram_best, 4),
                "numpy": np.__version__,
                "python": platform.python_version(),
                "load_avg_1m_before": round(load, 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
