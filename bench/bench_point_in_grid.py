"""Point-in-polygon: 1,000,000 WGS84 points against 10,000 grid polygons.

Runs the app's own ``GridIndex`` (gongzhi/regions/geo.py) on synthetic data, without a
database: 10,000 quadrilaterals tiling the league's bounding box (a 100 × 100 lattice
with jittered interior vertices, so neighbours share edges exactly), and uniformly
random points over a box slightly larger than the league (about 7.5% fall outside every
grid). Prints one JSON line. The machine is shared, so each vectorised section reports
the best of three runs; the slow naive loop runs once.

- ``index_points_per_s``: ``GridIndex.locate_codes`` on all points — building the point
  geometries, the STRtree candidate query, the exact test on prepared polygons and the
  mapping to grid codes; the index is built before timing (``index_build_s``).
- ``naive_points_per_s``: a Python loop over all polygons for each point (stopping at
  the first polygon that covers it), run on a sample and extrapolated.
- ``limit_strtree_query_points_per_s``: the STRtree bounding-box query alone on
  prebuilt point geometries — no exact test, no mapping — as the ceiling of this
  design on this machine.
- ``limit_one_polygon_contains_xy_points_per_s``: vectorised ``contains_xy`` of all
  points against ONE polygon — the cost of the one exact test every point needs at
  least, with no search at all.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongzhi.regions.geo import GridIndex  # noqa: E402  (after the path is set)

T = TypeVar("T")

GRIDS_PER_SIDE = 100  # 100 × 100 = 10,000 grids
POINTS = 1_000_000
NAIVE_SAMPLE = 2_000
REPEATS = 3  # timed sections other than the naive loop report their best of three
SEED = 20261129
# The league's bounding box (兴安盟), roughly.
MIN_LON, MAX_LON, MIN_LAT, MAX_LAT = 119.5, 123.5, 44.5, 47.7


def lattice_polygons(rng: np.random.Generator) -> tuple[list[str], list[shapely.Polygon]]:
    n = GRIDS_PER_SIDE
    xs, ys = np.meshgrid(
        np.linspace(MIN_LON, MAX_LON, n + 1), np.linspace(MIN_LAT, MAX_LAT, n + 1), indexing="ij"
    )
    dx, dy = (MAX_LON - MIN_LON) / n, (MAX_LAT - MIN_LAT) / n
    # Jitter interior vertices by up to 20% of a cell: every cell stays a convex quadrilateral.
    xs[1:-1, 1:-1] += rng.uniform(-0.2, 0.2, (n - 1, n - 1)) * dx
    ys[1:-1, 1:-1] += rng.uniform(-0.2, 0.2, (n - 1, n - 1)) * dy
    codes, polygons = [], []
    for i in range(n):
        for j in range(n):
            ring = [
                (xs[i, j], ys[i, j]),
                (xs[i + 1, j], ys[i + 1, j]),
                (xs[i + 1, j + 1], ys[i + 1, j + 1]),
                (xs[i, j + 1], ys[i, j + 1]),
            ]
            # Codes shaped like real grid codes: community code + three digits.
            codes.append(f"152201{i:03d}{j:03d}001")
            polygons.append(shapely.Polygon(ring))
    return codes, polygons


def best_of(repeats: int, run: Callable[[], T]) -> tuple[T, float]:
    """The result and the shortest wall time of ``repeats`` runs (the machine is shared)."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return result, best


def naive_locate(
    polygons: list[shapely.Polygon], codes: list[str], lon: float, lat: float
) -> str | None:
    point = shapely.Point(lon, lat)
    for code, polygon in zip(codes, polygons, strict=True):
        if polygon.intersects(point):
            return code
    return None


def main() -> None:
    rng = np.random.default_rng(SEED)
    codes, polygons = lattice_polygons(rng)
    margin_lon, margin_lat = 0.02 * (MAX_LON - MIN_LON), 0.02 * (MAX_LAT - MIN_LAT)
    coords = np.column_stack(
        [
            rng.uniform(MIN_LON - margin_lon, MAX_LON + margin_lon, POINTS),
            rng.uniform(MIN_LAT - margin_lat, MAX_LAT + margin_lat, POINTS),
        ]
    )

    started = time.perf_counter()
    index = GridIndex(zip(codes, polygons, strict=True))
    index.tree.query(shapely.points(coords[:1]))  # the tree is built on its first query
    build_s = time.perf_counter() - started

    found, index_s = best_of(REPEATS, lambda: index.locate_codes(coords))
    located = int(np.count_nonzero(found != None))  # noqa: E711  (object array comparison)

    # The naive loop on a sample, with the polygons unprepared as a plain loop would have them.
    plain = [shapely.Polygon(p.exterior.coords) for p in polygons]
    sample = coords[:NAIVE_SAMPLE]
    started = time.perf_counter()
    naive = [naive_locate(plain, codes, lon, lat) for lon, lat in sample]
    naive_s = time.perf_counter() - started
    # Both take the first covering polygon in code order, so they must give the same answers.
    same = sum(a == b for a, b in zip(naive, found[:NAIVE_SAMPLE].tolist(), strict=True))

    points = shapely.points(coords)
    _, query_s = best_of(REPEATS, lambda: index.tree.query(points))

    one = polygons[len(polygons) // 2]
    shapely.prepare(one)
    _, one_s = best_of(REPEATS, lambda: shapely.contains_xy(one, coords[:, 0], coords[:, 1]))

    index_rate = POINTS / index_s
    naive_rate = NAIVE_SAMPLE / naive_s
    print(
        json.dumps(
            {
                "bench": "point_in_grid",
                "grids": len(polygons),
                "points": POINTS,
                "points_located": located,
                "index_build_s": round(build_s, 3),
                "index_s": round(index_s, 3),
                "index_points_per_s": round(index_rate),
                "naive_points_per_s": round(naive_rate),
                "naive_sample_points": NAIVE_SAMPLE,
                "naive_note": (
                    f"naive loop timed on {NAIVE_SAMPLE} points and extrapolated; "
                    f"1M points would take about {round(POINTS / naive_rate)} s"
                ),
                "naive_same_answers": f"{same}/{NAIVE_SAMPLE}",
                "timing": f"best of {REPEATS} runs except the naive loop (one run)",
                "speedup": round(index_rate / naive_rate, 1),
                "limit_strtree_query_points_per_s": round(POINTS / query_s),
                "limit_one_polygon_contains_xy_points_per_s": round(POINTS / one_s),
                "target_points_per_s": 200_000,
                "meets_target": index_rate >= 200_000,
                "shapely": shapely.__version__,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
