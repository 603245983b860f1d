"""Residents import, end to end, beside the common Django alternatives and the database's limit.

    .venv/bin/python bench/bench_import_residents.py [--rows 1420000] [--sample 2000]
        [--xlsx-rows 200000] [--skip-xlsx] [--seed 20260101]
        [--url sqlite:////tmp/gongzhi_bench_import.sqlite3 | postgres://…/gongzhi_bench_import]

One synthetic population file (``gongzhi.residents.synthetic.write_population_csv``: the
real communities of the whole league, ~2.6 people a household, ~41 % Mongol, valid IDs)
of ``--rows`` residents, and on it, side by side in one run:

- ``import``: ``do_import_residents`` on the whole file into an empty registry
  (validation, encryption, blind and tail indexes, households, tags, batched writes; bulk
  mode — secondary indexes rebuilt after the rows — when the file has more than
  ``importing.BULK_MIN_ROWS`` rows), then the same file again (idempotence: all unchanged);
- (a) ``orm_save``: the first ``--sample`` rows through ``do_register_household`` /
  ``do_register_resident``, one row at a time (what a hand-written loop over the actions
  does);
- (b) ``import_export``: django-import-export's ``ModelResource.import_data`` on the first
  ``--sample`` rows, into a bench-only plain model of the 19 template columns as text (it
  cannot run the registry's validation or encryption), with and without ``use_bulk``;
- (c) the limit: the raw text rows, one ``executemany`` per 2,000-row batch, into a plain
  table without indexes (``executemany_plain``); (c2) rows shaped like stored residents
  (random hex where the registry stores ciphertext and HMACs) into a copy of the residents
  table carrying all of its indexes (``executemany_indexed``: what index maintenance alone
  costs); (c4) the same into a copy whose secondary indexes are built after the rows
  (``executemany_deferred``: the limit of the import's bulk mode, whatever Python does);
  (c3, PostgreSQL) the raw rows by ``COPY`` into the plain table;
- ``xlsx``: the first ``--xlsx-rows`` rows as an .xlsx (openpyxl, write-only) and as a
  CSV, each imported into an emptied registry: rows/s and the ratio.

Prints one JSON line (fields in ``bench/README.md``); progress goes to stderr. SQLite: the
file of ``--url`` is deleted first. PostgreSQL: the database is created if missing (never a
``test_`` one); its name must contain ``bench`` because the run empties its residents.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from _common import log, prepare_database, setup_django

DEFAULT_SQLITE = f"sqlite:///{tempfile.gettempdir()}/gongzhi_bench_import.sqlite3"
BATCH = 2000
PLAIN_TABLE = "bench_raw_rows"
INDEXED_TABLE = "bench_indexed_resident"
IE_TABLE = "bench_ie_resident"
NOTES = {
    "import": "do_import_residents, end to end: every row validated (ID checksum, codes, "
    "places, duplicates, existing records), ID and phone encrypted, blind and tail indexes, "
    "pinyin, households and tags created, batches committed; into an empty registry.",
    "orm_save": "(a) do_register_household (first member of each 户号) and "
    "do_register_resident per row: the same validation and encryption, one transaction, "
    "permission check and ledger event per action.",
    "import_export": "(b) django-import-export ModelResource.import_data (use_transactions, "
    "not a dry run, import_id_fields = ID number so a re-import updates) into a plain model "
    "of the 19 template columns as text with one index (on the ID number): no validation, "
    "no encryption, no blind indexes, no households — less work per row than the import. "
    "Timed: loading the tablib Dataset from the CSV text and import_data.",
    "executemany_plain": "(c) the raw CSV text rows, one executemany per 2,000-row batch, "
    "one transaction, into a 19-column text table without indexes: the database's limit "
    "for these rows through the driver.",
    "executemany_indexed": "(c2) the same number of rows shaped like stored residents "
    "(random hex of the stored lengths for ciphertext, blind and tail indexes) into a copy "
    "of the residents table with all its indexes, row-at-a-time index maintenance: what the "
    "import would cost without bulk mode if preparing rows were free. No households or tags.",
    "executemany_deferred": "(c4) the same rows into a copy of the residents table that has "
    "only its unique indexes while they go in; the other indexes are built after them "
    "(timed, with ANALYZE): the limit of the import's bulk mode if preparing rows were free.",
    "copy_plain": "(c3, PostgreSQL) the raw rows by COPY FROM STDIN (psycopg write_row) "
    "into the plain table.",
    "xlsx": "the first xlsx_rows rows as .xlsx (openpyxl write-only, text cells) and as CSV, "
    "each imported into an emptied registry; xlsx_vs_csv = xlsx seconds / CSV seconds.",
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_population(path: Path, rows: int, seed: int, communities: list[str]) -> None:
    from django.utils import timezone

    from gongzhi.residents.synthetic import write_population_csv

    write_population_csv(path, rows, seed, communities, today=timezone.localdate(), prefix="B")


def generate(path: Path, rows: int, seed: int, communities: list[str]) -> float:
    """Write the population file in a child process, so its memory is not the import's peak."""
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    child = multiprocessing.get_context("fork").Process(
        target=_write_population, args=(path, rows, seed, communities)
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"generating the population failed (exit code {child.exitcode})")
    return time.perf_counter() - started


def csv_rows(path: Path, limit: int | None = None) -> Iterator[list[str]]:
    """The file's data rows (header skipped), at most ``limit``."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from islice(reader, limit)


def batches(rows: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    while batch := list(islice(rows, size)):
        yield batch


def registry_tables() -> list[str]:
    """Tables holding residents, households and rows that point at them."""
    from django.db.models import ForeignKey, ManyToManyField

    from gongzhi.residents.models import Household, Resident

    tables = [Resident._meta.db_table, Household._meta.db_table]
    for model in (Resident, Household):
        for field in model._meta.get_fields():
            if isinstance(field, ManyToManyField):
                tables.append(field.m2m_db_table())
            elif field.auto_created and not field.concrete:
                related = field.related_model
                if related is not None and isinstance(getattr(field, "field", None), ForeignKey):
                    tables.append(related._meta.db_table)
    return list(dict.fromkeys(tables))


def clear_registry() -> None:
    """Empty the residents registry (raw SQL, fast): a fresh state for the next import."""
    from django.db import connection

    tables = registry_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(quote(t) for t in tables) + " CASCADE")
        else:
            # Without foreign-key checks a DELETE without WHERE empties a table at once.
            cursor.execute("PRAGMA foreign_keys = OFF")
            try:
                for table in tables:
                    cursor.execute("DELETE FROM " + quote(table))
            finally:
                cursor.execute("PRAGMA foreign_keys = ON")


def drop_table(name: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS " + connection.ops.quote_name(name))


# --- (c) the limit ----------------------------------------------------------------------


def bench_executemany_plain(path: Path) -> float:
    """The raw rows into a 19-column text table without indexes; seconds."""
    from django.db import connection, transaction

    drop_table(PLAIN_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PLAIN_TABLE} (" + ", ".join(f"c{i} text" for i in range(19)) + ")"
        )
    insert = f"INSERT INTO {PLAIN_TABLE} VALUES ({', '.join(['%s'] * 19)})"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in batches(csv_rows(path)):
            cursor.executemany(insert, batch)
    seconds = time.perf_counter() - started
    drop_table(PLAIN_TABLE)
    return seconds


def bench_copy_plain(path: Path) -> float:
    """(c3, PostgreSQL) the raw rows by COPY into the plain table; seconds."""
    from django.db import connection, transaction

    drop_table(PLAIN_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PLAIN_TABLE} (" + ", ".join(f"c{i} text" for i in range(19)) + ")"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {PLAIN_TABLE} FROM STDIN") as copy:
            for row in csv_rows(path):
                copy.write_row(row)
    seconds = time.perf_counter() - started
    drop_table(PLAIN_TABLE)
    return seconds


_INDEX_HEAD = re.compile(
    r'^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"[^"]+"|\S+)\s+ON\s+'
    r'(?:(?:"?\w+"?)\.)?"?(\w+)"?',
    re.IGNORECASE,
)


def index_definitions(table: str, copy: str) -> list[str]:
    """Every index of ``table`` (catalogue definitions) rewritten for ``copy``, renamed."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s "
                "AND schemaname = current_schema() ORDER BY indexname",
                [table],
            )
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        definitions = [sql for (sql,) in cursor.fetchall()]
    rewritten = []
    for number, sql in enumerate(definitions):
        match = _INDEX_HEAD.match(sql.strip())
        if match is None or match.group(2) != table:
            raise SystemExit(f"cannot read the index definition {sql!r}")
        unique = "UNIQUE " if match.group(1) else ""
        rewritten.append(
            f"CREATE {unique}INDEX bench_ix_{number} ON {copy}" + sql.strip()[match.end() :]
        )
    return rewritten


def stored_shape() -> dict[str, int]:
    """Lengths of what the registry stores for an 18-digit ID and an 11-digit phone."""
    from gongzhi.core.pii import encrypt
    from gongzhi.residents.models import ID_PURPOSE, PHONE_PURPOSE

    return {
        "id_token": len(encrypt("152201199001011234", purpose=ID_PURPOSE)),
        "phone_token": len(encrypt("13812345678", purpose=PHONE_PURPOSE)),
        "index": 32,
        "tail": 16,
        "pinyin": 12,
        "initials": 3,
    }


def bench_executemany_indexed(path: Path, *, deferred: bool = False) -> tuple[float, int, float]:
    """(c2) rows shaped like stored residents into an indexed copy; (seconds, indexes,
    seconds of the index build). ``deferred`` (c4): only the unique indexes exist while
    the rows go in, the others are built after them and their build is timed too."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gongzhi.regions.models import Level, Region
    from gongzhi.residents.enums import HOUSEHOLDER, ResidentStatus
    from gongzhi.residents.importing import COLUMNS
    from gongzhi.residents.models import Resident

    source = Resident._meta.db_table
    drop_table(INDEXED_TABLE)
    definitions = index_definitions(source, INDEXED_TABLE)
    later = [sql for sql in definitions if deferred and not sql.startswith("CREATE UNIQUE")]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {INDEXED_TABLE} AS SELECT * FROM {source} WHERE 1 = 0")
        for sql in definitions:
            if sql not in later:
                cursor.execute(sql)
    fields = Resident._meta.concrete_fields
    columns = [str(field.column) for field in fields]
    position = {column: index for index, column in enumerate(columns)}
    now = timezone.now().isoformat(sep=" ")
    template: list[Any] = []
    for field in fields:
        if field.null:
            template.append(None)
        elif field.get_internal_type() == "BooleanField":
            template.append(field.default)
        elif field.get_internal_type() in ("DateTimeField",):
            template.append(now)
        else:
            template.append("")
    template[position["doc_type"]] = Resident._meta.get_field("doc_type").default
    template[position["status"]] = ResidentStatus.ACTIVE.value
    template[position["residence_situation"]] = "consistent"
    community_ids = dict(
        Region.objects.filter(level=Level.COMMUNITY).values_list("region_code", "id")
    )
    head = {name: index for index, name in enumerate(COLUMNS)}
    shape = stored_shape()
    # Where each random value sits in one row's string of hex digits.
    layout: dict[str, slice] = {}
    offset = 0
    for column, length in (
        ("name_pinyin", shape["pinyin"]),
        ("name_initials", shape["initials"]),
        ("id_number", shape["id_token"]),
        ("id_number_index", shape["index"]),
        ("id_tail4", shape["tail"]),
        ("phone", shape["phone_token"]),
        ("phone_index", shape["index"]),
        ("phone_tail4", shape["tail"]),
    ):
        layout[column] = slice(offset, offset + length)
        offset += length
    always = [(position[c], layout[c]) for c in layout if not c.startswith("phone")]
    with_phone = [(position[c], layout[c]) for c in layout if c.startswith("phone")]
    noise_bytes = offset // 2 + 1

    def stored(rows: Iterator[list[str]]) -> Iterator[list[Any]]:
        household = 0
        last_number = ""
        for number, cells in enumerate(rows, start=1):
            if cells[head["户号"]] != last_number:
                last_number = cells[head["户号"]]
                household += 1
            noise = os.urandom(noise_bytes).hex()
            id_number = cells[head["证件号码"]]
            phone = cells[head["联系电话"]]
            place = cells[head["所在区划代码"]]
            row = template.copy()
            for index, where in always:
                row[index] = noise[where]
            row[position["id"]] = number
            row[position["name"]] = cells[head["姓名"]]
            row[position["id_number_masked"]] = id_number[:6] + "********" + id_number[-4:]
            row[position["sex"]] = "1" if cells[head["性别"]] == "男" else "2"
            row[position["birth_date"]] = cells[head["出生日期"]] or None
            row[position["ethnicity"]] = "02" if cells[head["民族"]] == "蒙古族" else "01"
            row[position["political_status"]] = "13"
            if phone:
                for index, where in with_phone:
                    row[index] = noise[where]
                row[position["phone_masked"]] = phone[:3] + "****" + phone[-4:]
            row[position["household_id"]] = household
            row[position["relationship"]] = (
                HOUSEHOLDER if cells[head["与户主关系"]] == "户主" else "10"
            )
            row[position["region_code"]] = place
            row[position["community_id"]] = community_ids.get(place, 0)
            row[position["registered_region_code"]] = cells[head["户籍地区划代码"]]
            yield row

    insert = (
        f"INSERT INTO {INDEXED_TABLE} ({', '.join(connection.ops.quote_name(c) for c in columns)})"
        f" VALUES ({', '.join(['%s'] * len(columns))})"
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in batches(stored(csv_rows(path))):
            cursor.executemany(insert, batch)
    built = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in later:
            cursor.execute(sql)
        if later:
            cursor.execute(f"ANALYZE {INDEXED_TABLE}")
    finished = time.perf_counter()
    drop_table(INDEXED_TABLE)
    return finished - started, len(definitions), finished - built


# --- (b) django-import-export -----------------------------------------------------------


def bench_import_export(path: Path, sample: int) -> dict[str, Any]:
    """django-import-export on the first ``sample`` rows, default and ``use_bulk``."""
    import tablib
    from django.db import connection, models
    from import_export import fields, resources

    from gongzhi.residents.importing import COLUMNS

    attributes: dict[str, Any] = {
        name: models.TextField(blank=True, default="", db_index=name == "id_number")
        for name in COLUMNS.values()
    }
    attributes["__module__"] = __name__
    attributes["Meta"] = type("Meta", (), {"app_label": "core", "db_table": IE_TABLE})
    model: type[models.Model] = type("BenchRawResident", (models.Model,), attributes)

    with path.open(encoding="utf-8", newline="") as handle:
        text = "".join(islice(handle, sample + 1))

    def resource_class(bulk: bool) -> type[resources.ModelResource]:
        declared: dict[str, Any] = {
            name: fields.Field(attribute=name, column_name=header)
            for header, name in COLUMNS.items()
        }
        meta: dict[str, Any] = {
            "model": model,
            "fields": tuple(COLUMNS.values()),
            "import_id_fields": ("id_number",),
        }
        if bulk:
            meta.update(use_bulk=True, batch_size=BATCH)
        declared["Meta"] = type("Meta", (), meta)
        return type("BenchResource", (resources.ModelResource,), declared)

    measured: dict[str, Any] = {}
    for label, bulk in (("import_export", False), ("import_export_bulk", True)):
        with connection.schema_editor() as editor:
            editor.execute("DROP TABLE IF EXISTS " + IE_TABLE)
            editor.create_model(model)
        log(f"django-import-export{' (use_bulk)' if bulk else ''} on {sample:,} rows")
        started = time.perf_counter()
        dataset = tablib.Dataset().load(text, format="csv")
        result = resource_class(bulk)().import_data(dataset, dry_run=False, use_transactions=True)
        seconds = time.perf_counter() - started
        if result.has_errors() or result.has_validation_errors():
            raise SystemExit(f"django-import-export reported errors: {result.totals}")
        measured[f"{label}_rows_per_s"] = round(len(dataset) / seconds)
        measured[f"{label}_new"] = result.totals.get("new", 0)
        measured[f"{label}_stored"] = model._default_manager.count()
        with connection.schema_editor() as editor:
            editor.delete_model(model)
    return measured


# --- (a) per-row ORM loop through the actions -------------------------------------------


def bench_orm_save(path: Path, sample: int) -> tuple[int, float]:
    """The first ``sample`` rows through the actions, row by row; (saved, seconds)."""
    from django.core.exceptions import ValidationError

    from gongzhi.regions.models import Level, Region
    from gongzhi.residents.actions import do_register_household, do_register_resident
    from gongzhi.residents.importing import COLUMNS
    from gongzhi.residents.models import Household, Tag

    regions = {
        region.region_code: region for region in Region.objects.filter(level=Level.COMMUNITY)
    }
    tags = {tag.code: tag for tag in Tag.objects.all()}
    households: dict[str, Household] = {}
    done = 0
    started = time.perf_counter()
    for line, cells in enumerate(csv_rows(path, sample), start=2):
        value = dict(zip(COLUMNS, cells, strict=False))
        try:
            number = value["户号"]
            if number not in households:
                households[number] = do_register_household(
                    community=regions[value["所在区划代码"]], number=number, actor=None
                )
            do_register_resident(
                household=households[number],
                relationship=value["与户主关系"],
                name=value["姓名"],
                id_number=value["证件号码"],
                ethnicity=value["民族"],
                sex=value["性别"],
                birth_date=value["出生日期"],
                phone=value["联系电话"],
                political_status=value["政治面貌"],
                registered_region_code=value["户籍地区划代码"],
                residence_situation=value["居住情况"],
                tags=[tags[code] for code in value["标签"].split(",") if code in tags],
                actor=None,
            )
        except ValidationError as exc:  # counted out, and said, rather than hidden
            log(f"orm_save: line {line} refused: {exc}")
            continue
        done += 1
    return done, time.perf_counter() - started


# --- the import -------------------------------------------------------------------------


@contextmanager
def observing_bulk_mode(seen: list[int]) -> Iterator[None]:
    """Record whether ``do_import_residents`` entered bulk mode (deferred indexes)."""
    from gongzhi.residents import importing

    original = importing.deferred_indexes

    @contextmanager
    def observed(*models: Any) -> Iterator[int]:
        with original(*models) as dropped:
            seen.append(dropped)
            yield dropped

    importing.deferred_indexes = observed
    try:
        yield
    finally:
        importing.deferred_indexes = original


def timed_import(path: Path, errors: Path) -> tuple[Any, float, bool]:
    """(summary, seconds, whether bulk mode applied) of one ``do_import_residents``."""
    from gongzhi.residents.importing import do_import_residents

    seen: list[int] = []
    with observing_bulk_mode(seen):
        started = time.perf_counter()
        summary = do_import_residents(path, actor=None, error_path=errors)
        seconds = time.perf_counter() - started
    return summary, seconds, bool(seen)


def write_xlsx(source: Path, target: Path, rows: int) -> float:
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("居民")
    with source.open(encoding="utf-8", newline="") as handle:
        for cells in islice(csv.reader(handle), rows + 1):
            sheet.append(cells)
    workbook.save(target)
    return time.perf_counter() - started


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return str(cursor.fetchone()[0])
    import sqlite3

    return sqlite3.sqlite_version


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_420_000)
    parser.add_argument("--sample", type=int, default=2_000, help="rows for (a) and (b)")
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--url", default=DEFAULT_SQLITE)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    sample = min(args.sample, args.rows)

    if args.url.startswith("sqlite:///"):
        Path(args.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif "bench" not in args.url.rsplit("/", 1)[-1]:
        raise SystemExit("the run empties the residents registry: use a database named *bench*")
    prepare_database(args.url)
    setup_django(args.url)

    from django.core.management import call_command
    from django.db import connection

    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Level, Region
    from gongzhi.residents.importing import BULK_MIN_ROWS

    log("migrating")
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    clear_registry()
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY)
        .order_by("region_code")
        .values_list("region_code", flat=True)
    )
    work = Path(tempfile.mkdtemp(prefix="gongzhi-bench-import-"))
    try:
        path = work / "residents.csv"
        log(f"generating {args.rows:,} rows over {len(communities)} communities")
        generate_seconds = generate(path, args.rows, args.seed, communities)
        size_mb = path.stat().st_size / 1e6
        out: dict[str, Any] = {
            "bench": "import_residents",
            "database": connection.vendor,
            "database_version": database_version(),
            "python": sys.version.split()[0],
            "load_avg_1m_before": round(load_before, 2),
            "rows": args.rows,
            "sample": sample,
            "file_mb": round(size_mb, 1),
            "generate_seconds": round(generate_seconds, 1),
        }

        log("(c) executemany, plain table")
        plain_seconds = bench_executemany_plain(path)
        log("(c2) executemany, indexed copy of the residents table")
        indexed_seconds, index_count, _built = bench_executemany_indexed(path)
        log("(c4) executemany, copy of the residents table, indexes built after the rows")
        deferred_seconds, _count, deferred_build = bench_executemany_indexed(path, deferred=True)
        copy_seconds = None
        if connection.vendor == "postgresql":
            log("(c3) COPY, plain table")
            copy_seconds = bench_copy_plain(path)

        import_export = bench_import_export(path, sample)

        log(f"(a) per-row ORM loop on {sample:,} rows")
        orm_done, orm_seconds = bench_orm_save(path, sample)
        clear_registry()

        log(f"importing {args.rows:,} rows")
        rss_before = peak_rss_mb()
        summary, import_seconds, bulk = timed_import(path, work / "errors.csv")
        peak = peak_rss_mb()
        if summary.rejected:
            log(f"warning: {summary.rejected} rows rejected, see {summary.error_file}")
        log("re-importing (idempotence)")
        again, reimport_seconds, rebulk = timed_import(path, work / "errors2.csv")

        import_rate = args.rows / import_seconds
        orm_rate = orm_done / orm_seconds
        plain_rate = args.rows / plain_seconds
        indexed_rate = args.rows / indexed_seconds
        deferred_rate = args.rows / deferred_seconds
        out.update(
            {
                "import_rows_per_s": round(import_rate),
                "import_seconds": round(import_seconds, 2),
                "created": summary.created,
                "rejected": summary.rejected,
                "peak_rss_mb": round(peak, 1),
                "peak_rss_before_import_mb": round(rss_before, 1),
                "bulk_mode": bulk,
                "bulk_min_rows": BULK_MIN_ROWS,
                "reimport_rows_per_s": round(args.rows / reimport_seconds),
                "reimport_unchanged": again.unchanged,
                "reimport_created": again.created,
                "reimport_updated": again.updated,
                "reimport_bulk_mode": rebulk,
                "orm_save_rows_per_s": round(orm_rate),
                "orm_save_rows": orm_done,
                **import_export,
                "executemany_plain_rows_per_s": round(plain_rate),
                "executemany_indexed_rows_per_s": round(indexed_rate),
                "executemany_indexed_indexes": index_count,
                "executemany_deferred_rows_per_s": round(deferred_rate),
                "executemany_deferred_index_build_s": round(deferred_build, 2),
                "copy_plain_rows_per_s": round(args.rows / copy_seconds) if copy_seconds else None,
                "import_vs_orm_save": round(import_rate / orm_rate, 1),
                "import_vs_import_export": round(
                    import_rate / import_export["import_export_rows_per_s"], 1
                ),
                "import_vs_executemany_plain": round(import_rate / plain_rate, 3),
                "import_vs_executemany_indexed": round(import_rate / indexed_rate, 2),
                "import_vs_executemany_deferred": round(import_rate / deferred_rate, 2),
            }
        )
        if copy_seconds:
            out["import_vs_copy_plain"] = round(import_rate * copy_seconds / args.rows, 3)

        if not args.skip_xlsx:
            n = min(args.xlsx_rows, args.rows)
            head_csv = work / "head.csv"
            with path.open(encoding="utf-8", newline="") as source:
                head_csv.write_text("".join(islice(source, n + 1)), encoding="utf-8")
            log(f"writing {n:,} rows as .xlsx")
            xlsx_path = work / "head.xlsx"
            xlsx_write_seconds = write_xlsx(path, xlsx_path, n)
            clear_registry()
            log(f"importing the first {n:,} rows as CSV")
            head_summary, csv_seconds, csv_bulk = timed_import(head_csv, work / "errors3.csv")
            clear_registry()
            log(f"importing the first {n:,} rows as .xlsx")
            xlsx_summary, xlsx_seconds, xlsx_bulk = timed_import(xlsx_path, work / "errors4.csv")
            out.update(
                {
                    "xlsx_rows": n,
                    "xlsx_mb": round(xlsx_path.stat().st_size / 1e6, 1),
                    "xlsx_write_seconds": round(xlsx_write_seconds, 1),
                    "xlsx_rows_per_s": round(n / xlsx_seconds),
                    "xlsx_created": xlsx_summary.created,
                    "xlsx_bulk_mode": xlsx_bulk,
                    "xlsx_csv_rows_per_s": round(n / csv_seconds),
                    "xlsx_csv_created": head_summary.created,
                    "xlsx_csv_bulk_mode": csv_bulk,
                    "xlsx_vs_csv": round(xlsx_seconds / csv_seconds, 2),
                    "xlsx_within_3x_csv": xlsx_seconds <= 3 * csv_seconds,
                    "peak_rss_after_xlsx_mb": round(peak_rss_mb(), 1),
                }
            )
        out["notes"] = NOTES
        out["pid"] = os.getpid()
        print(json.dumps(out, ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
