"""Loading a newer year's release over the tree, and rejecting bad rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.loader import DEFAULT_PATH, load_regions
from gongzhi.regions.models import Grid, Region

from .helpers import BOX_A, rectangle

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "level", "parent_code", "urban_rural_code", "replaced_by"]


def release(tmp_path: Path, edit: dict[str, dict[str, str] | None], extra: list[list[str]]) -> Path:
    """A copy of the real file with rows edited (None removes a row) and rows appended."""
    with DEFAULT_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    path = tmp_path / "divisions_2025.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            if row["code"] in edit:
                change = edit[row["code"]]
                if change is None:
                    continue
                row = {**row, **change}
            writer.writerow([row.get(column, "") for column in HEADER])
        writer.writerows(extra)
    return path


class TestNewerRelease:
    def test_it_renames_adds_deactivates_and_merges_without_duplicating(
        self, tmp_path: Path
    ) -> None:
        load_regions(source_year=2023)
        removed = Region.objects.get(code="152201001004")  # 洮儿河社区居委会
        grid = do_save_grid(removed, name="洮儿河第一网格", boundary=rectangle(*BOX_A), actor=None)
        path = release(
            tmp_path,
            {
                "152201001002": {"name": "春阳社区"},  # renamed
                "152201001004": None,  # abolished
                "152201002007": {"replaced_by": "152201002006"},  # 南滨河 merged into 滨河
            },
            [["152201001005", "新城社区居委会", "4", "152201001000", "111", ""]],
        )

        report = load_regions(path, source_year=2025)

        assert (report.added, report.changed, report.deactivated) == (1, 1, 2)
        assert (
            report.unchanged == 1217 - 1 - 2
        )  # one renamed, one merged; the removed is not listed
        assert report.rejected == []
        renamed = Region.objects.get(code="152201001002")
        assert (renamed.name, renamed.name_pinyin, renamed.name_initials) == (
            "春阳社区",
            "chunyangshequ",
            "cysq",
        )
        assert renamed.source_year == 2025
        assert Region.objects.filter(code="152201001002").count() == 1
        removed.refresh_from_db()
        assert removed.is_active is False
        assert Grid.objects.get(pk=grid.pk).community == removed  # still there, still pointing
        merged = Region.objects.get(code="152201002007")
        assert merged.is_active is False
        assert merged.replaced_by == Region.objects.get(code="152201002006")
        added = Region.objects.get(code="152201001005")
        assert (added.parent_code, added.urban_rural_code, added.source_year) == (
            "152201001000",
            "111",
            2025,
        )
        kinds = {(c.kind, c.code) for c in report.changes}
        assert ("changed", "152201001002") in kinds
        assert ("deactivated", "152201001004") in kinds
        assert ("deactivated", "152201002007") in kinds
        assert ("added", "152201001005") in kinds

        again = load_regions(path, source_year=2025)
        assert (again.added, again.changed, again.deactivated) == (0, 0, 0)

    def test_a_division_listed_again_is_reactivated(self, tmp_path: Path) -> None:
        load_regions()
        load_regions(release(tmp_path, {"152201001004": None}, []))
        report = load_regions()
        assert report.changed == 1
        assert Region.objects.get(code="152201001004").is_active is True


class TestRejectedRows:
    def test_valid_rows_land_and_each_bad_row_is_reported_with_its_line_and_reason(
        self, tmp_path: Path
    ) -> None:
        load_regions()
        path = release(
            tmp_path,
            {},
            [
                ["15220100100", "短代码社区", "4", "152201001000", "", ""],  # line 1219
                ["152201001006", "层级错误社区", "5", "152201001000", "", ""],
                ["152201001007", "层级不符社区", "3", "152201001000", "", ""],
                ["152201001008", "上级不符社区", "4", "152201002000", "", ""],
                ["152201001009", "城乡代码错误社区", "4", "152201001000", "999", ""],
                ["152201001001", "重复的万佳", "4", "152201001000", "", ""],
                ["152201099000", "不存在街道的社区", "3", "152201000000", "888", ""],
                ["152201099001", "孤儿社区", "4", "152201099000", "", ""],
                ["152201001010", "好社区居委会", "4", "152201001000", "112", ""],
            ],
        )
        report = load_regions(path)

        reasons = {r.line: r.reason for r in report.rejected}
        assert sorted(reasons) == list(range(1219, 1227))
        assert "12 位数字" in reasons[1219]
        assert "层级" in reasons[1220]
        assert "与层级 3 不符" in reasons[1221]
        assert "应为 152201001000" in reasons[1222]
        assert "城乡分类代码" in reasons[1223]
        assert "与第 5 行重复" in reasons[1224]
        assert "城乡分类代码" in reasons[1225]
        assert "上级区划 152201099000" in reasons[1226]
        assert str(report.rejected[0]).startswith("第 1219 行")
        assert report.added == 1
        assert Region.objects.get(code="152201001010").name == "好社区居委会"
        assert Region.objects.get(code="152201001001").name == "万佳社区居委会"
        assert not Region.objects.filter(code__in=["152201001006", "152201099001"]).exists()

    def test_the_command_exits_non_zero_and_names_the_rejected_rows(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = release(
            tmp_path, {}, [["152201001006", "层级错误社区", "5", "152201001000", "", ""]]
        )
        with pytest.raises(CommandError):
            call_command("load_regions", str(path))
        captured = capsys.readouterr()
        assert "新增 1217，变更 0，未变 0，停用 0" in captured.out
        assert "第 1219 行（152201001006）" in captured.err

    def test_a_file_without_the_required_columns_is_refused_whole(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.csv"
        path.write_text("代码,名称\n152200000000,兴安盟\n", encoding="utf-8")
        with pytest.raises(CommandError, match="缺少列"):
            call_command("load_regions", str(path))
        assert not Region.objects.exists()
