"""The import's quick path (``_quick_fields``) decides every row as the full checks do.

It settles the common rows at once and leaves every other row to the full checks; these
tests run rows of every kind both ways and compare what comes out: the same errors, the
same stored values (ciphertexts differ by their random nonce, so they are compared
decrypted).
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from gongzhi.core.idcard import CHECK_CHARACTERS
from gongzhi.residents import importing
from gongzhi.residents.importing import COLUMNS, _clean_fields, _Row
from gongzhi.residents.synthetic import population_rows

NUMBER = "15220119800517001"
VALID_ID = NUMBER + CHECK_CHARACTERS[(2 * int(NUMBER, 13)) % 11]  # a man born 1980-05-17


def make_row(values: dict[str, str]) -> _Row:
    full = {field: values.get(header, "") for header, field in COLUMNS.items()}
    return _Row(line=2, cells=list(values.values()), values=full)


def outcome(values: dict[str, str], *, quick: bool, monkeypatch: Any) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        if not quick:
            patch.setattr(importing, "_quick_fields", lambda row: False)
        row = make_row(values)
        _clean_fields(row)
    resident = None
    if row.resident is not None:
        resident = dict(row.resident.__dict__)
        for field in ("id_number", "phone"):
            resident[field] = resident[field].reveal()
    pending = row.pending.errors if row.pending is not None else {}
    return {
        "resident": resident,
        "key": row.key,
        "phone": row.phone,
        "errors": {field: [str(m) for m in messages] for field, messages in pending.items()},
    }


BASE = {
    "姓名": "巴特尔",
    "证件号码": VALID_ID,
    "民族": "蒙古族",
    "户号": "H-1",
    "与户主关系": "户主",
    "所在区划代码": "152201001001",
    "居住情况": "人户一致",
}
VARIATIONS: dict[str, list[str]] = {
    "姓名": ["巴特尔", " 巴特  尔 ", "", "长" * 51],
    "证件号码": [VALID_ID, VALID_ID.lower(), VALID_ID[:-1] + "0", "152201800517001", "12345"],
    "证件类型": ["", "居民身份证", "身份证", "citizen_id", "外国人永久居留身份证", "护照"],
    "性别": ["", "男", "1", "女", "2", "9", "未知", "人妖"],
    "出生日期": ["", "1980-05-17", "19800517", "1980-05-18", "昨天"],
    "民族": ["蒙古族", "02", "2", "蒙族", "", "火星族"],
    "与户主关系": ["户主", "02", "10", "", "邻居"],
    "居住情况": ["人户一致", "流动人口", "consistent", "", "到处住"],
    "文化程度": ["", "大学本科", "20", "博士后"],
    "婚姻状况": ["", "已婚", "20", "未婚未育"],
    "政治面貌": ["", "中共党员", "01", "13", "群众", "无党"],
    "户籍地区划代码": ["", "152201", "15", "1", "15A201", "1522010010011"],
    "联系电话": ["", "13812345678", "+86 138-1234-5678", "123", "电话", "0482-8261234"],
    "户号": ["H-1", "", "H" * 33],
}


def cases() -> list[dict[str, str]]:
    """Each variation alone on the base row, then some pairs of variations."""
    rows = []
    for header, values in VARIATIONS.items():
        for value in values:
            rows.append({**BASE, header: value})
    headers = list(VARIATIONS)
    for first, second in itertools.combinations(headers, 2):
        for a, b in itertools.product(VARIATIONS[first][:3], VARIATIONS[second][:3]):
            rows.append({**BASE, first: a, second: b})
    return rows


@pytest.mark.django_db
def test_every_variation_is_decided_as_the_full_checks_decide_it(monkeypatch: Any) -> None:
    rows = cases()
    assert len(rows) > 500
    quick_settled = 0
    for values in rows:
        expected = outcome(values, quick=False, monkeypatch=monkeypatch)
        got = outcome(values, quick=True, monkeypatch=monkeypatch)
        assert got == expected, values
        quick_settled += importing._quick_fields(make_row(values))
    # The quick path is taken for the valid common forms, not just never.
    assert quick_settled > 100


@pytest.mark.django_db
def test_synthetic_rows_are_decided_as_the_full_checks_decide_them(monkeypatch: Any) -> None:
    rows = list(
        population_rows(300, 11, ["152201001001", "152201001002"], today=date(2026, 11, 29))
    )
    for values in rows:
        expected = outcome(values, quick=False, monkeypatch=monkeypatch)
        assert expected["errors"] == {}
        assert outcome(values, quick=True, monkeypatch=monkeypatch) == expected
        assert importing._quick_fields(make_row(values))
