"""A community worker imports a spreadsheet with some bad rows, gets the error file, and
finds an imported person by pinyin initials (issue 3's end-to-end path)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import COMMUNITY_A, Personas
from gongzhi.residents.importing import COLUMNS
from gongzhi.residents.tests.helpers import new_id
from tests.e2e.test_browse_regions import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def spreadsheet(path: Path) -> Path:
    good = {
        "姓名": "巴特尔",
        "证件号码": new_id(date(1975, 4, 2), "1"),
        "民族": "蒙古族",
        "户号": "E2E-0001",
        "与户主关系": "户主",
        "所在区划代码": COMMUNITY_A,
        "居住情况": "人户一致",
    }
    spouse = dict(good, 姓名="萨仁", 证件号码=new_id(date(1977, 8, 9), "2"), 与户主关系="配偶")
    bad_checksum = dict(good, 姓名="错号", 证件号码=good["证件号码"][:-1] + "0", 与户主关系="子")
    bad_ethnicity = dict(good, 姓名="错族", 证件号码=new_id(), 民族="火星族", 与户主关系="女")
    if bad_checksum["证件号码"] == good["证件号码"]:
        bad_checksum["证件号码"] = good["证件号码"][:-1] + "1"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in (good, spouse, bad_checksum, bad_ethnicity):
            writer.writerow([row.get(column, "") for column in COLUMNS])
    return path


def test_import_with_bad_rows_then_find_by_initials(
    page: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    log_in(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/console/residents/import/")
    page.get_by_label("居民表格文件（.xlsx 或 .csv）").set_input_files(
        str(spreadsheet(tmp_path / "居民.csv"))
    )
    page.get_by_role("button", name="开始导入").click()
    page.wait_for_load_state()

    # The import runs as a background task (in-process in tests): its progress page shows
    # the finished bar and leads to the result, which counts what landed and what not.
    page.wait_for_url("**/console/tasks/**")
    assert page.locator("progress").count() == 1
    page.get_by_role("link", name="查看导入结果").click()
    counts = page.get_by_role("table", name="导入统计")
    assert counts.get_by_role("row", name="数据行").inner_text().split()[-1] == "4"
    assert counts.get_by_role("row", name="新增").inner_text().split()[-1] == "2"
    assert counts.get_by_role("row", name="有误未导入").inner_text().split()[-1] == "2"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载错误文件").click()
    errors = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "错误原因" in errors
    assert "校验码" in errors
    assert "火星族" in errors

    page.goto(f"{live_server.url}/console/residents/")
    page.get_by_label("查找居民").fill("bte")
    # Wait for the submitted search itself, not the list that was already on screen.
    with page.expect_navigation(url="**q=bte**"):
        page.get_by_role("button", name="查找").click()
    results = page.locator("main table")
    assert "巴特尔" in results.inner_text()
    assert "萨仁" not in results.inner_text()
