"""Residents CSV import, end to end, beside a per-row ORM loop and a bare executemany.

    .venv/bin/python bench/bench_import_residents.py [--rows 100000] [--sample 2000]
        [--url sqlite:////tmp/gongzhi_bench_import.sqlite3]

Generates ``--rows`` synthetic residents (valid checksummed IDs whose address and birth
codes agree, ~2.6 people a household, ~41 % Mongol) over the real communities and grids
as a CSV with the template's headers, migrates a fresh SQLite database (the file is
deleted first) and loads the division tree, then measures:

- ``import``: ``do_import_residents`` on the whole file (validation, encryption, blind
  and tail indexes, households, batched writes), rows/s and peak RSS;
- ``orm_save``: (a) a per-row ``do_register_resident`` loop (one household per row,
  ``save()`` each) on the first ``--sample`` rows of a second synthetic file, rows/s;
- ``executemany``: (c) the limit — the file's raw text rows into a plain table with one
  ``executemany`` per batch, rows/s.

Prints one JSON line with the three rates and the ratios. PostgreSQL: pass a
``postgres://`` URL (the database is created if missing, never a ``test_`` one).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import log, prepare_database, setup_django

DEFAULT_SQLITE = f"sqlite:///{tempfile.gettempdir()}/gongzhi_bench_import.sqlite3"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(
    path: Path, rows: int, seed: int, places: list[str], prefix: str, address: str = "152201"
) -> None:
    from gongzhi.core.idcard import generate_citizen_id
    from gongzhi.residents.importing import COLUMNS

    rng = random.Random(seed)
    headers = list(COLUMNS)
    ethnicities = ["蒙古族"] * 41 + ["汉族"] * 55 + ["满族"] * 2 + ["回族"] * 2
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗包宝白乌"
    given = "丽华明强军伟芳娜敏静秀英巴特尔其格图雅乌兰苏和朝鲁"
    situations = ["人户一致"] * 8 + ["人在户不在", "流动人口"]
    written = 0
    household = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        while written < rows:
            household += 1
            place = places[household % len(places)]
            size = min(rows - written, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))
            for member in range(size):
                sex = rng.choice("12")
                birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 70))
                values = {
                    "姓名": rng.choice(surnames)
                    + "".join(rng.choices(given, k=rng.choice((1, 2)))),
                    "证件号码": generate_citizen_id(
                        rng, address_code=address, birth_date=birth, sex=sex
                    ),
                    "民族": rng.choice(ethnicities),
                    "户号": f"{prefix}{household:08d}",
                    "与户主关系": "户主" if member == 0 else rng.choice(("10", "20", "30")),
                    "所在区划代码": place,
                    "居住情况": rng.choice(situations),
                    "性别": "男" if sex == "1" else "女",
                    "出生日期": birth.isoformat(),
                    "联系电话": f"13{rng.randrange(10**9):09d}" if rng.random() < 0.6 else "",
                    "政治面貌": rng.choice(("群众", "群众", "群众", "中共党员", "共青团员")),
                    "户籍地区划代码": "152201",
                }
                writer.writerow([values.get(name, "") for name in headers])
                written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--url", default=DEFAULT_SQLITE)
    args = parser.parse_args()

    if args.url.startswith("sqlite:///"):
        Path(args.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    prepare_database(args.url)
    setup_django(args.url)

    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection, transaction

    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Level, Region
    from gongzhi.residents.actions import do_register_household, do_register_resident
    from gongzhi.residents.importing import do_import_residents

    log("migrating")
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, region_code__startswith="152201")
        .order_by("region_code")
        .values_list("region_code", flat=True)
    )
    work = Path(tempfile.mkdtemp(prefix="gongzhi-bench-import-"))
    path = work / "residents.csv"
    log(f"generating {args.rows:,} rows over {len(communities)} communities")
    generate(path, args.rows, args.seed, communities, "B")
    size_mb = path.stat().st_size / 1e6

    # (c) the limit: the raw text rows into a plain table, executemany per batch.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_rows")
        cursor.execute(
            "CREATE TABLE bench_raw_rows (" + ", ".join(f"c{i} text" for i in range(19)) + ")"
        )
    placeholders = ", ".join(["%s"] * 19)
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch: list[list[str]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            for cells in reader:
                batch.append(cells)
                if len(batch) >= 2000:
                    cursor.executemany(f"INSERT INTO bench_raw_rows VALUES ({placeholders})", batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO bench_raw_rows VALUES ({placeholders})", batch)
    raw_seconds = time.perf_counter() - started

    # The import, end to end.
    log("importing")
    started = time.perf_counter()
    summary = do_import_residents(path, actor=None, error_path=work / "errors.csv")
    import_seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    if summary.created != args.rows:
        log(f"warning: {summary.rejected} rows rejected, see {summary.error_file}")
    log("re-importing (idempotence)")
    started = time.perf_counter()
    again = do_import_residents(path, actor=None, error_path=work / "errors2.csv")
    reimport_seconds = time.perf_counter() - started

    # (a) per-row ORM saves through the actions, on a sample of fresh rows.
    sample_path = work / "sample.csv"
    generate(sample_path, args.sample, args.seed + 1, communities, "S", address="152202")
    region_by_code = {r.region_code: r for r in Region.objects.filter(region_code__in=communities)}
    log(f"per-row ORM loop on {args.sample:,} rows")
    started = time.perf_counter()
    done = 0
    with sample_path.open(encoding="utf-8", newline="") as handle:
        for values in csv.DictReader(handle):
            try:
                household = do_register_household(
                    community=region_by_code[values["所在区划代码"]], actor=None
                )
                do_register_resident(
                    household=household,
                    relationship="户主",
                    name=values["姓名"],
                    id_number=values["证件号码"],
                    ethnicity=values["民族"],
                    sex=values["性别"],
                    birth_date=values["出生日期"],
                    phone=values["联系电话"],
                    political_status=values["政治面貌"],
                    registered_region_code=values["户籍地区划代码"],
                    residence_situation=values["居住情况"],
                    actor=None,
                )
            except ValidationError:  # a synthetic ID drawn twice: not counted
                continue
            done += 1
    orm_seconds = time.perf_counter() - started

    import_rate = args.rows / import_seconds
    orm_rate = done / orm_seconds
    raw_rate = args.rows / raw_seconds
    print(
        json.dumps(
            {
                "bench": "import_residents",
                "database": connection.vendor,
                "rows": args.rows,
                "file_mb": round(size_mb, 1),
                "import_rows_per_s": round(import_rate),
                "import_seconds": round(import_seconds, 2),
                "created": summary.created,
                "rejected": summary.rejected,
                "reimport_unchanged": again.unchanged,
                "reimport_rows_per_s": round(args.rows / reimport_seconds),
                "peak_rss_mb": round(peak, 1),
                "orm_save_rows_per_s": round(orm_rate),
                "orm_save_sample": done,
                "executemany_rows_per_s": round(raw_rate),
                "import_vs_orm_save": round(import_rate / orm_rate, 1),
                "import_vs_executemany": round(import_rate / raw_rate, 3),
                "python": sys.version.split()[0],
                "pid": os.getpid(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
