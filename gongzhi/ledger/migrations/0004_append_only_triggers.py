"""On PostgreSQL, the database itself refuses to change history.

A trigger rejects every UPDATE and DELETE on the event table, whoever the client is, and
another lets the head row only move forward by one event at a time and never be deleted.
Only a role that may disable triggers (the table owner or a superuser) can get around
them — and then ``verify_ledger`` still names what was changed.

SQLite gets no trigger: whoever can write the database file can drop one, and Django's
test runner empties SQLite tables with DELETE between transactional tests (on PostgreSQL
it uses TRUNCATE, which row triggers do not see). There the ORM's refusals and the chain
are the protection.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION ledger_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '审计日志只能追加，不能修改或删除（% 被拒绝）', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER ledger_event_append_only
    BEFORE UPDATE OR DELETE ON ledger_event
    FOR EACH ROW EXECUTE FUNCTION ledger_event_append_only()
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '审计链头不能删除' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1 THEN
            RAISE EXCEPTION '审计链头只能逐条向前推进' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER ledger_head_forward_only
    BEFORE UPDATE OR DELETE ON ledger_ledgerhead
    FOR EACH ROW EXECUTE FUNCTION ledger_head_forward_only()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_head_forward_only ON ledger_ledgerhead",
    "DROP FUNCTION IF EXISTS ledger_head_forward_only()",
    "DROP TRIGGER IF EXISTS ledger_event_append_only ON ledger_event",
    "DROP FUNCTION IF EXISTS ledger_event_append_only()",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_event_verification_types_and_object_index")]
    operations = [migrations.RunPython(install, remove)]
