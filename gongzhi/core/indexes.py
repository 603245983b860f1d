"""Index types the apps share."""

from __future__ import annotations

from typing import Any

from django.db import models


class PostgresPartialIndex(models.Index):
    """Partial (``WHERE …``) on PostgreSQL, a whole index on SQLite.

    SQLite uses a partial index only when the query repeats the index's condition term
    for term (an ``IN`` list never matches), so a query for ``due_state = 'overdue'``
    scans the table past an index on ``WHERE due_state IN ('due_soon', 'overdue')``;
    PostgreSQL proves the one from the other. On SQLite the index holds every row, as it
    did before it was partial; on PostgreSQL it holds only the rows the condition keeps,
    and writes of the other rows skip it.
    """

    def _get_condition_sql(self, model: Any, schema_editor: Any) -> str | None:
        if schema_editor.connection.vendor != "postgresql":
            return None
        condition: str | None = models.Index._get_condition_sql(  # type: ignore[attr-defined]
            self, model, schema_editor
        )
        return condition
