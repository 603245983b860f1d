"""Small builders shared by the regions tests."""

from __future__ import annotations

from typing import Any


def rectangle(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict[str, Any]:
    """A GeoJSON Polygon for an axis-aligned rectangle (counter-clockwise, closed)."""
    ring = [
        [min_lon, min_lat],
        [max_lon, min_lat],
        [max_lon, max_lat],
        [min_lon, max_lat],
        [min_lon, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# 万佳社区 and 红云社区 are next to each other in the demo; tests use two small boxes.
BOX_A = (122.050, 46.080, 122.060, 46.090)
BOX_B = (122.080, 46.066, 122.090, 46.076)
