"""导出居民: a region's current residents to .csv or .xlsx, masked unless asked and allowed.

The columns are the import template's (``importing.COLUMNS``), so an unmasked export can
be corrected and imported again. Rows are read by keyset pagination (``pk > last``, a
page at a time) and written as they come — the csv writer to the response, openpyxl's
write-only workbook to a temporary file — so memory stays flat for a whole county.

What the reader sees follows ``queries.residents_for``: their jurisdiction, no minors
under 14 without ``residents.view_minor``, no sensitive tags without
``residents.view_sensitive_tags``. Full ID and phone numbers need
``residents.unmask_resident``; an unmasked export is one PII_UNMASKED ledger event with
the count and the scope, recorded before the first row leaves.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scoping import NOWHERE, contains, scope_of, within
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.residents import queries
from gongzhi.residents.enums import ResidenceSituation, ResidentStatus
from gongzhi.residents.importing import COLUMNS
from gongzhi.residents.models import Resident

PAGE = 2000
FORMATS = ("xlsx", "csv")


@dataclass
class Export:
    filename: str
    content_type: str
    count: int
    unmasked: bool
    scope: str
    fmt: str
    queryset: QuerySet[Resident]

    def rows(self) -> Iterator[list[str]]:
        """The header, then one row per resident, page by page."""
        yield list(COLUMNS)
        last = 0
        while True:
            page = list(self.queryset.filter(pk__gt=last).order_by("pk")[:PAGE])
            if not page:
                return
            for resident in page:
                yield _row(resident, unmasked=self.unmasked)
            last = page[-1].pk


def _row(resident: Resident, *, unmasked: bool) -> list[str]:
    household = resident.household
    place = household.grid.region_code if household.grid else resident.community.region_code
    tags = getattr(resident, "visible_tags", [])
    values = {
        "姓名": resident.name,
        "证件号码": resident.id_number.reveal() if unmasked else resident.id_number_masked,
        "民族": resident.get_ethnicity_display(),
        "户号": household.number,
        "与户主关系": resident.get_relationship_display(),
        "所在区划代码": place,
        "居住情况": str(ResidenceSituation(resident.residence_situation).label),
        "证件类型": resident.get_doc_type_display(),
        "性别": resident.get_sex_display() if resident.sex else "",
        "出生日期": resident.birth_date.isoformat() if resident.birth_date else "",
        "联系电话": (resident.phone.reveal() if unmasked else resident.phone_masked)
        if resident.phone_index
        else "",
        "文化程度": resident.get_education_display() if resident.education else "",
        "婚姻状况": resident.get_marital_status_display() if resident.marital_status else "",
        "政治面貌": resident.get_political_status_display() if resident.political_status else "",
        "户籍地区划代码": resident.registered_region_code,
        "小区": household.compound.name if household.compound else "",
        "楼栋": household.building.name if household.building else "",
        "房号": household.room,
        "标签": ",".join(tag.name for tag in tags),
    }
    return [str(values[name]) for name in COLUMNS]


def prepare_export(
    *,
    actor: Any,
    region_code: str = "",
    fmt: str = "xlsx",
    unmask: bool = False,
    request: HttpRequest | None = None,
) -> Export:
    """Check and describe an export; an unmasked one is ledgered here (PII_UNMASKED)."""
    if not queries.can(actor, "residents.view_resident"):
        raise PermissionDenied(_("您没有权限导出居民信息"))
    scope = scope_of(actor)
    region_code = (region_code or "").strip() or scope
    if scope == NOWHERE or not contains(scope, region_code):
        raise ValidationError({"region": _("所选区划不在您的辖区内")})
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("导出格式须为 xlsx 或 csv")})
    if unmask and not queries.can(actor, "residents.unmask_resident"):
        raise PermissionDenied(_("您没有权限导出完整证件号码和电话"))
    queryset = (
        queries.residents_for(actor)
        .filter(within(region_code), status=ResidentStatus.ACTIVE)
        .select_related("household__grid", "household__compound", "household__building")
        .select_related("community")
    )
    count = queryset.count()
    if unmask:
        record_event(
            EventType.PII_UNMASKED,
            actor=actor,
            region_code=region_code,
            summary={"export": {"count": count, "scope": region_code, "format": fmt}},
            request=request,
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Export(
        filename=f"residents-{region_code}-{stamp}.{fmt}",
        content_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        count=count,
        unmasked=unmask,
        scope=region_code,
        fmt=fmt,
        queryset=queryset,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(export: Export) -> Iterator[str]:
    """The CSV text, a line at a time, with a BOM so Excel reads the Chinese."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in export.rows():
        yield writer.writerow(row)


def xlsx_file(export: Export) -> IO[bytes]:
    """The workbook in a temporary file (openpyxl write-only: rows go straight to disk)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("居民"))
    for row in export.rows():
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
