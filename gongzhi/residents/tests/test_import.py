"""批量导入居民: row validation, bad files, idempotence, dry run, jurisdiction, the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from conftest import COMMUNITY_A, COMMUNITY_B
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.importing import (
    COLUMNS,
    ERROR_COLUMN,
    ImportFileError,
    do_import_residents,
)
from gongzhi.residents.models import Household, Resident
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_var_dir(settings: Any, tmp_path: Path) -> None:
    """Error files and uploads go to the test's own directory, not ``var/``."""
    settings.VAR_DIR = tmp_path / "var"


HEADERS = list(COLUMNS)


def row(**values: str) -> dict[str, str]:
    base = {
        "姓名": "乌云",
        "证件号码": new_id(),
        "民族": "蒙古族",
        "户号": "H-A-0001",
        "与户主关系": "户主",
        "所在区划代码": COMMUNITY_A,
        "居住情况": "人户一致",
    }
    base.update(values)
    return base


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    headers: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    headers = headers or HEADERS
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for values in rows:
            writer.writerow([values.get(name, "") for name in headers])
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values.get(name, "") for name in HEADERS])
    workbook.save(path)
    return path


def read_errors(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def household_rows() -> list[dict[str, str]]:
    return [
        row(姓名="乌云", 与户主关系="户主", 证件号码=new_id(date(1970, 3, 1), "1")),
        row(姓名="其其格", 与户主关系="10", 证件号码=new_id(date(1972, 5, 2), "2"), 性别="女"),
        row(
            姓名="巴图",
            户号="H-A-0002",
            与户主关系="02",
            民族="02",
            证件号码=new_id(date(1980, 1, 9), "1"),
            联系电话="13812345678",
        ),
    ]


class TestValidRows:
    def test_it_creates_households_and_residents_with_codes_or_names(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_csv(tmp_path / "a.csv", household_rows())
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.rows, summary.created, summary.rejected) == (3, 3, 0)
        assert summary.error_file == ""
        household = Household.objects.get(number="H-A-0001")
        assert household.community.region_code == COMMUNITY_A
        assert household.householder is not None and household.householder.name == "乌云"
        spouse = Resident.objects.get(name="其其格")
        assert (spouse.ethnicity, spouse.relationship, spouse.sex) == ("02", "10", "2")
        batu = Resident.objects.get(name="巴图")
        assert batu.phone_masked == "138****5678"
        assert batu.phone.reveal() == "13812345678"
        assert batu.name_initials == "bt"

    def test_a_second_import_of_the_same_file_changes_nothing(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_csv(tmp_path / "a.csv", household_rows())
        do_import_residents(path, actor=personas.staff_a)
        before = list(Resident.objects.order_by("pk").values("pk", "updated_at"))
        again = do_import_residents(path, actor=personas.staff_a)
        assert (again.rows, again.created, again.updated, again.unchanged) == (3, 0, 0, 3)
        assert list(Resident.objects.order_by("pk").values("pk", "updated_at")) == before

    def test_a_changed_field_updates_the_record(self, personas: Any, tmp_path: Path) -> None:
        rows = household_rows()
        do_import_residents(write_csv(tmp_path / "a.csv", rows), actor=personas.staff_a)
        rows[2]["联系电话"] = "13900001111"
        rows[2]["政治面貌"] = "中共党员"
        summary = do_import_residents(write_csv(tmp_path / "b.csv", rows), actor=personas.staff_a)
        assert (summary.updated, summary.unchanged) == (1, 2)
        batu = Resident.objects.get(name="巴图")
        assert batu.phone_masked == "139****1111"
        assert batu.political_status == "01"

    def test_it_reads_gb18030_and_xlsx(self, personas: Any, tmp_path: Path) -> None:
        rows = household_rows()
        gbk = write_csv(tmp_path / "gbk.csv", rows[:1], encoding="gb18030")
        assert do_import_residents(gbk, actor=personas.staff_a).created == 1
        summary = do_import_residents(
            write_xlsx(tmp_path / "b.xlsx", rows[1:]), actor=personas.staff_a
        )
        assert (summary.created, summary.rejected) == (2, 0)
        assert Resident.objects.count() == 3

    def test_one_ledger_event_counts_the_import_without_personal_data(
        self, personas: Any, tmp_path: Path
    ) -> None:
        rows = household_rows()
        before = Event.objects.count()
        do_import_residents(write_csv(tmp_path / "a.csv", rows), actor=personas.staff_a)
        assert Event.objects.count() == before + 1
        event = Event.objects.latest("pk")
        assert event.type == EventType.RESIDENTS_IMPORTED
        assert event.summary["import"]["created"] == 3
        assert rows[0]["证件号码"] not in json.dumps(event.summary)


class TestRejectedRows:
    @pytest.mark.parametrize(
        ("values", "column", "reason"),
        [
            ({"证件号码": "110105194912310021"}, "证件号码", "校验"),
            ({"民族": "火星族"}, "民族", "火星族"),
            ({"与户主关系": "邻居"}, "与户主关系", "邻居"),
            ({"所在区划代码": "152201999999"}, "所在区划代码", "不是已知"),
            ({"所在区划代码": COMMUNITY_B}, "所在区划代码", "不在您的辖区内"),
            ({"证件号码": "11010519491231002X", "性别": "男"}, "性别", ""),
            ({"证件号码": "11010519491231002X", "出生日期": "1950-01-01"}, "出生日期", ""),
            ({"居住情况": "随便"}, "居住情况", "无效"),
            ({"姓名": ""}, "姓名", "不能为空"),
            ({"出生日期": "昨天"}, "出生日期", "不是有效日期"),
            ({"标签": "不存在的标签"}, "标签", "不存在"),
        ],
    )
    def test_it_rejects_a_bad_row_naming_row_column_and_reason(
        self, personas: Any, tmp_path: Path, values: dict[str, str], column: str, reason: str
    ) -> None:
        good = row(户号="H-GOOD", 姓名="好人")
        path = write_csv(tmp_path / "a.csv", [good, row(**values)])
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.rows, summary.created, summary.rejected) == (2, 1, 1)
        errors = read_errors(summary.error_file)
        assert len(errors) == 1
        message = errors[0][ERROR_COLUMN]
        assert message.startswith(f"第 3 行 {column}："), message
        assert reason in message
        assert errors[0]["户号"] == "H-A-0001"
        assert not Resident.objects.filter(household__number="H-A-0001").exists()

    def test_it_rejects_an_id_that_appears_twice_in_the_file(
        self, personas: Any, tmp_path: Path
    ) -> None:
        number = new_id()
        path = write_csv(
            tmp_path / "a.csv",
            [row(证件号码=number), row(证件号码=number, 与户主关系="子", 姓名="重复")],
        )
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.created, summary.rejected) == (1, 1)
        assert "证件号码在文件中重复出现" in read_errors(summary.error_file)[0][ERROR_COLUMN]

    def test_it_rejects_a_second_householder(self, personas: Any, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [row(), row(姓名="二号户主")])
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.created, summary.rejected) == (1, 1)
        assert "该户已有户主" in read_errors(summary.error_file)[0][ERROR_COLUMN]

    def test_it_rejects_a_person_registered_in_another_jurisdiction(
        self, personas: Any, tmp_path: Path
    ) -> None:
        number = new_id()
        resident_in(household_in(COMMUNITY_B), id_number=number)
        path = write_csv(tmp_path / "a.csv", [row(证件号码=number)])
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.created, summary.updated, summary.rejected) == (0, 0, 1)
        message = read_errors(summary.error_file)[0][ERROR_COLUMN]
        assert "此人已在其他辖区登记" in message

    def test_it_rejects_a_person_of_another_household(self, personas: Any, tmp_path: Path) -> None:
        number = new_id()
        resident_in(household_in(COMMUNITY_A, number="OLD-1"), id_number=number)
        path = write_csv(tmp_path / "a.csv", [row(证件号码=number)])
        summary = do_import_residents(path, actor=personas.staff_a)
        assert summary.rejected == 1
        assert "OLD-1" in read_errors(summary.error_file)[0][ERROR_COLUMN]

    def test_a_household_number_used_elsewhere_is_refused(
        self, personas: Any, tmp_path: Path
    ) -> None:
        household_in(COMMUNITY_B, number="H-A-0001")
        summary = do_import_residents(
            write_csv(tmp_path / "a.csv", [row()]), actor=personas.staff_a
        )
        assert summary.rejected == 1
        assert "户号已在其他辖区使用" in read_errors(summary.error_file)[0][ERROR_COLUMN]


class TestJurisdiction:
    def test_township_staff_cannot_import_into_another_township(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_csv(
            tmp_path / "a.csv",
            [row(户号="A1"), row(户号="B1", 所在区划代码=COMMUNITY_B)],
        )
        summary = do_import_residents(path, actor=personas.street_staff)
        assert (summary.created, summary.rejected) == (1, 1)
        assert "不在您的辖区内" in read_errors(summary.error_file)[0][ERROR_COLUMN]
        assert not Household.objects.filter(number="B1").exists()

    def test_a_county_operator_imports_into_both_townships(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_csv(
            tmp_path / "a.csv",
            [row(户号="A1"), row(户号="B1", 所在区划代码=COMMUNITY_B)],
        )
        assert do_import_residents(path, actor=personas.county_admin).created == 2

    def test_a_reader_without_the_add_permission_is_refused(
        self, personas: Any, tmp_path: Path
    ) -> None:
        from django.core.exceptions import PermissionDenied

        path = write_csv(tmp_path / "a.csv", [row()])
        with pytest.raises(PermissionDenied):
            do_import_residents(path, actor=personas.system_admin)
        assert not Resident.objects.exists()


class TestBadFiles:
    def expect_refused(self, path: Path, personas: Any, text: str) -> None:
        before = Event.objects.count()
        with pytest.raises(ImportFileError) as caught:
            do_import_residents(path, actor=personas.staff_a)
        assert text in " ".join(caught.value.messages)
        assert not Resident.objects.exists() and not Household.objects.exists()
        assert Event.objects.count() == before

    def test_a_binary_file_is_not_a_spreadsheet(self, personas: Any, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 100)
        self.expect_refused(path, personas, "不是有效的表格")

    def test_a_broken_xlsx_is_not_a_spreadsheet(self, personas: Any, tmp_path: Path) -> None:
        path = tmp_path / "a.xlsx"
        path.write_text("姓名,证件号码\n", encoding="utf-8")
        self.expect_refused(path, personas, "不是有效的表格")

    def test_missing_headers_are_named(self, personas: Any, tmp_path: Path) -> None:
        headers = [name for name in HEADERS if name not in ("民族", "居住情况")]
        path = write_csv(tmp_path / "a.csv", [row()], headers=headers)
        self.expect_refused(path, personas, "民族、居住情况")

    def test_an_empty_file_is_refused(self, personas: Any, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_bytes(b"")
        self.expect_refused(path, personas, "文件是空的")

    def test_a_header_without_rows_is_refused(self, personas: Any, tmp_path: Path) -> None:
        self.expect_refused(write_csv(tmp_path / "a.csv", []), personas, "没有数据行")

    def test_garbage_text_is_refused_for_its_headers(self, personas: Any, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_text("lorem ipsum\n" * 1000, encoding="utf-8")
        self.expect_refused(path, personas, "表头缺少必填列")

    def test_merged_cells_are_refused_naming_the_first(self, personas: Any, tmp_path: Path) -> None:
        path = write_xlsx(tmp_path / "a.xlsx", [row(), row(户号="H-A-0001", 与户主关系="配偶")])
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.active
        assert sheet is not None
        sheet.merge_cells("D2:D3")  # one 户号 for the household, as people do
        workbook.save(path)
        self.expect_refused(path, personas, "合并单元格（如 D2）")

    def test_formulas_are_refused(self, personas: Any, tmp_path: Path) -> None:
        path = write_xlsx(tmp_path / "a.xlsx", [row()])
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.active
        assert sheet is not None
        sheet["A2"] = '=CONCATENATE("乌","云")'
        workbook.save(path)
        self.expect_refused(path, personas, "含有公式")

    def test_a_formula_on_another_sheet_does_not_matter(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = write_xlsx(tmp_path / "a.xlsx", [row()])
        workbook = openpyxl.load_workbook(path)
        workbook.create_sheet("说明")["A1"] = "=1+1"
        workbook.save(path)
        assert do_import_residents(path, actor=personas.staff_a).created == 1


class TestDryRunAndCommand:
    def test_a_dry_run_changes_nothing_but_reports_and_writes_errors(
        self, personas: Any, tmp_path: Path
    ) -> None:
        rows = [*household_rows(), row(民族="火星族", 户号="X")]
        before = Event.objects.count()
        summary = do_import_residents(
            write_csv(tmp_path / "a.csv", rows), actor=personas.staff_a, dry_run=True
        )
        assert (summary.rows, summary.created, summary.rejected) == (4, 3, 1)
        assert Path(summary.error_file).is_file()
        assert not Resident.objects.exists() and not Household.objects.exists()
        assert Event.objects.count() == before

    def test_the_command_prints_one_json_object_as_its_last_line(
        self, personas: Any, tmp_path: Path
    ) -> None:
        rows = [*household_rows(), row(民族="火星族", 户号="X")]
        path = write_csv(tmp_path / "a.csv", rows)
        out, err = io.StringIO(), io.StringIO()
        call_command("import_residents", str(path), stdout=out, stderr=err)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert set(result) == {"rows", "created", "updated", "unchanged", "rejected", "error_file"}
        assert (result["rows"], result["created"], result["rejected"]) == (4, 3, 1)
        assert Path(result["error_file"]).is_file()
        assert "导入中" in err.getvalue()
        out = io.StringIO()
        call_command("import_residents", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
        again = json.loads(out.getvalue().strip().splitlines()[-1])
        assert (again["created"], again["unchanged"], again["rejected"]) == (0, 3, 1)

    def test_the_command_acts_as_the_named_user(self, personas: Any, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [row(所在区划代码=COMMUNITY_B)])
        out = io.StringIO()
        call_command(
            "import_residents", str(path), "--as", "staff_a", stdout=out, stderr=io.StringIO()
        )
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert (result["created"], result["rejected"]) == (0, 1)


class TestTagsAndInterruption:
    def test_tags_are_set_and_a_hidden_sensitive_tag_is_kept(
        self, personas: Any, tmp_path: Path
    ) -> None:
        from gongzhi.residents.models import Tag

        number = new_id()
        path = write_csv(tmp_path / "a.csv", [row(证件号码=number, 标签="独居老人,精神障碍患者")])
        assert do_import_residents(path, actor=personas.staff_a).created == 1
        resident = Resident.objects.get()
        assert {t.name for t in resident.tags.all()} == {"独居老人", "精神障碍患者"}
        # A grid worker cannot see the sensitive tag: naming it is refused, and a file
        # without it changes only the tags the worker sees.
        refused = do_import_residents(
            write_csv(tmp_path / "b.csv", [row(证件号码=number, 标签="精神障碍患者")]),
            actor=personas.grid_worker,
        )
        assert refused.rejected == 1
        summary = do_import_residents(
            write_csv(tmp_path / "c.csv", [row(证件号码=number, 标签="退役军人")]),
            actor=personas.grid_worker,
        )
        assert summary.updated == 1
        assert set(resident.tags.values_list("name", flat=True)) == {"退役军人", "精神障碍患者"}
        assert Tag.objects.filter(name="精神障碍患者", is_sensitive=True).exists()

    def test_a_deactivated_tag_is_refused_and_kept_where_it_is(
        self, personas: Any, tmp_path: Path
    ) -> None:
        from gongzhi.residents.models import Tag

        number = new_id()
        path = write_csv(tmp_path / "a.csv", [row(证件号码=number, 标签="退役军人")])
        assert do_import_residents(path, actor=personas.staff_a).created == 1
        Tag.objects.filter(name="退役军人").update(is_active=False)
        refused = do_import_residents(
            write_csv(tmp_path / "b.csv", [row(证件号码=number, 标签="退役军人,独居老人")]),
            actor=personas.staff_a,
        )
        assert refused.rejected == 1
        assert "标签“退役军人”已停用" in read_errors(refused.error_file)[0][ERROR_COLUMN]
        summary = do_import_residents(
            write_csv(tmp_path / "c.csv", [row(证件号码=number, 标签="独居老人")]),
            actor=personas.staff_a,
        )
        assert summary.updated == 1
        resident = Resident.objects.get()
        assert set(resident.tags.values_list("name", flat=True)) == {"退役军人", "独居老人"}

    def test_an_interrupted_import_keeps_committed_batches_and_completes_when_rerun(
        self, personas: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from gongzhi.residents import importing

        rows = [row(户号=f"H{i}", 姓名=f"人{i}", 证件号码=new_id()) for i in range(6)]
        path = write_csv(tmp_path / "a.csv", rows)
        monkeypatch.setattr(importing, "BATCH_SIZE", 2)
        calls = {"n": 0}
        original = importing._Importer.write

        def crash_on_second(self: Any, *args: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt  # the process is stopped mid-import
            original(self, *args)

        monkeypatch.setattr(importing._Importer, "write", crash_on_second)
        with pytest.raises(KeyboardInterrupt):
            do_import_residents(path, actor=personas.staff_a)
        assert Resident.objects.count() == 2  # the first batch was committed, whole
        monkeypatch.setattr(importing._Importer, "write", original)
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.created, summary.unchanged, summary.rejected) == (4, 2, 0)
        assert Resident.objects.count() == 6


@pytest.mark.django_db(transaction=True)
class TestBulkLoad:
    """A large first load rebuilds the secondary indexes after the rows (core.bulkload)."""

    @staticmethod
    def index_names() -> set[str]:
        from gongzhi.core.bulkload import secondary_indexes

        return {name for name, _sql in secondary_indexes(Resident._meta.db_table)}

    def test_a_bulk_load_imports_the_same_and_puts_every_index_back(
        self, personas: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from gongzhi.core.bulkload import deferred_indexes as real_deferred
        from gongzhi.core.models import DeferredIndex
        from gongzhi.residents import importing

        before = self.index_names()
        assert "resident_initials" in before
        seen_during: list[set[str]] = []

        def spying(*models: Any) -> Any:
            context = real_deferred(*models)

            class Spy:
                def __enter__(self) -> int:
                    dropped = context.__enter__()
                    seen_during.append(TestBulkLoad.index_names())
                    return dropped

                def __exit__(self, *exc: Any) -> Any:
                    return context.__exit__(*exc)

            return Spy()

        monkeypatch.setattr(importing, "BULK_MIN_ROWS", 3)
        monkeypatch.setattr(importing, "deferred_indexes", spying)
        path = write_csv(tmp_path / "a.csv", [*household_rows(), row(户号="H2")])
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.created, summary.rejected) == (4, 0)
        assert seen_during == [set()]  # every secondary index was away during the load
        assert self.index_names() == before
        assert not DeferredIndex.objects.exists()

    def test_indexes_left_by_a_killed_load_are_rebuilt_by_the_next_import(
        self, personas: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from gongzhi.core import bulkload

        before = self.index_names()
        # A killed process never reaches the rebuild.
        monkeypatch.setattr(bulkload, "restore_deferred_indexes", lambda: 0)
        with pytest.raises(KeyboardInterrupt), bulkload.deferred_indexes(Resident):
            raise KeyboardInterrupt
        monkeypatch.undo()
        assert self.index_names() == set()
        do_import_residents(write_csv(tmp_path / "a.csv", [row()]), actor=personas.staff_a)
        assert self.index_names() == before


class TestParallelPreparation:
    """A large file's rows are prepared by worker processes; the outcome is the same."""

    def test_workers_give_the_same_records_errors_and_order_as_one_process(
        self,
        personas: Any,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        settings: Any,
    ) -> None:
        from gongzhi.residents import importing

        rows = [
            *household_rows(),
            row(户号="H2", 证件号码="110105194912310021"),  # bad check digit
            row(户号="H3", 民族="火星族"),
            row(户号="H4", 所在区划代码=COMMUNITY_B),  # outside staff_a's community
        ]
        rows.append(dict(rows[0], 户号="H5"))  # the same ID twice in the file
        monkeypatch.setattr(importing, "BATCH_SIZE", 2)
        monkeypatch.setattr(importing, "PARALLEL_MIN_ROWS", 0)
        settings.IMPORT_WORKERS = 2
        path = write_csv(tmp_path / "a.csv", rows)
        summary = do_import_residents(path, actor=personas.staff_a)
        parallel_errors = read_errors(summary.error_file)
        assert (summary.rows, summary.created, summary.rejected) == (7, 3, 4)
        created = sorted(Resident.objects.values_list("name", "id_number_index"))

        Resident.objects.all().delete()
        Household.objects.all().delete()
        settings.IMPORT_WORKERS = 0
        serial = do_import_residents(path, actor=personas.staff_a)
        assert (serial.rows, serial.created, serial.rejected) == (7, 3, 4)
        assert read_errors(serial.error_file) == parallel_errors
        assert sorted(Resident.objects.values_list("name", "id_number_index")) == created
