"""A version for the Open311 key table, renewed by a trigger on every write, so each
process can keep a copy of the keys (``service_requests.actions.authenticate_open311_key``,
``cases.lookups``): issuing, revoking and the once-a-minute ``last_used_at`` all renew it.
The trigger function and ``cases_lookupversion`` come from ``cases/0006_lookup_versions``.
"""

from typing import Any

from django.db import migrations

TABLE = "service_requests_open311apikey"
TRIGGER = f"{TABLE}_lookup_version"


def create_trigger(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION cases_bump_lookup_version()"
        )
        schema_editor.execute(
            "INSERT INTO cases_lookupversion (name, version) "
            f"VALUES ('{TABLE}', nextval('cases_lookupversion_seq'))"
        )
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {TRIGGER}_{event.lower()} AFTER {event} ON {TABLE} BEGIN "
                "INSERT INTO cases_lookupversion (name, version) "
                f"VALUES ('{TABLE}', random()) "
                "ON CONFLICT (name) DO UPDATE SET version = excluded.version; END"
            )
        schema_editor.execute(
            f"INSERT INTO cases_lookupversion (name, version) VALUES ('{TABLE}', random())"
        )


def drop_trigger(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
        schema_editor.execute(f"DELETE FROM cases_lookupversion WHERE name = '{TABLE}'")
    elif vendor == "sqlite":
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{event}")
        schema_editor.execute(f"DELETE FROM cases_lookupversion WHERE name = '{TABLE}'")


class Migration(migrations.Migration):
    dependencies = [
        ("service_requests", "0001_open311_api_key"),
        ("cases", "0006_lookup_versions"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
