"""批量导入居民: a streaming spreadsheet import (.csv or .xlsx) into the registry.

The file is read row by row (csv module, python-calamine or openpyxl read-only), so memory
stays flat whatever its size — only the set of ID blind indexes seen so far (16 bytes a
row, for duplicates within the file) and the households met so far grow with it.

Every row is validated with the same cleaning functions as ``do_register_resident``
(``residents.actions``): ID structure and checksum, sex and birth date against the ID,
code tables by code or Chinese name, dates, phone. Beyond one row the import checks that
the place (所在区划代码, a community or grid code) is known and inside the importer's
jurisdiction, that an ID appears once in the file, and how it meets existing records:

- an ID not yet registered → created, in the household of its 户号 (created if new);
- an ID registered in the importer's jurisdiction, same household → updated where the
  file differs, otherwise unchanged (so a second import of one file changes nothing);
- an ID registered elsewhere, in another household, or no longer active → rejected.

Valid rows land in batches, each batch in one transaction; rejected rows go to an error
file (the same columns plus 错误原因, naming the row, the column and the reason). A
file that is not a spreadsheet, lacks a required header or has no rows is refused as a
whole, before anything is written. One ledger event records the import's counts.
"""

from __future__ import annotations

import codecs
import csv
import io
import multiprocessing
import os
import re
import uuid
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core import codes
from gongzhi.core.bulkload import deferred_indexes, insert_objects, restore_deferred_indexes
from gongzhi.core.idcard import Document, DocumentType, IdNumberError, parse_document
from gongzhi.core.pii import blind_index, normalise_phone
from gongzhi.core.scoping import NOWHERE, contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.regions.models import Building, Compound, Grid, Level, Region
from gongzhi.residents import queries
from gongzhi.residents.actions import (
    NAME_MAX_LENGTH,
    PHONE_MAX_DIGITS,
    PHONE_MIN_DIGITS,
    _clean_code,
    _clean_name,
    _clean_phone,
    _clean_region_code,
    _clean_situation,
    _Errors,
    _identity,
    _set_document,
    _set_phone,
    _situations,
)
from gongzhi.residents.enums import HOUSEHOLDER, ResidenceSituation, ResidentStatus
from gongzhi.residents.models import PHONE_PURPOSE, Household, Resident, Tag
from gongzhi.residents.pinyin import pinyin_of

BATCH_SIZE = 2000
# A file this long has its rows prepared (validated, encrypted, indexed) by worker
# processes while this one writes (``import_workers``): below it, starting them costs more.
PARALLEL_MIN_ROWS = 20_000
# A file at least this long, into a registry no larger than the file, is a bulk load: the
# residents' and households' secondary indexes are rebuilt after the rows instead of row
# by row (gongzhi.core.bulkload explains why and how a killed load is recovered).
BULK_MIN_ROWS = 100_000
SNIFF_BYTES = 1 << 16
HOUSEHOLD_NUMBER_MAX_LENGTH = 32
# The look-ups of ``_select_in`` (table names from the models, values as parameters).
_RESIDENTS = Resident._meta.db_table
_HOUSEHOLDS = Household._meta.db_table
_SELECT_KEYS = f"SELECT id_number_index FROM {_RESIDENTS} WHERE id_number_index"  # noqa: S608
_SELECT_KEYS_PKS = f"SELECT id_number_index, id FROM {_RESIDENTS} WHERE id_number_index"  # noqa: S608
_SELECT_HOUSEHOLD_PKS = f"SELECT number, id FROM {_HOUSEHOLDS} WHERE number"  # noqa: S608
_SELECT_HOUSEHOLDS = (
    f"SELECT h.number, h.id, h.region_code, r.id_number_index FROM {_HOUSEHOLDS} h "  # noqa: S608
    f"LEFT JOIN {_RESIDENTS} r ON r.id = h.householder_id WHERE h.number"
)

# Column headers (the template's, exactly) → the field they fill.
REQUIRED_COLUMNS: dict[str, str] = {
    "姓名": "name",
    "证件号码": "id_number",
    "民族": "ethnicity",
    "户号": "household",
    "与户主关系": "relationship",
    "所在区划代码": "place",
    "居住情况": "residence_situation",
}
OPTIONAL_COLUMNS: dict[str, str] = {
    "证件类型": "doc_type",
    "性别": "sex",
    "出生日期": "birth_date",
    "联系电话": "phone",
    "文化程度": "education",
    "婚姻状况": "marital_status",
    "政治面貌": "political_status",
    "户籍地区划代码": "registered_region_code",
    "小区": "compound",
    "楼栋": "building",
    "房号": "room",
    "标签": "tags",
}
COLUMNS: dict[str, str] = {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS}
FIELD_COLUMNS: dict[str, str] = {value: key for key, value in COLUMNS.items()}
ERROR_COLUMN = "错误原因"
TEMPLATE_EXAMPLE: dict[str, str] = {
    "姓名": "乌云其其格",
    "证件号码": "11010519491231002X",
    "民族": "蒙古族",
    "户号": "152201001001H0001",
    "与户主关系": "户主",
    "所在区划代码": "152201001001",
    "居住情况": "人户一致",
    "证件类型": "居民身份证",
    "性别": "女",
    "出生日期": "1949-12-31",
    "联系电话": "13812345678",
    "文化程度": "",
    "婚姻状况": "",
    "政治面貌": "群众",
    "户籍地区划代码": "152201",
    "小区": "",
    "楼栋": "",
    "房号": "",
    "标签": "",
}
# Resident fields an import sets, compared to decide "updated" or "unchanged".
COMPARED_FIELDS = (
    "name",
    "doc_type",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "marital_status",
    "political_status",
    "relationship",
    "registered_region_code",
    "residence_situation",
)
UPDATE_FIELDS = [
    *COMPARED_FIELDS,
    "name_pinyin",
    "name_initials",
    "phone",
    "phone_index",
    "phone_masked",
    "phone_tail4",
    "id_number_masked",
    "updated_at",
]


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported; nothing was changed."""


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error_file: str = ""
    dry_run: bool = False
    households_created: int = field(default=0, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            key: data[key]
            for key in ("rows", "created", "updated", "unchanged", "rejected", "error_file")
        }


# --- Reading ------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as text: integral floats lose ``.0``, dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(_("文件不是有效的表格（请上传 .xlsx 或 .csv 文件）"))


def _csv_encoding(path: Path) -> tuple[str, int]:
    """The file's encoding (UTF-8, with or without BOM, else GB18030) and its line count.

    The whole file is decoded once here, so a bad byte deep inside refuses the file
    before the first row is written.
    """
    lines = 0
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
        if b"\x00" in head:
            raise _not_a_spreadsheet()
        for encoding in ("utf-8-sig", "gb18030"):
            raw.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            lines = 0
            try:
                while chunk := raw.read(1 << 20):
                    if b"\x00" in chunk:
                        raise _not_a_spreadsheet()
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding, lines
    raise ImportFileError(_("文件编码无法识别（请保存为 UTF-8 或 GB18030 编码的 CSV）"))


def _csv_rows(path: Path) -> tuple[int, Iterator[list[str]]]:
    encoding, lines = _csv_encoding(path)

    def rows() -> Iterator[list[str]]:
        with path.open(encoding=encoding, newline="") as handle:
            try:
                for row in csv.reader(handle):
                    yield [cell.strip() for cell in row]
            except csv.Error as exc:
                raise ImportFileError(
                    _("CSV 文件格式错误：%(reason)s") % {"reason": str(exc)}
                ) from exc

    return lines, rows()


def _xlsx_rows(path: Path) -> tuple[int, Iterator[list[str]]]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is the fallback
        return _openpyxl_rows(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges
    except Exception as exc:  # calamine raises its own error types for broken files
        raise _not_a_spreadsheet() from exc
    if merged:
        (first_row, first_column), _end = merged[0]
        raise ImportFileError(
            _("表格含有合并单元格（如 %(cell)s），请取消合并、每行每格填写后再导入")
            % {"cell": _cell_name(first_row, first_column)}
        )
    if _first_sheet_has_formulas(path):
        raise ImportFileError(
            _("表格含有公式，请将数据“选择性粘贴”为数值后再导入（公式的结果可能未计算或已过时）")
        )

    def rows() -> Iterator[list[str]]:
        for row in sheet.iter_rows():
            yield [_cell_text(cell) for cell in row]

    return sheet.total_height or 0, rows()


def _cell_name(row: int, column: int) -> str:
    """``A1``-style name of a zero-based cell position."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SHEET_ID = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")


def _first_sheet_has_formulas(path: Path) -> bool:
    """Whether the workbook's first sheet holds a formula (a ``<f>`` element).

    Read straight from the sheet's XML in chunks: calamine gives a formula's cached
    result, which may be missing or stale, and does not say a cell was a formula.
    """
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        member = "xl/worksheets/sheet1.xml"
        if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
            found = _SHEET_ID.search(archive.read("xl/workbook.xml"))
            if found is not None:
                rels = archive.read("xl/_rels/workbook.xml.rels")
                target = re.search(
                    rb"<Relationship\b[^>]*?Id=\"" + re.escape(found.group(1)) + rb"\"[^>]*>",
                    rels,
                )
                if target is not None:
                    where = re.search(rb"Target=\"([^\"]+)\"", target.group(0))
                    if where is not None:
                        relative = where.group(1).decode().lstrip("/")
                        member = relative if relative.startswith("xl/") else "xl/" + relative
        if member not in names:
            return False
        tail = b""
        with archive.open(member) as handle:
            while chunk := handle.read(1 << 20):
                if _FORMULA.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    return False


def _openpyxl_rows(path: Path) -> tuple[int, Iterator[list[str]]]:  # pragma: no cover
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _not_a_spreadsheet() from exc
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_cell_text(cell) for cell in row]
        finally:
            workbook.close()

    return sheet.max_row or 0, rows()


def open_rows(path: str | Path) -> tuple[int, Iterator[list[str]]]:
    """(approximate row count, iterator of rows as text) of a .csv or .xlsx file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ImportFileError(_("无法读取文件")) from exc
    if not magic:
        raise ImportFileError(_("文件是空的，没有任何数据"))
    if magic.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(path):
            raise _not_a_spreadsheet()
        return _xlsx_rows(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise _not_a_spreadsheet()
    return _csv_rows(path)


def _header_map(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.strip().lstrip("\ufeff").rstrip("*").strip()
        if name in COLUMNS and name not in positions:
            positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ImportFileError(
            _("表头缺少必填列：%(columns)s（请使用导入模板）") % {"columns": "、".join(missing)}
        )
    return positions


# --- Places, households, tags -------------------------------------------------------------


@dataclass(slots=True)
class _Place:
    region_code: str
    community_id: int
    grid_id: int | None
    error: str = ""


@dataclass(slots=True)
class _HouseholdInfo:
    number: str
    region_code: str
    obj: _NewRow | None  # a new household; None for one found in the database (pk only)
    pk: int | None
    householder_key: str  # blind index of the active householder, "" if none
    new: bool = False


class _Lookups:
    """Caches of the places, households and tags an import meets."""

    def __init__(self, actor: User | None, scope: str) -> None:
        self.actor = actor
        self.scope = scope
        self.places: dict[str, _Place] = {}
        self.households: dict[str, _HouseholdInfo] = {}
        self.compounds: dict[tuple[int | None, int, str], Compound | None] = {}
        self.buildings: dict[tuple[int, str], Building | None] = {}
        self.tags: dict[str, Tag] = {}
        # Only the tags the importer may see: a sensitive tag is neither set nor cleared
        # by someone without ``residents.view_sensitive_tags``.
        tags = Tag.objects.all() if actor is None else queries.visible_tags(actor)
        # …and only the active ones: a deactivated tag stays on the records that carry it.
        self.visible_tag_ids = {tag.pk for tag in tags if tag.is_active}
        for tag in tags:
            self.tags[tag.name] = tag
            self.tags[tag.code] = tag

    def place(self, code: str) -> _Place:
        found = self.places.get(code)
        if found is not None:
            return found
        place: _Place
        obj: Region | Grid | None = None
        if code.isascii() and code.isdigit() and len(code) == 12:
            obj = Region.objects.filter(region_code=code, level=Level.COMMUNITY).first()
            if obj is not None:
                place = _Place(code, obj.pk, None)
        elif code.isascii() and code.isdigit() and len(code) == 15:
            obj = Grid.objects.filter(region_code=code).first()
            if obj is not None:
                place = _Place(code, obj.community_id, obj.pk)
        if obj is None:
            place = _Place(
                code, 0, None, _("“%(code)s”不是已知的社区或网格编码") % {"code": code[:30]}
            )
        elif not contains(self.scope, code) or (
            self.actor is not None and not self.actor.has_perm("residents.add_resident", obj)
        ):
            place.error = _("“%(code)s”不在您的辖区内") % {"code": code}
        self.places[code] = place
        return place

    def compound(self, place: _Place, name: str) -> Compound | None:
        key = (place.grid_id, place.community_id, name)
        if key not in self.compounds:
            found = Compound.objects.filter(name=name, grid__community_id=place.community_id)
            if place.grid_id is not None:
                found = found.filter(grid_id=place.grid_id)
            self.compounds[key] = found.select_related("grid").first()
        return self.compounds[key]

    def building(self, compound: Compound, name: str) -> Building | None:
        key = (compound.pk, name)
        if key not in self.buildings:
            self.buildings[key] = Building.objects.filter(compound=compound, name=name).first()
        return self.buildings[key]

    def load_households(self, numbers: set[str]) -> None:
        wanted = [number for number in numbers if number not in self.households]
        if not wanted:
            return
        for number, pk, region_code, key in _select_in(
            _SELECT_HOUSEHOLDS,
            wanted,
        ):
            self.households[number] = _HouseholdInfo(number, region_code, None, pk, key or "")


def _select_in(select: str, values: list[str]) -> list[tuple[Any, ...]]:
    """The rows of ``select`` (ending in a column) ``IN`` ``values``, a few statements.

    What ``filter(column__in=values)`` would do for the import's look-ups by ID blind
    index and household number, without the ORM's work for each of the 2,000 values of
    a batch (it cost more than the statement). ``select`` is a constant of this module.
    """
    rows: list[tuple[Any, ...]] = []
    size = connection.features.max_query_params or len(values) or 1
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            rows += cursor.fetchall()
    return rows


@lru_cache(maxsize=1 << 16)
def _pinyin(name: str) -> tuple[str, str]:
    """``pinyin_of`` remembered: names repeat a great deal across a league."""
    return pinyin_of(name)


class _NewRow:
    """A row about to be inserted: plain attributes, none of ``Model.__init__``.

    Every column's default is a class attribute of the subclass (``_new_row_class``), so
    an instance only holds what the row sets; ``insert_objects`` reads it like a model
    instance. Building 1.4 million model instances costs more than validating the rows.
    """

    pk: int | None = None

    if TYPE_CHECKING:  # the model's columns, set on the subclass

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


def _new_row_class(name: str, model: type[Any], **extra: Any) -> type[_NewRow]:
    """A ``_NewRow`` class for ``model``, named ``name`` in this module (worker processes
    send its instances back pickled, which finds classes by module and name)."""
    defaults = {
        f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key
    }
    return type(name, (_NewRow,), {**defaults, **extra, "__module__": __name__})


_NewResident = _new_row_class("_NewResident", Resident, household=None, tags_wanted=False)
_NewHousehold = _new_row_class("_NewHousehold", Household)


# --- One row ------------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    cells: list[str]
    values: dict[str, str]
    resident: _NewRow | None = None
    document: Document | None = None
    key: str = ""
    phone: str = ""
    place: _Place | None = None
    compound: Compound | None = None
    building: Building | None = None
    tag_ids: set[int] | None = None
    errors: list[str] = field(default_factory=list)
    pending: _Errors | None = None  # field errors found without the database

    def reject(self, column: str, reason: str) -> None:
        self.errors.append(
            _("第 %(line)d 行 %(column)s：%(reason)s")
            % {"line": self.line, "column": column, "reason": reason}
        )


_CITIZEN_ID_TYPES = frozenset({"", "citizen_id", "居民身份证", "身份证"})
_OPTIONAL_CODES = (
    ("education", codes.EDUCATION),
    ("marital_status", codes.MARITAL_STATUS),
    ("political_status", codes.POLITICAL_STATUS),
)


def _quick_fields(row: _Row) -> bool:
    """``_clean_fields`` for a row that passes every check; ``False`` (nothing set) for
    any row this does not settle at once, which then takes the full checks and gets
    their exact error messages.

    The rows of a bureau's file are nearly all of one kind — a citizen ID, codes by
    code or Chinese name, sex and birth date empty or as the ID has them — and for
    those the full checks spend most of their time on generality (document types,
    date formats, error bookkeeping, the language of the labels). The tests compare
    both ways on valid and faulty rows.
    """
    v = row.values
    if v.get("doc_type", "") not in _CITIZEN_ID_TYPES:
        return False
    name = " ".join(v["name"].split())
    if not name or len(name) > NAME_MAX_LENGTH:
        return False
    number = v["household"]
    if not number or len(number) > HOUSEHOLD_NUMBER_MAX_LENGTH:
        return False
    try:
        document = parse_document(DocumentType.CITIZEN_ID, v["id_number"])
    except IdNumberError:
        return False
    sex = document.sex
    declared_sex = v.get("sex", "").strip()
    if declared_sex and codes.SEX.find(declared_sex) not in (sex, "0", "9"):
        return False
    birth = document.birth_date
    declared_birth = v.get("birth_date", "").strip()
    if declared_birth and (birth is None or declared_birth != birth.isoformat()):
        return False
    relationship = codes.RELATIONSHIP.find(v["relationship"].strip())
    ethnicity = codes.ETHNICITY.find(v["ethnicity"].strip())
    situation = _situations("zh-hans").get(v["residence_situation"].strip())
    if not (relationship and ethnicity and situation):
        return False
    optional = {}
    for key, table in _OPTIONAL_CODES:
        text = v.get(key, "").strip()
        code = table.find(text) if text else ""
        if code is None:
            return False
        optional[key] = code
    registered = v.get("registered_region_code", "").strip()
    if registered and not (
        registered.isascii() and registered.isdigit() and 2 <= len(registered) <= 12
    ):
        return False
    phone_text = v.get("phone", "")
    phone = normalise_phone(phone_text)
    if (phone and not PHONE_MIN_DIGITS <= len(phone) <= PHONE_MAX_DIGITS) or (
        phone_text.strip() and not phone
    ):
        return False
    resident = _NewResident()
    resident.__dict__.update(
        name=name,
        doc_type=DocumentType.CITIZEN_ID.value,
        sex=sex,
        birth_date=birth,
        ethnicity=ethnicity,
        relationship=relationship,
        registered_region_code=registered,
        residence_situation=situation,
        **optional,
    )
    row.pending = None
    row.phone = phone
    _set_document(resident, document)
    _set_phone(resident, phone)
    resident.name_pinyin, resident.name_initials = _pinyin(name)
    row.document = document
    row.key = resident.id_number_index
    row.resident = resident
    return True


def _clean_fields(row: _Row) -> None:
    """The part of a row's checks that needs no database, and the row's encryption,
    indexes and pinyin: what worker processes do for a large file (``_prepared``).

    Validates a row as ``do_register_resident`` would. Errors wait in ``row.pending`` for
    ``_clean_places``, which adds the place's.
    """
    if _quick_fields(row):
        return
    v = row.values
    errors = row.pending = _Errors()
    name = _clean_name(v["name"], errors)
    kind, document, sex, birth = _identity(
        v.get("doc_type") or "citizen_id",
        v["id_number"],
        v.get("sex", ""),
        v.get("birth_date"),
        errors,
    )
    relationship = _clean_code(codes.RELATIONSHIP, "relationship", v["relationship"], errors)
    if not relationship and "relationship" not in errors.errors:
        errors.add("relationship", _("与户主关系不能为空"))
    ethnicity = _clean_code(codes.ETHNICITY, "ethnicity", v["ethnicity"], errors)
    if not ethnicity and "ethnicity" not in errors.errors:
        errors.add("ethnicity", _("民族不能为空"))
    situation = v["residence_situation"]
    if not situation:
        errors.add("residence_situation", _("居住情况不能为空"))
    resident = _NewResident()
    resident.__dict__.update(
        name=name,
        doc_type=kind,
        sex=sex,
        birth_date=birth,
        ethnicity=ethnicity,
        education=_clean_code(codes.EDUCATION, "education", v.get("education"), errors),
        marital_status=_clean_code(
            codes.MARITAL_STATUS, "marital_status", v.get("marital_status"), errors
        ),
        political_status=_clean_code(
            codes.POLITICAL_STATUS, "political_status", v.get("political_status"), errors
        ),
        relationship=relationship,
        registered_region_code=_clean_region_code(v.get("registered_region_code", ""), errors),
        residence_situation=_clean_situation(situation, errors)
        if situation
        else ResidenceSituation.CONSISTENT.value,
    )
    row.phone = _clean_phone(v.get("phone", ""), errors)
    number = v["household"]
    if not number:
        errors.add("household", _("户号不能为空"))
    elif len(number) > HOUSEHOLD_NUMBER_MAX_LENGTH:
        errors.add("household", _("户号不能超过 32 个字符"))
    if document is not None and not errors.errors:
        _set_document(resident, document)
        _set_phone(resident, row.phone)
        resident.name_pinyin, resident.name_initials = _pinyin(name)
        row.document = document
        row.key = resident.id_number_index
        row.resident = resident


def _clean_places(row: _Row, lookups: _Lookups, present: set[str]) -> None:
    """The checks that need the database: the place, compound, building and tags."""
    v = row.values
    errors = row.pending or _Errors()
    row.pending = None
    code = v["place"]
    if not code:
        errors.add("place", _("所在区划代码不能为空"))
    else:
        place = lookups.place(code)
        if place.error:
            errors.add("place", place.error)
        else:
            row.place = place
            compound_name = v.get("compound", "")
            if compound_name:
                row.compound = lookups.compound(place, compound_name)
                if row.compound is None:
                    errors.add(
                        "compound",
                        _("小区“%(name)s”不在所在区划内") % {"name": compound_name[:50]},
                    )
            building_name = v.get("building", "")
            if building_name:
                if row.compound is None:
                    if not compound_name:
                        errors.add("building", _("填写楼栋时须同时填写小区"))
                else:
                    row.building = lookups.building(row.compound, building_name)
                    if row.building is None:
                        errors.add(
                            "building",
                            _("楼栋“%(name)s”不在小区“%(compound)s”内")
                            % {"name": building_name[:50], "compound": compound_name[:50]},
                        )
    if "tags" in present:
        tag_ids: set[int] = set()
        for label in v.get("tags", "").replace("，", ",").replace("、", ",").split(","):
            label = label.strip()
            if not label:
                continue
            tag = lookups.tags.get(label)
            if tag is None:
                errors.add("tags", _("标签“%(name)s”不存在") % {"name": label[:30]})
            elif not tag.is_active:
                errors.add("tags", _("标签“%(name)s”已停用") % {"name": label[:30]})
            else:
                tag_ids.add(tag.pk)
        row.tag_ids = tag_ids
    for key, messages in errors.errors.items():
        column = FIELD_COLUMNS.get(key, key)
        for message in messages:
            row.reject(column, str(message))
    if row.errors:
        row.document, row.key, row.resident = None, "", None


def _prepared(rows: list[_Row]) -> list[_Row]:
    """``_clean_fields`` for a chunk of rows, in place."""
    for row in rows:
        _clean_fields(row)
    return rows


_Prepared = tuple[dict[str, Any] | None, str, str, "_Errors | None"]


def _prepared_remotely(rows: list[_Row]) -> list[_Prepared]:
    """``_clean_fields`` for a chunk of rows in a worker process: only what it found goes
    back (``_in_parallel`` puts it on the importing process's own rows).

    Sending back whole rows cost more than preparing them: pickling the file's cells a
    second time, the dataclass, the parsed document (``prepare_update`` parses the number
    again in the rare case it needs it) — 130 µs a row against 60 for the work itself.
    """
    results: list[_Prepared] = []
    for row in _prepared(rows):
        resident = row.resident
        results.append(
            (None if resident is None else resident.__dict__, row.key, row.phone, row.pending)
        )
    return results


def _with_results(rows: list[_Row], results: list[_Prepared]) -> list[_Row]:
    for row, (values, key, phone, pending) in zip(rows, results, strict=True):
        if values is not None:
            row.resident = resident = _NewResident()
            resident.__dict__ = values
        row.key, row.phone, row.pending = key, phone, pending
    return rows


# Optional columns: a file without the column leaves the stored value alone.
_OPTIONAL_FIELDS = frozenset(
    {"doc_type", "education", "marital_status", "political_status", "registered_region_code"}
)


# --- The import ---------------------------------------------------------------------------


class _Importer:
    def __init__(
        self, *, actor: User | None, dry_run: bool, error_path: Path, summary: ImportSummary
    ) -> None:
        self.actor = actor
        self.dry_run = dry_run
        self.scope = scope_of(actor) if actor is not None else ""
        self.lookups = _Lookups(actor, self.scope)
        self.seen: set[bytes] = set()
        self.summary = summary
        self.error_path = error_path
        self.error_handle: io.TextIOWrapper | None = None
        self.error_writer: Any = None
        self.header: list[str] = []
        self.present: set[str] = set()

    # Errors ---------------------------------------------------------------------------

    def write_error(self, row: _Row) -> None:
        self.summary.rejected += 1
        if self.error_writer is None:
            self.error_path.parent.mkdir(parents=True, exist_ok=True)
            self.error_handle = self.error_path.open("w", encoding="utf-8-sig", newline="")
            self.error_writer = csv.writer(self.error_handle)
            self.error_writer.writerow([*self.header, ERROR_COLUMN])
        cells = row.cells + [""] * (len(self.header) - len(row.cells))
        self.error_writer.writerow([*cells[: len(self.header)], "；".join(row.errors)])

    def close(self) -> None:
        if self.error_handle is not None:
            self.error_handle.close()
            self.summary.error_file = str(self.error_path)

    # Batches --------------------------------------------------------------------------

    def run_batch(self, batch: list[_Row]) -> None:
        valid = [row for row in batch if not row.errors]
        self.lookups.load_households({row.values["household"] for row in valid})
        found = _select_in(
            _SELECT_KEYS,
            [row.key for row in valid],
        )
        existing = (
            {
                r.id_number_index: r
                for r in Resident.objects.filter(
                    id_number_index__in=[key for (key,) in found]
                ).select_related("household")
            }
            if found
            else {}
        )
        existing_tags: dict[int, set[int]] = {}
        if existing and "tags" in self.present:
            through = Resident.tags.through
            for resident_id, tag_id in through.objects.filter(
                resident_id__in=[r.pk for r in existing.values()],
                tag_id__in=self.lookups.visible_tag_ids,
            ).values_list("resident_id", "tag_id"):
                existing_tags.setdefault(resident_id, set()).add(tag_id)
        creates: list[_Row] = []
        updates: list[tuple[_Row, Resident]] = []
        new_households: list[_HouseholdInfo] = []
        for row in valid:
            household = self.household_for(row, new_households)
            if household is None:
                continue
            current = existing.get(row.key)
            if current is None:
                if not self.claim_householder(row, household):
                    continue
                self.prepare_create(row, household)
                creates.append(row)
            elif self.check_existing(row, current, household):
                if self.prepare_update(row, current, household, existing_tags):
                    updates.append((row, current))
                else:
                    self.summary.unchanged += 1
        for row in batch:
            if row.errors:
                self.write_error(row)
        self.summary.created += len(creates)
        self.summary.updated += len(updates)
        self.summary.households_created += len(new_households)
        if not self.dry_run and (creates or updates):
            self.write(creates, updates, new_households)

    def household_for(
        self, row: _Row, new_households: list[_HouseholdInfo]
    ) -> _HouseholdInfo | None:
        number = row.values["household"]
        place = row.place
        assert place is not None
        info = self.lookups.households.get(number)
        target = row.building or row.compound
        if info is None:
            region_code = target.region_code if target is not None else place.region_code
            household = _NewHousehold()
            household.__dict__.update(
                number=number,
                region_code=region_code,
                community_id=place.community_id,
                grid_id=row.compound.grid_id if row.compound is not None else place.grid_id,
                compound_id=row.compound.pk if row.compound is not None else None,
                building_id=row.building.pk if row.building is not None else None,
                room=row.values.get("room", "")[:20],
            )
            info = _HouseholdInfo(number, region_code, household, None, "", new=True)
            self.lookups.households[number] = info
            new_households.append(info)
            return info
        if not contains(self.scope, info.region_code):
            row.reject(FIELD_COLUMNS["household"], _("户号已在其他辖区使用"))
            return None
        if not info.region_code.startswith(place.region_code) or (
            target is not None and info.region_code != target.region_code
        ):
            row.reject(
                FIELD_COLUMNS["place"],
                _("户号“%(number)s”登记在 %(code)s，与所在区划代码不符")
                % {"number": number, "code": info.region_code},
            )
            return None
        return info

    def claim_householder(self, row: _Row, household: _HouseholdInfo) -> bool:
        assert row.resident is not None
        if row.resident.relationship != HOUSEHOLDER:
            return True
        if household.householder_key and household.householder_key != row.key:
            row.reject(FIELD_COLUMNS["relationship"], _("该户已有户主"))
            return False
        household.householder_key = row.key
        return True

    def prepare_create(self, row: _Row, household: _HouseholdInfo) -> None:
        resident = row.resident
        assert resident is not None
        resident.tags_wanted = bool(row.tag_ids)
        resident.region_code = household.region_code
        if household.obj is not None:
            resident.household = household.obj
            resident.community_id = household.obj.community_id
        else:
            assert household.pk is not None and row.place is not None
            resident.household_id = household.pk
            resident.community_id = row.place.community_id

    def check_existing(self, row: _Row, current: Resident, household: _HouseholdInfo) -> bool:
        column = FIELD_COLUMNS["id_number"]
        if not contains(self.scope, current.region_code):
            row.reject(column, _("此人已在其他辖区登记，请联系其所在社区办理迁入"))
            return False
        if current.status != ResidentStatus.ACTIVE:
            row.reject(
                column,
                _("此人的记录已%(status)s，不能通过导入修改")
                % {"status": ResidentStatus(current.status).label},
            )
            return False
        if household.pk is None or current.household_id != household.pk:
            row.reject(
                FIELD_COLUMNS["household"],
                _("此人已登记在户号“%(number)s”，迁移请使用“迁移”功能")
                % {"number": current.household.number},
            )
            return False
        return True

    def prepare_update(
        self,
        row: _Row,
        current: Resident,
        household: _HouseholdInfo,
        existing_tags: dict[int, set[int]],
    ) -> bool:
        """Copy the file's values onto ``current``; whether anything differs."""
        new = row.resident
        assert new is not None
        changed = False
        for name in COMPARED_FIELDS:
            if name in _OPTIONAL_FIELDS and name not in self.present:
                continue
            value = getattr(new, name)
            if name in ("sex", "birth_date") and not value:
                continue
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed = True
        if current.relationship == HOUSEHOLDER:
            if household.householder_key and household.householder_key != row.key:
                row.reject(FIELD_COLUMNS["relationship"], _("该户已有户主"))
                return False
            household.householder_key = row.key
        elif household.householder_key == row.key:
            household.householder_key = ""
        if "phone" in self.present and blind_index(row.phone, purpose=PHONE_PURPOSE) != (
            current.phone_index
        ):
            _set_phone(current, row.phone)
            changed = True
        if changed:
            current.name_pinyin, current.name_initials = _pinyin(current.name)
            # Valid: the row passed. (Rows from worker processes come without it.)
            document = row.document or parse_document(new.doc_type, row.values["id_number"])
            _set_document(current, document)
            current.updated_at = timezone.now()
        if row.tag_ids is not None and row.tag_ids != existing_tags.get(current.pk, set()):
            changed = True
        return changed

    def write(
        self,
        creates: list[_Row],
        updates: list[tuple[_Row, Resident]],
        new_households: list[_HouseholdInfo],
    ) -> None:
        through = Resident.tags.through
        with transaction.atomic():
            insert_objects(Household, [info.obj for info in new_households if info.obj])
            created = dict(
                _select_in(
                    _SELECT_HOUSEHOLD_PKS,
                    [info.number for info in new_households],
                )
            )
            for info in new_households:
                assert info.obj is not None
                info.pk = info.obj.pk = created[info.number]
            residents = [row.resident for row in creates if row.resident is not None]
            for resident in residents:
                if resident.household_id is None:
                    resident.household_id = resident.household.pk
            insert_objects(Resident, residents)
            for info in new_households:
                # Later rows of the household need only its key: a league has half a
                # million households, and their rows would stay in memory to the end.
                info.obj = None
            wanted = {
                r.id_number_index: r
                for r in residents
                if r.relationship == HOUSEHOLDER or r.tags_wanted
            }
            if wanted:
                for key, pk in _select_in(
                    _SELECT_KEYS_PKS,
                    list(wanted),
                ):
                    wanted[key].pk = pk
            links = [
                through(resident_id=row.resident.pk, tag_id=tag_id)
                for row in creates
                if row.resident is not None and row.tag_ids
                for tag_id in sorted(row.tag_ids)
            ]
            if updates:
                Resident.objects.bulk_update([current for _row, current in updates], UPDATE_FIELDS)
                tagged = [(row, current) for row, current in updates if row.tag_ids is not None]
                if tagged:
                    through.objects.filter(
                        resident_id__in=[current.pk for _row, current in tagged],
                        tag_id__in=self.lookups.visible_tag_ids,
                    ).delete()
                    links += [
                        through(resident_id=current.pk, tag_id=tag_id)
                        for row, current in tagged
                        for tag_id in sorted(row.tag_ids or ())
                    ]
            if links:
                through.objects.bulk_create(links)
            self.set_householders(creates, updates)

    def set_householders(self, creates: list[_Row], updates: list[tuple[_Row, Resident]]) -> None:
        heads: dict[int, int | None] = {}
        for row in creates:
            resident = row.resident
            if resident is not None and resident.relationship == HOUSEHOLDER:
                heads[resident.household_id] = resident.pk
        for _row, current in updates:
            if current.relationship == HOUSEHOLDER:
                heads[current.household_id] = current.pk
            else:
                # A former householder who no longer is one leaves the household headless.
                Household.objects.filter(pk=current.household_id, householder_id=current.pk).update(
                    householder=None, updated_at=timezone.now()
                )
        if heads:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608
                        quote(Household._meta.db_table),
                        quote("householder_id"),
                        quote("updated_at"),
                        quote("id"),
                    ),
                    [
                        (resident_id, now, household_id)
                        for household_id, resident_id in heads.items()
                    ],
                )


def import_workers() -> int:
    """How many processes prepare rows for a large import (0: the importing process alone).

    ``settings.IMPORT_WORKERS`` when set, else one per core beyond the first: the importing
    process itself keeps a core for the database work.
    """
    configured = getattr(settings, "IMPORT_WORKERS", None)
    if configured is not None:
        return max(0, int(configured))
    return max(0, (os.cpu_count() or 1) - 1)


def _chunks(rows: Iterator[list[str]], indexes: list[tuple[str, int]]) -> Iterator[list[_Row]]:
    """The file's non-empty rows as ``_Row`` objects, ``BATCH_SIZE`` at a time."""
    batch: list[_Row] = []
    line = 1
    for cells in rows:
        line += 1
        if not any(cells):
            continue
        values = {key: cells[index] if index < len(cells) else "" for key, index in indexes}
        batch.append(_Row(line=line, cells=cells, values=values))
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_parallel(pool: Any, chunks: Iterator[list[_Row]], *, depth: int) -> Iterator[list[_Row]]:
    """``_prepared`` over ``chunks`` in ``pool``, in order, at most ``depth`` chunks ahead.

    (``Pool.imap`` would read the whole file into its task queue: memory must stay flat.)
    """
    pending: deque[tuple[list[_Row], Any]] = deque()
    for chunk in chunks:
        pending.append((chunk, pool.apply_async(_prepared_remotely, (chunk,))))
        if len(pending) >= depth:
            rows, result = pending.popleft()
            yield _with_results(rows, result.get())
    while pending:
        rows, result = pending.popleft()
        yield _with_results(rows, result.get())


def default_error_path() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    return directory / f"residents-errors-{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.csv"


def do_import_residents(
    path: str | Path,
    *,
    actor: User | None,
    dry_run: bool = False,
    error_path: str | Path | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    request: Any = None,
) -> ImportSummary:
    """导入居民 from a .csv or .xlsx file; see the module docstring.

    ``actor=None`` is a league-wide operator (the command line without ``--as``).
    Raises :class:`ImportFileError` (a ``ValidationError``) for a file that cannot be
    imported at all, and ``PermissionDenied`` for an actor who may not register residents.
    """
    if actor is not None and not actor.has_perm("residents.add_resident"):
        raise PermissionDenied(_("您没有权限导入居民"))
    if actor is not None and scope_of(actor) == NOWHERE:
        raise PermissionDenied(_("您没有权限导入居民"))
    total, rows = open_rows(path)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(_("文件是空的，没有任何数据")) from None
    positions = _header_map(header)
    restore_deferred_indexes()  # left by an earlier bulk load that was killed
    bulk = (
        not dry_run
        and not connection.in_atomic_block  # batches must commit as they go
        # ``total`` counts lines, the header too: a re-import of the same file is not bulk.
        and total - 1 > BULK_MIN_ROWS
        and total - 1 > Resident.objects.count()
    )
    summary = ImportSummary(dry_run=dry_run)
    importer = _Importer(
        actor=actor,
        dry_run=dry_run,
        error_path=Path(error_path) if error_path else default_error_path(),
        summary=summary,
    )
    importer.header = [cell.strip().lstrip("\ufeff") for cell in header]
    importer.present = {COLUMNS[name] for name in positions}
    indexes = [(COLUMNS[name], index) for name, index in positions.items()]
    data_total = max(total - 1, 0) or None
    with ExitStack() as stack:
        if bulk:
            stack.enter_context(deferred_indexes(Resident, Household))
        stack.callback(importer.close)
        chunks = _chunks(rows, indexes)
        workers = import_workers() if total > PARALLEL_MIN_ROWS else 0
        if workers:
            # Forked after every lookup cache is built; the children only compute.
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(workers))
            prepared = _in_parallel(pool, chunks, depth=2 * workers + 1)
        else:
            prepared = map(_prepared, chunks)
        for batch in prepared:
            summary.rows += len(batch)
            for row in batch:
                _clean_places(row, importer.lookups, importer.present)
                if row.key:
                    digest = bytes.fromhex(row.key)
                    if digest in importer.seen:
                        row.reject(FIELD_COLUMNS["id_number"], _("证件号码在文件中重复出现"))
                    else:
                        importer.seen.add(digest)
            importer.run_batch(batch)
            if on_progress is not None:
                on_progress(summary.rows, data_total)
        if summary.rows == 0:
            raise ImportFileError(_("文件中没有数据行（只有表头）"))
        if on_progress is not None:
            on_progress(summary.rows, summary.rows)
    if not dry_run:
        record_event(
            EventType.RESIDENTS_IMPORTED,
            actor=actor,
            region_code=importer.scope if importer.scope else None,
            summary={
                "import": {
                    "rows": summary.rows,
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "rejected": summary.rejected,
                    "households_created": summary.households_created,
                }
            },
            request=request,
        )
    return summary


def write_template(stream: Any) -> None:
    """The import template (.xlsx): the exact headers, one example row and notes."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("居民")
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        if cell.value in REQUIRED_COLUMNS:
            cell.font = Font(bold=True)
    sheet.append([TEMPLATE_EXAMPLE[name] for name in COLUMNS])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
        for cell in column:
            cell.number_format = "@"
    notes = workbook.create_sheet(_("填写说明"))
    for line in (
        _("第一个工作表为数据，第一行为表头，请勿修改表头文字；示例行导入前请删除。"),
        _("必填列：%(columns)s。") % {"columns": "、".join(REQUIRED_COLUMNS)},
        _("可选列：%(columns)s。") % {"columns": "、".join(OPTIONAL_COLUMNS)},
        _(
            "民族、与户主关系、文化程度、婚姻状况、政治面貌可填国家标准代码或中文名称（如 02 或 蒙古族）。"  # noqa: E501
        ),
        _("所在区划代码填写社区（12 位）或网格（15 位）编码，须在您的辖区内。"),
        _("居住情况：人户一致、人在户不在、户在人不在、流动人口。"),
        _("证件号码请设置为文本格式，以免末尾数字丢失；性别、出生日期须与身份证号一致。"),
        _("同一户号的成员填写相同户号；标签多个时用逗号分隔。"),
        _(
            "有错误的行不会导入，会列在错误文件中（含“错误原因”列），修改后可重新导入；重复导入不会产生重复记录。"
        ),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    workbook.save(stream)
