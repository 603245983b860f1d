"""What the database benchmarks share: where they run, progress on stderr, Django setup.

Importing this puts the project root on ``sys.path``, so a benchmark run as
``.venv/bin/python bench/<file>.py`` can import ``config`` and ``gongzhi``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_database(url: str) -> None:
    """Create the PostgreSQL bench database when missing; refuse the test suite's databases."""
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "postgresql" not in config["ENGINE"]:
        return
    if name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing to benchmark in the test database {name!r}")
    import psycopg

    maintenance = psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    with maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            log(f"creating database {name}")
            maintenance.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    """Point Django at ``url`` and set it up (the project's own settings otherwise)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
