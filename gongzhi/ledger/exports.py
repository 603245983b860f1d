"""Writing events to CSV and XLSX with bounded memory.

Both read the events in keyset batches. CSV streams row by row to the client; XLSX is
built by openpyxl's write-only workbook into a temporary file (rows go to disk as they
are appended) and then streamed. Text that a spreadsheet would run as a formula (a failed
login's username is whatever the attacker typed) is written as plain text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gongzhi.ledger.models import Event
from gongzhi.ledger.queries import iter_events

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32_767
XLSX_SHEET_ROWS = 1_000_000


def _summary(event: Event) -> str:
    return json.dumps(event.summary, ensure_ascii=False, sort_keys=True)


def columns() -> list[tuple[str, Callable[[Event], Any]]]:
    return [
        (_("序号"), lambda e: e.seq),
        (_("时间"), lambda e: timezone.localtime(e.at).replace(tzinfo=None)),
        (_("账号"), lambda e: e.actor_username),
        (_("角色"), lambda e: e.actor_roles),
        (_("辖区编码"), lambda e: e.region_code),
        (_("事件类型编号"), lambda e: e.type),
        (_("事件类型"), lambda e: str(e.get_type_display())),
        (_("对象类型"), lambda e: e.object_type),
        (_("对象标识"), lambda e: e.object_id),
        (_("结果"), lambda e: str(e.get_outcome_display())),
        (_("客户端地址"), lambda e: e.client_address or ""),
        (_("变更摘要"), _summary),
        (_("前一条哈希"), lambda e: e.prev_hash),
        (_("本条哈希"), lambda e: e.hash),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ")
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_chunks(events: Any) -> Iterator[bytes]:
    """The CSV file, UTF-8 with a byte-order mark so that Excel reads the Chinese headers."""
    cols = columns()
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([header for header, _get in cols]).encode()
    for event in iter_events(events):
        yield writer.writerow([_csv_text(get(event)) for _header, get in cols]).encode()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - 1] + "…"
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
    return cell


def write_xlsx(events: Any, out: IO[bytes]) -> int:
    """Write the workbook to ``out``, a new sheet every million rows (Excel's limit).

    Returns the number of events written.
    """
    cols = columns()
    headers = [header for header, _get in cols]
    workbook = Workbook(write_only=True)
    sheet = None
    rows_in_sheet = total = 0
    for event in iter_events(events):
        if sheet is None or rows_in_sheet >= XLSX_SHEET_ROWS:
            number = len(workbook.worksheets) + 1
            sheet = workbook.create_sheet(
                _("审计日志") if number == 1 else f"{_('审计日志')}{number}"
            )
            sheet.append(headers)
            rows_in_sheet = 0
        sheet.append([_xlsx_cell(sheet, get(event)) for _header, get in cols])
        rows_in_sheet += 1
        total += 1
    if sheet is None:
        sheet = workbook.create_sheet(_("审计日志"))
        sheet.append(headers)
    workbook.save(out)
    return total
