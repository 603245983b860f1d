"""The synthetic league population (benchmarks, demo_data): valid, realistic, repeatable."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from gongzhi.core.idcard import parse_document
from gongzhi.residents.importing import do_import_residents
from gongzhi.residents.synthetic import population_rows, write_population_csv

TODAY = date(2026, 11, 29)
COMMUNITIES = [
    "152201001001",
    "152201001002",
    "152202001001",
    "152221100001",
    "152222100001",
    "152223100021",
    "152224100001",
]


def test_rows_are_repeatable_for_a_seed_and_differ_across_seeds() -> None:
    first = list(population_rows(200, 7, COMMUNITIES, today=TODAY))
    assert first == list(population_rows(200, 7, COMMUNITIES, today=TODAY))
    assert first != list(population_rows(200, 8, COMMUNITIES, today=TODAY))


def test_ids_are_valid_unique_and_agree_with_sex_and_birth_date() -> None:
    rows = list(population_rows(3000, 1, COMMUNITIES, today=TODAY))
    assert len({row["证件号码"] for row in rows}) == len(rows)
    for row in rows[:500]:
        document = parse_document("citizen_id", row["证件号码"])
        assert document.birth_date is not None
        assert document.birth_date.isoformat() == row["出生日期"]
        assert {"1": "男", "2": "女"}.get(document.sex or "") == row["性别"]


def test_the_population_looks_like_the_league() -> None:
    rows = list(population_rows(20000, 3, COMMUNITIES, today=TODAY))
    households = Counter(row["户号"] for row in rows)
    assert 2.3 <= len(rows) / len(households) <= 2.9  # ~2.6 people a household
    heads = Counter(row["户号"] for row in rows if row["与户主关系"] == "户主")
    assert set(heads.values()) == {1} and len(heads) == len(households)
    mongol = sum(row["民族"] == "蒙古族" for row in rows) / len(rows)
    assert 0.36 <= mongol <= 0.46  # about 41 %
    migrants = sum(row["居住情况"] == "流动人口" for row in rows) / len(rows)
    assert 0.05 <= migrants <= 0.11
    children = sum(int(row["出生日期"][:4]) > 2012 for row in rows) / len(rows)
    assert 0.08 <= children <= 0.2


@pytest.mark.django_db
def test_every_row_imports(regions: None, tmp_path: Path, settings: Any) -> None:
    settings.VAR_DIR = tmp_path
    path = write_population_csv(tmp_path / "p.csv", 400, 5, COMMUNITIES, today=TODAY)
    with path.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle))[0] == "姓名"
    summary = do_import_residents(path, actor=None, error_path=tmp_path / "errors.csv")
    assert (summary.created, summary.rejected) == (400, 0)
