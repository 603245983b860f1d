"""Geometry of grids: validating boundaries, placing WGS84 points in their grid, drawing them.

``GridIndex`` is built from ``(region_code, geometry)`` pairs and answers batches with
one vectorised STRtree query, so it works the same for the app (built from the ``Grid``
table, cached per process) and for the benchmark (built from synthetic polygons).
R3.1e: the case engine places reported events in their grid with ``locate_point``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

if TYPE_CHECKING:
    from gongzhi.regions.models import Grid

BOUNDARY_TYPES = ("Polygon", "MultiPolygon")


# --- Validating a boundary -----------------------------------------------------------


def _positions(coordinates: Any, depth: int) -> Iterable[Any]:
    if depth == 0:
        yield coordinates
        return
    if not isinstance(coordinates, list | tuple):
        raise TypeError
    for item in coordinates:
        yield from _positions(item, depth - 1)


def parse_boundary(value: Any, field: str = "boundary") -> BaseGeometry:
    """A GeoJSON Polygon/MultiPolygon dict in WGS84 → a valid shapely geometry.

    Raises ``ValidationError`` keyed by ``field`` with the reason in Chinese.
    """

    def fail(message: str) -> ValidationError:
        return ValidationError({field: message})

    if not isinstance(value, dict):
        raise fail(_("边界须为 GeoJSON 对象"))
    kind = value.get("type")
    if kind not in BOUNDARY_TYPES:
        raise fail(_("边界的类型须为 Polygon 或 MultiPolygon，而不是“%(type)s”") % {"type": kind})
    coordinates = value.get("coordinates")
    depth = 3 if kind == "Polygon" else 4
    try:
        positions = list(_positions(coordinates, depth - 1))
    except TypeError:
        raise fail(_("边界的坐标结构不符合 %(type)s 的格式") % {"type": kind}) from None
    if not positions:
        raise fail(_("边界没有坐标"))
    for position in positions:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in position[:2])
        ):
            raise fail(_("边界的每个坐标点须为 [经度, 纬度] 两个数字"))
        lon, lat = position[0], position[1]
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise fail(_("边界坐标须为有限数字"))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise fail(
                _("坐标 [%(lon)s, %(lat)s] 超出 WGS84 范围（经度 −180～180，纬度 −90～90）")
                % {"lon": lon, "lat": lat}
            )
    rings = list(_positions(coordinates, depth - 2))
    if any(len(ring) < 4 or list(ring[0][:2]) != list(ring[-1][:2]) for ring in rings):
        raise fail(_("边界的每个环至少需要 4 个坐标点，且首尾相同"))
    try:
        geometry = shape({"type": kind, "coordinates": coordinates})
    except (ValueError, TypeError, IndexError, shapely.errors.GEOSException):
        raise fail(_("边界的坐标结构不符合 %(type)s 的格式") % {"type": kind}) from None
    if not geometry.is_valid:
        raise fail(
            _("边界不是有效的多边形（如自相交、环重叠）：%(reason)s")
            % {"reason": explain_validity(geometry)}
        )
    return geometry


def to_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON with lists (not tuples), as it reads back from a JSON column."""
    data: dict[str, Any] = mapping(geometry)

    def lists(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [lists(v) for v in value]
        return value

    return {"type": data["type"], "coordinates": lists(data["coordinates"])}


# --- The index -------------------------------------------------------------------------


class GridIndex:
    """Point → grid code lookup over many polygons with a shapely 2 ``STRtree``.

    A point on the shared edge of two grids belongs to the one with the lower code, so
    every point inside the covered area gets exactly one answer.
    """

    def __init__(self, items: Iterable[tuple[str, BaseGeometry]]) -> None:
        pairs = sorted(items, key=lambda pair: pair[0])
        self.codes = np.array([code for code, _geometry in pairs], dtype=object)
        self.geometries = np.array([geometry for _code, geometry in pairs], dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def from_geojson(cls, items: Iterable[tuple[str, dict[str, Any]]]) -> GridIndex:
        return cls((code, shape(boundary)) for code, boundary in items)

    def locate(self, lon: float, lat: float) -> str | None:
        return self.locate_many(np.array([[lon, lat]], dtype=float))[0]

    def locate_many(self, coordinates: Any) -> list[str | None]:
        """Codes for an ``(n, 2)`` array of ``(lon, lat)``; None where no grid covers a point."""
        coords = np.asarray(coordinates, dtype=float).reshape(-1, 2)
        return self.locate_codes(coords).tolist()

    def locate_codes(self, coords: np.ndarray) -> np.ndarray:
        """Object array of codes for an ``(n, 2)`` float array of ``(lon, lat)``.

        The tree gives the candidates whose bounding box holds each point; the exact test
        runs vectorised on the prepared polygons (``intersects_xy``: the edge counts as
        inside, a hole does not).
        """
        count = len(coords)
        result = np.full(count, None, dtype=object)
        if len(self.codes) == 0 or count == 0:
            return result
        point_index, tree_index = self.tree.query(shapely.points(coords))
        hit = shapely.intersects_xy(
            self.geometries[tree_index], coords[point_index, 0], coords[point_index, 1]
        )
        point_index, tree_index = point_index[hit], tree_index[hit]
        # Tree indices follow the sorted codes: keep the lowest per point.
        best = np.full(count, len(self.codes), dtype=np.int64)
        np.minimum.at(best, point_index, tree_index)
        found = best < len(self.codes)
        result[found] = self.codes[best[found]]
        return result


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], GridIndex] | None = None


def _marker() -> tuple[Any, ...]:
    """Changes whenever a grid is added, saved or removed: one cheap aggregate query."""
    from django.db.models import Count, Max

    from gongzhi.regions.models import Grid

    row = Grid.objects.aggregate(n=Count("id"), last_id=Max("id"), last_saved=Max("updated_at"))
    return (row["n"], row["last_id"], row["last_saved"])


def grid_index() -> GridIndex:
    """The process's index of all grids with a boundary, rebuilt when the grid table changes."""
    global _cached
    from gongzhi.regions.models import Grid

    marker = _marker()
    cached = _cached
    if cached is not None and cached[0] == marker:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == marker:
            return _cached[1]
        rows = Grid.objects.filter(boundary__isnull=False).values_list("region_code", "boundary")
        index = GridIndex.from_geojson((code, boundary) for code, boundary in rows if boundary)
        _cached = (marker, index)
        return index


def invalidate_grid_index() -> None:
    global _cached
    _cached = None


def locate_point(lon: float, lat: float) -> Grid | None:
    """The grid whose boundary covers the WGS84 point, or None."""
    from gongzhi.regions.models import Grid

    code = grid_index().locate(lon, lat)
    if code is None:
        return None
    return Grid.objects.filter(region_code=code).select_related("community").first()


def locate_points(coordinates: Any) -> list[str | None]:
    """Grid codes for an ``(n, 2)`` array of ``(lon, lat)``; None where no grid covers it."""
    return grid_index().locate_many(coordinates)


# --- Drawing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SvgShape:
    view_box: str
    path: str
    markers: Sequence[tuple[float, float, str]]
    width: int
    height: int


def boundary_svg(
    boundary: dict[str, Any],
    *,
    width: int = 480,
    points: Iterable[tuple[float | None, float | None, str]] = (),
    padding: float = 12.0,
) -> SvgShape:
    """Project a WGS84 boundary into SVG user units for an inline, tile-free drawing.

    Equirectangular projection scaled by cos(latitude) so that shapes keep their look at
    46°N; y grows downwards as SVG wants. Holes are drawn as sub-paths (fill-rule evenodd).
    """
    geometry = shape(boundary)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    mid_lat = math.radians((min_lat + max_lat) / 2)
    span_x = max((max_lon - min_lon) * math.cos(mid_lat), 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (width - 2 * padding) / max(span_x, span_y)
    height = round(span_y * scale + 2 * padding)
    draw_width = round(span_x * scale + 2 * padding)

    def project(lon: float, lat: float) -> tuple[float, float]:
        x = padding + (lon - min_lon) * math.cos(mid_lat) * scale
        y = padding + (max_lat - lat) * scale
        return round(x, 1), round(y, 1)

    polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    parts: list[str] = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = [project(x, y) for x, y in list(ring.coords)[:-1]]
            parts.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
    markers = [
        (*project(lon, lat), label)
        for lon, lat, label in points
        if lon is not None and lat is not None
    ]
    return SvgShape(
        view_box=f"0 0 {draw_width} {height}",
        path=" ".join(parts),
        markers=markers,
        width=draw_width,
        height=height,
    )
