#!/usr/bin/env bash
# The whole suite: static checks, then pytest on SQLite and, when reachable, on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# gettext for the translations; Debian's Chromium for the browser tests.
bash scripts/system-packages.sh --browser

echo "== static checks"
$BIN/ruff check .
$BIN/ruff format --check . >/dev/null || { $BIN/ruff format --check .; echo "run: .venv/bin/ruff format ."; exit 1; }
$BIN/mypy .
$BIN/python manage.py compilemessages --ignore '.venv' -v 0
DATABASE_URL=sqlite:///:memory: $BIN/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "models changed without a migration: run manage.py makemigrations"; exit 1; }

echo "== tests on SQLite"
DATABASE_URL=sqlite:///var/test.sqlite3 $BIN/pytest -q -n 2 -p no:cacheprovider "$@"

PG_URL=${GONGZHI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001
    print(f"PostgreSQL not reachable ({exc}); skipping the PostgreSQL run")
    sys.exit(1)
PY
then
  echo "== tests on PostgreSQL"
  DATABASE_URL=$PG_URL $BIN/pytest -q -n 2 -p no:cacheprovider "$@"
fi
