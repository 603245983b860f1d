"""National code tables (DESIGN rule 6), read from the copies in ``data/codes/``.

Each table is a CSV whose first two columns are ``code,name``; some carry more
(``letter_code,romanization`` for ethnicity, ``short_name`` for political status). A
:class:`CodeTable` reads its file once, on first use, and answers from dictionaries:

- ``choices`` — ``(code, label)`` pairs for forms;
- ``name(code)`` — the standard's full name; ``label(code)`` — the usual label (the short
  name where the standard has one: 中共党员 rather than 中国共产党党员);
- ``lookup(value)`` — the code for a code, a name or a common short form, as imports and
  the API receive them (民族 ``02``, ``2``, ``蒙古族``, ``蒙古`` → ``02``), raising
  :class:`CodeError` with a Chinese message otherwise; ``find(value)`` returns ``None``.

Models use the module's ``*_choices`` functions as field ``choices``, so that a newer
table needs no migration (a migration stores a reference to the function, not the list).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

CODES_DIR = Path(settings.BASE_DIR) / "data" / "codes"

SEX_MALE = "1"
SEX_FEMALE = "2"


class CodeError(ValueError):
    """A value that is neither a code nor a name of a national code table."""

    def __init__(self, table: CodeTable, value: str) -> None:
        self.table = table
        self.value = value
        if value.strip():
            shown = value if len(value) <= 20 else value[:20] + "…"
            self.message = gettext("%(field)s“%(value)s”不在 %(standard)s 代码表中") % {
                "field": table.field,
                "value": shown,
                "standard": table.standard,
            }
        else:
            self.message = gettext("%(field)s不能为空") % {"field": table.field}
        super().__init__(self.message)


# Full-width digits and letters (typed with a Chinese input method) become ASCII; blanks go.
_KEY_TABLE: dict[int, int | None] = {code + 0xFEE0: code for code in range(0x21, 0x7F)}
_KEY_TABLE.update({ord(blank): None for blank in " \t\n\r\u00a0\u3000\u200b\ufeff"})


def _key(value: str) -> str:
    return value.translate(_KEY_TABLE).upper()


class CodeTable:
    """One national code table, read on first use and answered from dictionaries."""

    def __init__(
        self,
        slug: str,
        *,
        field: str | Promise,
        standard: str,
        aliases: Mapping[str, str] | None = None,
        unpadded_codes: bool = False,
        strip_suffix: str = "",
    ) -> None:
        """
        ``slug`` is the file name in ``data/codes`` without ``.csv``; ``field`` the Chinese
        name of what the code records (民族), used in messages; ``standard`` the
        standard's number. ``aliases`` maps common forms to codes. ``unpadded_codes``
        accepts a code without its leading zero (``2`` for ``02``); ``strip_suffix``
        accepts names without that ending (``蒙古`` for ``蒙古族``).
        """
        self.slug = slug
        self.field = field
        self.standard = standard
        self._aliases = dict(aliases or {})
        self._unpadded_codes = unpadded_codes
        self._strip_suffix = strip_suffix

    def __repr__(self) -> str:
        return f"<CodeTable {self.slug} ({self.standard})>"

    @property
    def path(self) -> Path:
        return CODES_DIR / f"{self.slug}.csv"

    @cached_property
    def rows(self) -> tuple[dict[str, str], ...]:
        """The file's rows as read (values stripped), in file order."""
        with self.path.open(encoding="utf-8", newline="") as handle:
            return tuple(
                {column: (text or "").strip() for column, text in row.items()}
                for row in csv.DictReader(handle)
            )

    @cached_property
    def names(self) -> dict[str, str]:
        """``{code: name}`` in file order."""
        return {row["code"]: row["name"] for row in self.rows}

    @cached_property
    def labels(self) -> dict[str, str]:
        """``{code: label}``: the short name where the table has one, else the name."""
        return {row["code"]: row.get("short_name") or row["name"] for row in self.rows}

    @cached_property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.labels.items())

    @cached_property
    def _index(self) -> dict[str, str]:
        """Every accepted spelling (as :func:`_key` writes it) → code.

        Spellings are added tier by tier: codes, then names, then short forms. A spelling
        keeps its first meaning; one that two codes claim within a tier is left out, since
        guessing between them would store a wrong code without a word.
        """
        tiers: list[list[tuple[str, str]]] = [
            [(code, code) for code in self.names],
            [(row["name"], row["code"]) for row in self.rows],
            list(self._short_forms()),
        ]
        index: dict[str, str] = {}
        for tier in tiers:
            claims: dict[str, set[str]] = {}
            for spelling, code in tier:
                if spelling:
                    claims.setdefault(_key(spelling), set()).add(code)
            for spelling, codes in claims.items():
                if spelling not in index and len(codes) == 1:
                    index[spelling] = codes.pop()
        return index

    def _short_forms(self) -> Iterable[tuple[str, str]]:
        for row in self.rows:
            code, name = row["code"], row["name"]
            if self._unpadded_codes and code.startswith("0"):
                yield code.lstrip("0"), code
            for column in ("short_name", "letter_code", "romanization"):
                if row.get(column):
                    yield row[column], code
            if self._strip_suffix and name.endswith(self._strip_suffix):
                yield name.removesuffix(self._strip_suffix), code
        for alias, code in self._aliases.items():
            if code not in self.names:
                raise ValueError(f"alias {alias!r} of {self.slug} points at unknown code {code}")
            yield alias, code

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, code: object) -> bool:
        return code in self.names

    def name(self, code: str) -> str:
        """The standard's name of ``code``; :class:`CodeError` for an unknown code."""
        try:
            return self.names[code]
        except KeyError:
            raise CodeError(self, code) from None

    def label(self, code: str) -> str:
        """The usual label of ``code`` (the short name where there is one)."""
        try:
            return self.labels[code]
        except KeyError:
            raise CodeError(self, code) from None

    def find(self, value: str | int) -> str | None:
        """The code for a code, a name or a short form; ``None`` when there is none."""
        text = str(value)
        index = self._index
        code = index.get(text)
        if code is None:
            code = index.get(_key(text))
        return code

    def lookup(self, value: str | int) -> str:
        """The code for a code, a name or a short form; :class:`CodeError` otherwise."""
        code = self.find(value)
        if code is None:
            raise CodeError(self, str(value))
        return code


SEX = CodeTable(
    "sex_gbt2261_1",  # GB/T 2261.1-2003 人的性别代码
    field=gettext_lazy("性别"),
    standard="GB/T 2261.1",
    aliases={"男性": "1", "女性": "2", "未知": "0", "未说明": "9"},
)
ETHNICITY = CodeTable(
    "ethnicity_gb3304",  # GB 3304-91 民族名称的罗马字母拼写法和代码
    field=gettext_lazy("民族"),
    standard="GB 3304",
    unpadded_codes=True,
    strip_suffix="族",  # 蒙古 → 蒙古族, 汉 → 汉族
    aliases={"蒙族": "02"},  # the everyday short form in Inner Mongolia
)
MARITAL_STATUS = CodeTable(
    "marital_gbt2261_2",  # GB/T 2261.2-2003 婚姻状况代码
    field=gettext_lazy("婚姻状况"),
    standard="GB/T 2261.2",
    aliases={"离异": "40", "未说明": "90"},
)
RELATIONSHIP = CodeTable(
    # GB/T 4761-2008 家庭关系代码. Codes keep their leading zero: "2" is the standard's
    # group code for 子 (sons), not 02 户主, so an unpadded code would be ambiguous.
    "relationship_gbt4761",
    field=gettext_lazy("与户主关系"),
    standard="GB/T 4761",
    aliases={
        "儿子": "20",
        "女儿": "30",
        "丈夫": "11",
        "妻子": "12",
        "父": "51",
        "母": "52",
        "哥哥": "71",
        "弟弟": "73",
        "姐": "75",
        "妹": "77",
    },
)
EDUCATION = CodeTable(
    # GB/T 4658-2006 学历代码: tens are the level (20 大学本科教育), units the completion.
    # A bare level word maps to the level code, which claims no completion; 博士 and 硕士
    # name the degree, which is held on graduation. 文盲/半文盲 were code 90 in the 1984
    # edition (文化程度), which the 2006 edition's 90 其他 replaced.
    "education_gbt4658",
    field=gettext_lazy("文化程度"),
    standard="GB/T 4658",
    strip_suffix="教育",  # 大学本科教育 → 大学本科
    aliases={
        "博士": "11",
        "硕士": "14",
        "本科": "20",
        "大专": "30",
        "专科": "30",
        "中专": "40",
        "中职": "40",
        "职高": "40",
        "技校": "40",
        "高中": "60",
        "初中": "70",
        "文盲": "90",
        "半文盲": "90",
        "文盲或半文盲": "90",
    },
)
POLITICAL_STATUS = CodeTable(
    # GB/T 4762-1984 政治面貌代码; the short names (群众, 中共党员) are the usual labels.
    "political_gbt4762",
    field=gettext_lazy("政治面貌"),
    standard="GB/T 4762",
    unpadded_codes=True,
    aliases={
        "党员": "01",
        "共产党员": "01",
        "预备党员": "02",
        "团员": "03",
        "无党派人士": "12",
        "无党派": "12",
    },
)

TABLES = (SEX, ETHNICITY, MARITAL_STATUS, RELATIONSHIP, EDUCATION, POLITICAL_STATUS)
_BY_SLUG = {table.slug: table for table in TABLES}

# The first version of this module named tables by their file names; the functions below
# take either, and these names stay for their callers.
MARITAL = MARITAL_STATUS
POLITICAL = POLITICAL_STATUS


def _table(table: CodeTable | str) -> CodeTable:
    return table if isinstance(table, CodeTable) else _BY_SLUG[table]


def code_table(table: CodeTable | str) -> dict[str, str]:
    """``{code: name}`` of one table, in file order (shared: do not change it)."""
    return _table(table).names


def name_of(table: CodeTable | str, code: str) -> str:
    """The Chinese name of ``code``, or ``""`` for an unknown code."""
    return _table(table).names.get(code, "")


def code_for(table: CodeTable | str, value: str) -> str | None:
    """The code for a code, a Chinese name or a short form (imports accept each), or ``None``."""
    return _table(table).find(value.strip())


def sex_choices() -> list[tuple[str, str]]:
    return list(SEX.choices)


def ethnicity_choices() -> list[tuple[str, str]]:
    return list(ETHNICITY.choices)


def marital_status_choices() -> list[tuple[str, str]]:
    return list(MARITAL_STATUS.choices)


def relationship_choices() -> list[tuple[str, str]]:
    return list(RELATIONSHIP.choices)


def education_choices() -> list[tuple[str, str]]:
    return list(EDUCATION.choices)


def political_status_choices() -> list[tuple[str, str]]:
    return list(POLITICAL_STATUS.choices)
