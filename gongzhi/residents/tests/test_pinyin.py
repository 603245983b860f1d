"""The quick reading of names gives what pypinyin's segmentation gives (search by pinyin)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from gongzhi.residents.pinyin import first_readings, pinyin_of, slow_pinyin_of
from gongzhi.residents.synthetic import population_rows


def test_every_character_alone_reads_as_pypinyin_reads_it() -> None:
    table = first_readings()
    assert len(table) > 40_000
    different = [ch for ch in table if pinyin_of(ch) != slow_pinyin_of(ch)]
    assert different == []


def test_random_names_of_common_characters_read_as_pypinyin_reads_them() -> None:
    common = [ch for ch in first_readings() if "\u4e00" <= ch <= "\u9fa5"]
    chooser = random.Random(20261129)  # noqa: S311 - test data, not secrets
    names = [
        "".join(chooser.choice(common) for _ in range(chooser.randint(2, 5))) for _ in range(20_000)
    ]
    assert [name for name in names if pinyin_of(name) != slow_pinyin_of(name)] == []


def test_synthetic_league_names_read_as_pypinyin_reads_them() -> None:
    rows = population_rows(5_000, 7, ["152201001001"], today=date(2026, 11, 29))
    names = {row["姓名"] for row in rows}
    assert [name for name in names if pinyin_of(name) != slow_pinyin_of(name)] == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", ("zhangsan", "zs")),
        ("乌云其其格", ("wuyunqiqige", "wyqqg")),
        ("吕女", ("lvnv", "ln")),
        ("阿依·买买提", ("ayimaimaiti", "aymmt")),  # not a character: pypinyin's way
        ("曾国藩", slow_pinyin_of("曾国藩")),  # a phrase decides the reading of 曾
        ("", ("", "")),
    ],
)
def test_known_names(name: str, expected: tuple[str, str]) -> None:
    assert pinyin_of(name) == expected
