"""On PostgreSQL, finer statistics on ``ledger_event.region_code``.

A newest-first page scoped to a narrow prefix (a community) can be read two ways: walk the
primary key backwards and skip rows of other places, or take the prefix's range from the
``(region_code, seq)`` index and sort it. With the default statistics PostgreSQL guesses
a community holds several times the rows it does and walks the key, reading a large part
of the table (bench/bench_scoped_list.py, ``newest_first``); with a finer histogram it
takes the range. The cost is a longer ANALYZE sample on this column only.
"""

from django.db import migrations


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE ledger_event ALTER COLUMN region_code SET STATISTICS 1000", params=None
        )


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE ledger_event ALTER COLUMN region_code SET STATISTICS -1", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_append_function")]
    operations = [migrations.RunPython(finer, default)]
