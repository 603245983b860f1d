"""The printable voter list of one residents' group as PDF (选民名单张榜公布, R2.3d).

A4 pages with a header naming the community, the election and the publication date, the
columns of the printable HTML page (序号, 姓名, 性别, 居民小组 — no ID number, no address)
and "第 x 页 共 y 页" at the foot. Chinese is set in reportlab's built-in CID font
STSong-Light, which a PDF reader supplies: no font file ships and no network is needed.
A fixed number of rows per page keeps the pages predictable for the people who post them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

from gongzhi.core.codes import sex_choices
from gongzhi.elections import queries
from gongzhi.elections.models import Election

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
ROWS_PER_PAGE = 35
ROWS_PER_FILE = 2000  # as the printable page: one residents' group fits
ROW_HEIGHT = 6.6 * mm
MARGIN = 18 * mm
HEADER_SPACE = 24 * mm


def _day(day: Any) -> str:
    return formats.date_format(day, "DATE_FORMAT") if day else _("尚未公布")


def _numbered_canvas(header: Sequence[str]) -> type[canvas.Canvas]:
    """A canvas class that draws ``header`` on every page and, once the pages are known,
    "第 x 页 共 y 页" at the foot of each."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = A4
            self.setFont(FONT, 14)
            self.drawCentredString(width / 2, height - MARGIN + 2 * mm, header[0])
            self.setFont(FONT, 9.5)
            for n, line in enumerate(header[1:], start=1):
                self.drawCentredString(width / 2, height - MARGIN - n * 5.5 * mm + 2 * mm, line)
            self.drawCentredString(
                width / 2,
                MARGIN / 2,
                _("第 %(n)d 页 共 %(t)d 页") % {"n": number, "t": total},
            )

    return NumberedCanvas


def voter_list_pdf(
    election: Election,
    rows: Sequence[tuple[str, str, str | None]],
    *,
    group_name: str,
    first_number: int = 1,
) -> bytes:
    """The PDF of ``rows`` (name, sex code, group name), numbered from ``first_number``."""
    sexes = dict(sex_choices())
    committee = election.committee
    header = [
        _("%(committee)s选民名单") % {"committee": committee.name},
        _("%(region)s · %(kind)s · 居民小组：%(group)s")
        % {
            "region": election.region.name,
            "kind": election.get_kind_display(),
            "group": group_name or _("全部"),
        },
        _("选举日 %(day)s · 公布日 %(published)s · 共 %(n)d 人")
        % {
            "day": _day(election.election_day),
            "published": _day(election.list_published_on),
            "n": len(rows),
        },
    ]
    head = [_("序号"), _("姓名"), _("性别"), _("居民小组")]
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 11),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ]
    )
    widths = [20 * mm, 55 * mm, 20 * mm, 75 * mm]
    story: list[Any] = []
    for start in range(0, max(len(rows), 1), ROWS_PER_PAGE):
        chunk = rows[start : start + ROWS_PER_PAGE]
        data = [head] + [
            [str(first_number + start + n), name, sexes.get(sex, ""), group or ""]
            for n, (name, sex, group) in enumerate(chunk)
        ]
        table = Table(data, colWidths=widths, rowHeights=ROW_HEIGHT)
        table.setStyle(style)
        if story:
            story.append(PageBreak())
        story.append(table)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_SPACE - 10 * mm,
        bottomMargin=MARGIN,
        title=header[0],
        author=committee.name,
    )
    document.build(story, canvasmaker=_numbered_canvas(header))
    return buffer.getvalue()


def voter_list_response(election: Election, group: str, page: Any) -> HttpResponse:
    """The PDF of one residents' group (``group``: a grid id, ``none`` or empty for all),
    ``ROWS_PER_FILE`` voters a file (``page``), as an inline download."""
    rows = (
        queries.voters_of(election, grid=group)
        .select_related(None)
        .values_list("resident__name", "resident__sex", "grid__name")
    )
    part = Paginator(rows, ROWS_PER_FILE).get_page(page)
    names = {str(g["id"]) if g["id"] else "none": g["name"] for g in queries.groups_of(election)}
    group_name = (names.get(group) or _("未分组")) if group else ""
    content = voter_list_pdf(
        election,
        list(part.object_list),
        group_name=group_name,
        first_number=part.start_index() or 1,
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"voters-{election.pk}-{group or 'all'}-{part.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
