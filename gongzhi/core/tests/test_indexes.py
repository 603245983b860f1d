"""``PostgresPartialIndex``: partial where PostgreSQL proves its use, whole on SQLite."""

from __future__ import annotations

from django.db import connection

from gongzhi.cases.models import Case
from gongzhi.core.indexes import PostgresPartialIndex


def test_the_condition_is_written_on_postgresql_only() -> None:
    index = next(i for i in Case._meta.indexes if i.name == "case_sweep_due")
    assert isinstance(index, PostgresPartialIndex)
    sql = str(index.create_sql(Case, connection.SchemaEditorClass(connection)))
    assert ("WHERE" in sql) == (connection.vendor == "postgresql")
    assert '"due_state"' in sql and '"due_at"' in sql
