"""Citizen ID validation: 1,420,000 synthetic numbers, the league's population.

Runs ``gongzhi.core.idcard`` without a database and prints one JSON line. The numbers are
made by ``generate_citizen_id`` over the league's six county-level codes, birth dates
from 1925 to today and both sexes (``generate_per_s``). Every timed section parses every
number once and keeps nothing, as a streaming import does; the machine is shared, so
each section reports the best of three runs except the slow naive one, which runs once.

- ``parse_citizen_id_per_s``: ``parse_citizen_id(n, today=today)`` — normalising, length,
  characters, address code, birth date, check character and the ``CitizenId`` — with the
  date passed once, as the import passes it.
- ``parse_citizen_id_default_today_per_s``: the same without ``today`` (the module keeps
  the local date until midnight).
- ``parse_document_per_s``: ``parse_document(DocumentType.CITIZEN_ID, n, today=today)``,
  which also refuses residence-permit and foreigner numbers under the wrong type.
- ``naive_per_s``: the straightforward version written inline below: a regular expression,
  ``datetime.strptime`` and the weighted sum in a Python loop.
- ``citizen_id_dataclass_only_per_s``: constructing the frozen ``CitizenId`` alone, one per
  number: the share of the parse that is the result object rather than the checks.
- ``limit_checksum_only_per_s``: a bare loop computing only the check character (by the
  same base-13 ``int()`` the module uses) and comparing it: no normalising, no date, no
  object. What validation costs at the least in CPython.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402  (after the path is set)

django.setup()

from django.utils import timezone  # noqa: E402

from gongzhi.core.idcard import (  # noqa: E402
    CHECK_CHARACTERS,
    PROVINCE_CODES,
    WEIGHTS,
    CitizenId,
    DocumentType,
    generate_citizen_id,
    parse_citizen_id,
    parse_document,
)

IDS = 1_420_000
REPEATS = 3
SEED = 20261129


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def county_codes() -> list[str]:
    with (ROOT / "data" / "xingan_divisions.csv").open(encoding="utf-8", newline="") as handle:
        return [row["code"][:6] for row in csv.DictReader(handle) if row["level"] == "2"]


def generate(today: date) -> list[str]:
    rng = random.Random(SEED)
    counties = county_codes()
    first = date(1925, 1, 1).toordinal()
    span = today.toordinal() - first
    return [
        generate_citizen_id(
            rng,
            address_code=rng.choice(counties),
            birth_date=date.fromordinal(first + rng.randrange(span + 1)),
            sex=rng.choice("12"),
        )
        for _ in range(IDS)
    ]


NAIVE_PATTERN = r"^\d{6}(\d{8})\d{3}[\dX]$"


def naive_parse(value: str) -> dict[str, object]:
    """How ID validation is usually written: a pattern, strptime and a weighted sum."""
    value = value.strip().upper()
    match = re.match(NAIVE_PATTERN, value)
    if not match:
        raise ValueError("证件号码格式不对")
    if value[:2] not in PROVINCE_CODES:
        raise ValueError("地址码无效")
    birth = datetime.strptime(match.group(1), "%Y%m%d").date()
    if birth.year < 1900 or birth > date.today():
        raise ValueError("出生日期无效")
    total = sum(int(value[i]) * WEIGHTS[i] for i in range(17))
    if CHECK_CHARACTERS[total % 11] != value[17]:
        raise ValueError("校验码错误")
    return {"number": value, "birth_date": birth, "sex": "1" if int(value[16]) % 2 else "2"}


def limit_checksum_only(ids: list[str]) -> int:
    bad = 0
    for number in ids:
        if CHECK_CHARACTERS[(2 * int(number[:17], 13)) % 11] != number[17]:
            bad += 1
    return bad


def best_of(repeats: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    load_before = os.getloadavg()[0]
    today = timezone.localdate()
    log(f"generating {IDS:,} numbers")
    started = time.perf_counter()
    ids = generate(today)
    generate_s = time.perf_counter() - started

    # The fast and the naive parser must agree on every number before anything is timed.
    for number in ids[:: max(1, IDS // 20_000)]:
        ours = parse_citizen_id(number, today=today)
        theirs = naive_parse(number)
        assert (ours.birth_date, ours.sex) == (theirs["birth_date"], theirs["sex"]), number

    def ours_with_today() -> None:
        for number in ids:
            parse_citizen_id(number, today=today)

    def ours_default_today() -> None:
        for number in ids:
            parse_citizen_id(number)

    def ours_document() -> None:
        citizen = DocumentType.CITIZEN_ID
        for number in ids:
            parse_document(citizen, number, today=today)

    def dataclass_only() -> None:
        born = date(1990, 1, 1)
        for number in ids:
            CitizenId(number, "152201", born, "1", False)

    def naive() -> None:
        for number in ids:
            naive_parse(number)

    log("timing parse_citizen_id")
    ours_s = best_of(REPEATS, ours_with_today)
    log("timing parse_citizen_id without today")
    default_s = best_of(REPEATS, ours_default_today)
    log("timing parse_document")
    document_s = best_of(REPEATS, ours_document)
    log("timing the CitizenId dataclass alone")
    dataclass_s = best_of(REPEATS, dataclass_only)
    log("timing the naive parser (once)")
    naive_s = best_of(1, naive)
    log("timing the checksum-only loop")
    assert limit_checksum_only(ids) == 0
    limit_s = best_of(REPEATS, lambda: limit_checksum_only(ids))

    def rate(seconds: float) -> int:
        return round(IDS / seconds)

    print(
        json.dumps(
            {
                "bench": "idcard",
                "ids": IDS,
                "generate_per_s": rate(generate_s),
                "parse_citizen_id_per_s": rate(ours_s),
                "parse_citizen_id_s": round(ours_s, 3),
                "parse_citizen_id_us_per_id": round(ours_s / IDS * 1e6, 3),
                "parse_citizen_id_default_today_per_s": rate(default_s),
                "parse_document_per_s": rate(document_s),
                "citizen_id_dataclass_only_per_s": rate(dataclass_s),
                "naive_per_s": rate(naive_s),
                "naive_s": round(naive_s, 3),
                "limit_checksum_only_per_s": rate(limit_s),
                "speedup_over_naive": round(naive_s / ours_s, 2),
                "fraction_of_limit": round(limit_s / ours_s, 3),
                "load_avg_1m_before": round(load_before, 2),
                "python": platform.python_version(),
                "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
