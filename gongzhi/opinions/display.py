"""The stored map (``OpinionMap.data``) made ready for pages and the API: the scatter as
SVG coordinates coloured by group, each group's representative statements with their
agree / disagree percentages, the consensus statements, and where one participant stands.

Every group is shown, the smallest included (R3.1d: the minority's view beside the
majority's). Points are never labelled with a person: staff see dots, a resident sees
their own dot marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.opinions import clustering
from gongzhi.opinions.models import OpinionMap

NOT_COMPUTED = "not_computed"
PALETTE = ("#1d4ed8", "#c2410c", "#047857", "#7c3aed", "#be123c")
LETTERS = "ABCDE"
WIDTH, HEIGHT, PAD = 360, 240, 14
# At most this many dots are drawn; above it every group is thinned evenly, keeping at
# least ``MIN_DRAWN_PER_GROUP`` of each so a small group stays visible.
MAX_DRAWN = 2000
MIN_DRAWN_PER_GROUP = 150


def problem_message(problem: str, data: dict[str, Any]) -> str:
    if problem == clustering.NO_VOTES:
        return _("还没有居民表态，暂时无法分组。")
    if problem == clustering.TOO_FEW_PARTICIPANTS:
        return _(
            "表态满 %(n)d 条的参与人还不足 3 人（现有 %(counted)d 人），暂时无法分组；"
            "请邀请更多居民参与。"
        ) % {"n": data.get("min_votes", 0), "counted": data.get("participants_counted", 0)}
    if problem == NOT_COMPUTED:
        return _("还没有计算分组。")
    if problem == clustering.NO_VARIATION:
        return _("参与人的表态没有差别（例如都选择了跳过或意见完全一致），无法分组。")
    return _("暂时无法分组。")


@dataclass
class ShareView:
    statement: int
    text: str
    direction: str
    agree_pct: int
    disagree_pct: int
    pass_pct: int
    seen: int
    rest_agree_pct: int
    rest_disagree_pct: int

    @property
    def direction_label(self) -> str:
        return _("多数同意") if self.direction == "agree" else _("多数不同意")


@dataclass
class GroupView:
    index: int
    letter: str
    colour: str
    size: int
    share_pct: int
    label_x: float
    label_y: float
    representative: list[ShareView] = field(default_factory=list)

    @property
    def name(self) -> str:
        return _("观点组 %(letter)s") % {"letter": self.letter}


@dataclass
class ConsensusView:
    statement: int
    text: str
    direction: str
    # (letter, colour, smoothed share %) per group.
    shares: list[tuple[str, str, int]]


@dataclass
class MapView:
    computed_at: datetime
    participants: int
    participants_total: int
    votes: int
    min_votes: int
    seconds: float
    problem: str
    message: str
    k: int = 0
    silhouette: float | None = None
    groups: list[GroupView] = field(default_factory=list)
    consensus: list[ConsensusView] = field(default_factory=list)
    # (cx, cy, colour) of the drawn dots.
    dots: list[tuple[float, float, str]] = field(default_factory=list)
    drawn: int = 0
    me: tuple[float, float] | None = None
    my_group: GroupView | None = None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def minority_groups(self) -> list[GroupView]:
        return self.groups[1:]


def _pct(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def _scaler(points: list[list[Any]]) -> Any:
    xs = [float(p[1]) for p in points] or [0.0]
    ys = [float(p[2]) for p in points] or [0.0]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    off_x = (WIDTH - scale * span_x) / 2
    off_y = (HEIGHT - scale * span_y) / 2

    def to_svg(x: float, y: float) -> tuple[float, float]:
        return (
            round(off_x + (x - min_x) * scale, 1),
            round(HEIGHT - (off_y + (y - min_y) * scale), 1),
        )

    return to_svg


def _thin(points: list[list[Any]], sizes: dict[int, int], limit: int) -> list[list[Any]]:
    if len(points) <= limit:
        return points
    total = len(points)
    floor = min(MIN_DRAWN_PER_GROUP, limit // 10)
    quota = {g: max(min(size, floor), round(limit * size / total)) for g, size in sizes.items()}
    taken: dict[int, int] = dict.fromkeys(sizes, 0)
    seen: dict[int, int] = dict.fromkeys(sizes, 0)
    kept = []
    for point in points:
        g = int(point[3])
        stride = sizes[g] / quota[g] if quota[g] else float("inf")
        if taken[g] < quota[g] and seen[g] >= taken[g] * stride:
            kept.append(point)
            taken[g] += 1
        seen[g] += 1
    return kept


def map_view(
    snapshot: OpinionMap,
    texts: dict[int, str],
    *,
    user_id: int | None = None,
    max_drawn: int = MAX_DRAWN,
) -> MapView:
    """The snapshot for display; ``texts`` are the live statements (others are left out)."""
    data = snapshot.data or {}
    view = MapView(
        computed_at=snapshot.computed_at,
        participants=int(data.get("participants_counted", 0)),
        participants_total=int(data.get("participants_total", 0)),
        votes=int(data.get("votes", 0)),
        min_votes=int(data.get("min_votes", 0)),
        seconds=snapshot.seconds,
        problem=snapshot.problem,
        message=problem_message(snapshot.problem, data) if snapshot.problem else "",
        k=int(data.get("k", 0)),
    )
    if snapshot.problem:
        return view
    silhouettes = data.get("silhouettes") or {}
    view.silhouette = silhouettes.get(str(view.k))
    points: list[list[Any]] = data.get("points") or []
    to_svg = _scaler(points)
    counted = max(view.participants, 1)
    for raw in data.get("groups") or []:
        g = int(raw["index"])
        cx, cy = to_svg(*raw["centre"])
        group = GroupView(
            index=g,
            letter=LETTERS[g % len(LETTERS)],
            colour=PALETTE[g % len(PALETTE)],
            size=int(raw["size"]),
            share_pct=_pct(raw["size"], counted),
            label_x=cx,
            label_y=cy,
        )
        for rep in raw.get("representative") or []:
            text = texts.get(int(rep["statement"]))
            if text is None:
                continue
            seen = int(rep["seen"])
            group.representative.append(
                ShareView(
                    statement=int(rep["statement"]),
                    text=text,
                    direction=rep["direction"],
                    agree_pct=_pct(rep["agree"], seen),
                    disagree_pct=_pct(rep["disagree"], seen),
                    pass_pct=_pct(rep["passed"], seen),
                    seen=seen,
                    rest_agree_pct=round(100 * float(rep["rest_agree_share"])),
                    rest_disagree_pct=round(100 * float(rep["rest_disagree_share"])),
                )
            )
        view.groups.append(group)
    by_index = {group.index: group for group in view.groups}
    for raw in data.get("consensus") or []:
        text = texts.get(int(raw["statement"]))
        if text is None:
            continue
        view.consensus.append(
            ConsensusView(
                statement=int(raw["statement"]),
                text=text,
                direction=raw["direction"],
                shares=[
                    (by_index[g].letter, by_index[g].colour, round(100 * float(share)))
                    for g, share in enumerate(raw["shares"])
                    if g in by_index
                ],
            )
        )
    sizes = {group.index: group.size for group in view.groups}
    for point in _thin(points, sizes, max_drawn):
        x, y = to_svg(float(point[1]), float(point[2]))
        view.dots.append((x, y, PALETTE[int(point[3]) % len(PALETTE)]))
    view.drawn = len(view.dots)
    if user_id is not None:
        for point in points:
            if int(point[0]) == user_id:
                view.me = to_svg(float(point[1]), float(point[2]))
                view.my_group = by_index.get(int(point[3]))
                break
    return view
