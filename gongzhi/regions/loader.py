"""Loading the statistical division codes (统计用区划代码) into the region tree.

The file is a full release: one row per division of the league, with the columns
``code,name,level,parent_code,urban_rural_code`` and optionally ``replaced_by``. Loading
it again changes nothing; loading a newer year's release updates renamed divisions,
adds new ones, and deactivates (never deletes — rows elsewhere refer to them) those the
release no longer lists or declares merged into another (``replaced_by``).

Every row is validated; valid rows land, invalid ones are reported with their line
number and a reason in Chinese (DESIGN rule 7).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.regions.models import CODE_LENGTH, Level, Region, short_code

DEFAULT_PATH = Path(settings.BASE_DIR) / "data" / "xingan_divisions.csv"
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code", "urban_rural_code")
# 城乡分类代码 (国家统计局《统计用城乡划分代码》): 111 主城区 … 220 村庄.
URBAN_RURAL_CODES = frozenset({"111", "112", "121", "122", "123", "210", "220"})
# Fields the loader owns; anything else on a region row is left alone.
LOADED_FIELDS = (
    "region_code",
    "name",
    "level",
    "parent",
    "parent_code",
    "urban_rural_code",
    "name_pinyin",
    "name_initials",
    "is_active",
    "replaced_by",
)
NAME_MAX_LENGTH = 100


class RegionFileError(Exception):
    """The file cannot be read as a division list at all (missing, wrong columns)."""


@dataclass(frozen=True)
class Rejection:
    """One row that did not land: its line in the file (the header is line 1) and why."""

    line: int
    code: str
    reason: str

    def __str__(self) -> str:
        return _("第 %(line)d 行（%(code)s）：%(reason)s") % {
            "line": self.line,
            "code": self.code or "—",
            "reason": self.reason,
        }


@dataclass
class Change:
    """What became of one division: ``kind`` is added, changed or deactivated."""

    kind: str
    code: str
    name: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class LoadReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    deactivated: int = 0
    changes: list[Change] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def summary_line(self) -> str:
        return _("新增 %(a)d，变更 %(c)d，未变 %(u)d，停用 %(d)d") % {
            "a": self.added,
            "c": self.changed,
            "u": self.unchanged,
            "d": self.deactivated,
        }

    def as_summary(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "rejected": len(self.rejected),
        }


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: int
    parent_code: str
    urban_rural_code: str
    replaced_by: str


@lru_cache(maxsize=4096)
def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lowercase without tones.

    万佳社区居委会 → ("wanjiashequjuweihui", "wjsqjwh").
    """
    full = "".join(lazy_pinyin(name, style=Style.NORMAL)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return full.replace(" ", ""), initials.replace(" ", "")


def expected_parent_code(code: str, level: int) -> str:
    """The parent's 12-digit code implied by ``code``; the league's parent is its province."""
    keep = CODE_LENGTH[level - 1] if level > 1 else 2
    return code[:keep].ljust(12, "0")


def _code_problem(code: str, level: int) -> str | None:
    """Why a 12-digit ``code`` cannot be a division of ``level``, or None."""
    own_start = CODE_LENGTH[level - 1] if level > 1 else 2
    own = code[own_start : CODE_LENGTH[level]]
    rest = code[CODE_LENGTH[level] :]
    if set(own) == {"0"}:
        return _("区划代码 %(code)s 与层级 %(level)d 不符：第 %(start)d–%(end)d 位不能全为 0") % {
            "code": code,
            "level": level,
            "start": own_start + 1,
            "end": CODE_LENGTH[level],
        }
    if rest and set(rest) != {"0"}:
        return _("区划代码 %(code)s 与层级 %(level)d 不符：第 %(start)d 位起应全为 0") % {
            "code": code,
            "level": level,
            "start": CODE_LENGTH[level] + 1,
        }
    return None


def _validate(
    records: Iterable[dict[str, str | None]],
) -> tuple[list[_Row], list[Rejection], set[str]]:
    """Check each row on its own and against the rows before it.

    Returns the valid rows, the rejections, and every well-formed code the file names
    (a division whose row was rejected is still listed, so it must not be deactivated).
    """
    rows: list[_Row] = []
    rejected: list[Rejection] = []
    listed: set[str] = set()
    first_line: dict[str, int] = {}
    for line, record in enumerate(records, start=2):
        code = (record.get("code") or "").strip()
        name = (record.get("name") or "").strip()
        level_text = (record.get("level") or "").strip()
        parent_code = (record.get("parent_code") or "").strip()
        urban_rural = (record.get("urban_rural_code") or "").strip()
        replaced_by = (record.get("replaced_by") or "").strip()

        def reject(reason: str, line: int = line, code: str = code) -> None:
            rejected.append(Rejection(line, code, reason))

        if not (len(code) == 12 and code.isdigit()):
            reject(_("区划代码“%(code)s”应为 12 位数字") % {"code": code})
            continue
        listed.add(code)
        if code in first_line:
            reject(
                _("区划代码 %(code)s 与第 %(line)d 行重复")
                % {"code": code, "line": first_line[code]}
            )
            continue
        first_line[code] = line
        if not name:
            reject(_("名称不能为空"))
            continue
        if len(name) > NAME_MAX_LENGTH:
            reject(_("名称超过 %(n)d 个字") % {"n": NAME_MAX_LENGTH})
            continue
        if level_text not in {"1", "2", "3", "4"}:
            reject(_("层级“%(level)s”应为 1–4 的整数") % {"level": level_text})
            continue
        level = int(level_text)
        problem = _code_problem(code, level)
        if problem:
            reject(problem)
            continue
        expected = expected_parent_code(code, level)
        if parent_code != expected:
            reject(
                _("上级代码“%(parent)s”与区划代码不一致，应为 %(expected)s")
                % {"parent": parent_code, "expected": expected}
            )
            continue
        if urban_rural and urban_rural not in URBAN_RURAL_CODES:
            reject(
                _("城乡分类代码“%(value)s”无效，应为空或 %(codes)s 之一")
                % {"value": urban_rural, "codes": "/".join(sorted(URBAN_RURAL_CODES))}
            )
            continue
        if replaced_by and not (len(replaced_by) == 12 and replaced_by.isdigit()):
            reject(_("并入区划代码“%(code)s”应为 12 位数字") % {"code": replaced_by})
            continue
        if replaced_by == code:
            reject(_("并入区划代码不能是本区划自身"))
            continue
        rows.append(_Row(line, code, name, level, parent_code, urban_rural, replaced_by))
    return rows, rejected, listed


def _read(path: Path) -> list[dict[str, str | None]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise RegionFileError(
            _("无法读取区划文件 %(path)s：%(error)s") % {"path": path, "error": exc}
        ) from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RegionFileError(
                _("区划文件缺少列：%(columns)s") % {"columns": "、".join(missing)}
            )
        try:
            return list(reader)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise RegionFileError(_("区划文件格式错误：%(error)s") % {"error": exc}) from exc


@transaction.atomic
def load_regions(
    path: Path | None = None,
    *,
    actor: Any = None,
    source_year: int | None = None,
    request: Any = None,
) -> LoadReport:
    """Bring the region tree in line with the division file at ``path``.

    One transaction; inserts level by level so that each division's parent already has
    its id, then updates changed rows in bulk. Records one ``REGIONS_LOADED`` event.
    ``source_year`` is stored on the rows that the file adds or changes.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    records = _read(path)
    rows, rejected, listed = _validate(records)

    existing: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    by_code: dict[str, Region] = dict(existing)
    valid_codes = {row.code for row in rows}
    merge_targets = valid_codes | existing.keys()
    for row in rows:
        if row.replaced_by and row.replaced_by not in merge_targets:
            rejected.append(
                Rejection(
                    row.line,
                    row.code,
                    _("并入区划 %(code)s 既不在文件中也未导入") % {"code": row.replaced_by},
                )
            )
            valid_codes.discard(row.code)
    rows = [row for row in rows if row.code in valid_codes]
    report = LoadReport(rejected=rejected)
    changed: dict[str, Change] = {}
    added: list[Region] = []

    for level in (Level.LEAGUE, Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY):
        new_rows: list[Region] = []
        for row in rows:
            if row.level != level:
                continue
            parent: Region | None = None
            if level > Level.LEAGUE:
                # The parent is a valid row of this file, or a division the file lists
                # on a rejected row but that is already loaded (its row stays as it was).
                usable = row.parent_code in valid_codes or (
                    row.parent_code in listed and row.parent_code in existing
                )
                parent = by_code.get(row.parent_code) if usable else None
                if parent is None:
                    report.rejected.append(
                        Rejection(
                            row.line,
                            row.code,
                            _("上级区划 %(parent)s 不在文件中或未通过校验")
                            % {"parent": row.parent_code},
                        )
                    )
                    valid_codes.discard(row.code)
                    continue
            pinyin, initials = pinyin_of(row.name)
            wanted: dict[str, Any] = {
                "region_code": short_code(row.code, row.level),
                "name": row.name,
                "level": row.level,
                "parent": parent,
                "parent_code": row.parent_code,
                "urban_rural_code": row.urban_rural_code,
                "name_pinyin": pinyin,
                "name_initials": initials,
                "is_active": not row.replaced_by,
            }
            region = existing.get(row.code)
            if region is None:
                region = Region(code=row.code, source_year=source_year, **wanted)
                new_rows.append(region)
                continue
            diffs: dict[str, tuple[Any, Any]] = {}
            parent_id = parent.pk if parent is not None else None
            if region.parent_id != parent_id:
                # Shown through parent_code, which changes with it.
                diffs["parent"] = (region.parent_id, parent_id)
                region.parent = parent
            for name, value in wanted.items():
                if name != "parent" and getattr(region, name) != value:
                    diffs[name] = (getattr(region, name), value)
                    setattr(region, name, value)
            if diffs:
                changed[row.code] = Change("changed", row.code, row.name, diffs)
        Region.objects.bulk_create(new_rows)
        for region in new_rows:
            by_code[region.code] = region
        added.extend(new_rows)

    # Merged divisions point to the division that took them over.
    for row in rows:
        if row.code not in valid_codes:
            continue
        region = by_code[row.code]
        target = by_code.get(row.replaced_by) if row.replaced_by else None
        if row.replaced_by and target is None:
            # The target's own row was rejected above; the division stays deactivated.
            report.rejected.append(
                Rejection(
                    row.line,
                    row.code,
                    _("并入区划 %(code)s 未通过校验，并入关系未保存") % {"code": row.replaced_by},
                )
            )
        if region.replaced_by_id != (target.pk if target else None):
            old = region.replaced_by.code if region.replaced_by_id and region.replaced_by else None
            region.replaced_by = target
            if row.code in existing:
                entry = changed.setdefault(row.code, Change("changed", row.code, row.name))
                entry.fields["replaced_by"] = (old, target.code if target else None)

    for code, region in existing.items():
        if code not in listed and region.is_active:
            region.is_active = False
            changed[code] = Change("deactivated", code, region.name, {"is_active": (True, False)})

    to_update: list[Region] = []
    for code, change in changed.items():
        region = by_code[code]
        if change.kind == "changed" and change.fields.get("is_active") == (True, False):
            change.kind = "deactivated"
        if source_year is not None and change.kind == "changed":
            region.source_year = source_year
        to_update.append(region)
    if to_update:
        Region.objects.bulk_update(to_update, [*LOADED_FIELDS, "source_year"], batch_size=500)
    # Rows added with a replaced_by need a second write: the target may have been added too.
    merged_new = [r for r in added if r.replaced_by_id is not None]
    if merged_new:
        Region.objects.bulk_update(merged_new, ["replaced_by"], batch_size=500)

    report.added = len(added)
    report.changes = [Change("added", r.code, r.name) for r in added] + sorted(
        changed.values(), key=lambda c: c.code
    )
    report.changed = sum(1 for c in changed.values() if c.kind == "changed")
    report.deactivated = sum(1 for c in changed.values() if c.kind == "deactivated")
    report.unchanged = (
        len([r for r in rows if r.code in valid_codes])
        - report.added
        - sum(1 for c in changed.values() if c.code in valid_codes)
    )
    report.rejected.sort(key=lambda r: r.line)

    record_event(
        EventType.REGIONS_LOADED,
        actor=actor,
        object_type="regions.region",
        object_id=path.name,
        region_code="",
        summary={
            **report.as_summary(),
            "file": path.name,
            "source_year": source_year,
            "changes": [
                {"kind": c.kind, "code": c.code, "name": c.name} for c in report.changes[:200]
            ],
        },
        request=request,
    )
    return report
