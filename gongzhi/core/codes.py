"""National code tables (DESIGN rule 6), read from the copies in ``data/codes/``.

Each table is a CSV whose first two columns are ``code,name``. Tables are read once per
process. Models use the ``*_choices`` callables as field ``choices`` so that a newer table
needs no migration.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.conf import settings

CODES_DIR = Path(settings.BASE_DIR) / "data" / "codes"

SEX = "sex_gbt2261_1"  # GB/T 2261.1-2003 人的性别代码
ETHNICITY = "ethnicity_gb3304"  # GB 3304-91 民族名称的罗马字母拼写法和代码
MARITAL = "marital_gbt2261_2"  # GB/T 2261.2-2003 婚姻状况代码
RELATIONSHIP = "relationship_gbt4761"  # GB/T 4761-2008 家庭关系代码
EDUCATION = "education_gbt4658"  # GB/T 4658-2006 学历代码
POLITICAL = "political_gbt4762"  # GB/T 4762-1984 政治面貌代码

SEX_MALE = "1"
SEX_FEMALE = "2"


@cache
def code_table(table: str) -> dict[str, str]:
    """``{code: name}`` of one table, in file order."""
    with (CODES_DIR / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(handle)}


def name_of(table: str, code: str) -> str:
    """The Chinese name of ``code``, or ``""`` for an unknown code."""
    return code_table(table).get(code, "")


def code_for(table: str, value: str) -> str | None:
    """The code for a code or a Chinese name (imports accept either), or ``None``."""
    value = value.strip()
    entries = code_table(table)
    if value in entries:
        return value
    for code, name in entries.items():
        if name == value:
            return code
    return None


def sex_choices() -> list[tuple[str, str]]:
    return list(code_table(SEX).items())


def ethnicity_choices() -> list[tuple[str, str]]:
    return list(code_table(ETHNICITY).items())
