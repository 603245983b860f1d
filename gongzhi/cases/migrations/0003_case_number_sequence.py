"""Case numbers from a PostgreSQL sequence instead of a locked counter row (issue 4).

Adds ``CaseNumberCounter.sequence_base`` and, on PostgreSQL only, the sequence
``cases_case_number_seq``: a submission takes ``nextval`` minus its day's base, so
concurrent submissions no longer wait for each other's commit on the day's counter row.
``CACHE 1`` (one value at a time, the default) matters: with cached values a session
could hand out a value below a day's base taken by another session. SQLite keeps the
counter row (it serialises writers anyway).
"""

from typing import Any

from django.db import migrations, models

SEQUENCE = "cases_case_number_seq"


def create_sequence(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint START 1 CACHE 1 NO CYCLE"
        )


def drop_sequence(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_attachment"),
    ]

    operations = [
        migrations.AddField(
            model_name="casenumbercounter",
            name="sequence_base",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(create_sequence, drop_sequence, elidable=False),
    ]
