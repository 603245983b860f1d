"""Versions of the reference tables that ``cases.lookups`` keeps per-process copies of.

``cases_lookupversion`` holds one row per table; a trigger on each table gives its row a
new version after every ``INSERT``, ``UPDATE`` and ``DELETE`` (and ``TRUNCATE`` on
PostgreSQL), so a write by any path — the ORM, ``bulk_create``, raw SQL — tells every
process that its copy is stale. PostgreSQL: one statement-level trigger per table and a
sequence for the versions. SQLite: row-level triggers (it has no others) and random
versions. Either way a version never repeats after a rollback or a flush.
"""

from typing import Any

from django.db import migrations, models

TABLES = (
    "cases_category",
    "cases_calendarday",
    "regions_region",
    "organisations_organisation",
)
SEQUENCE = "cases_lookupversion_seq"
FUNCTION = "cases_bump_lookup_version"


def _trigger(table: str) -> str:
    return f"{table}_lookup_version"


def create_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint")
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO cases_lookupversion (name, version)
                VALUES (TG_TABLE_NAME, nextval('{SEQUENCE}'))
                ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
                RETURN NULL;
            END
            $$
            """
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {_trigger(table)} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
            schema_editor.execute(
                "INSERT INTO cases_lookupversion (name, version) "
                f"VALUES ('{table}', nextval('{SEQUENCE}'))"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {_trigger(table)}_{event.lower()} "
                    f"AFTER {event} ON {table} BEGIN "
                    "INSERT INTO cases_lookupversion (name, version) "
                    f"VALUES ('{table}', random()) "
                    "ON CONFLICT (name) DO UPDATE SET version = excluded.version; END"
                )
            schema_editor.execute(
                f"INSERT INTO cases_lookupversion (name, version) VALUES ('{table}', random())"
            )


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger(table)}_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_category_supervision_committee_kind"),
        ("regions", "0002_grid_updated_at"),
        ("organisations", "0003_supervision_committee_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="LookupVersion",
            fields=[
                ("name", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "参考数据版本",
                "verbose_name_plural": "参考数据版本",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
