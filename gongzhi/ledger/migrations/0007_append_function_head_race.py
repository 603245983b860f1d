"""Close a race in ``ledger_append()`` when the head row is missing (a flushed database).

Two writers could both miss the head; the second then saw the first one's committed event
and refused to append. Now the head is inserted first (``ON CONFLICT DO NOTHING`` waits
for the concurrent creator) and only the writer that created it checks for orphan events.
Reversing restores the function of 0005.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("gongzhi.ledger.migrations.0005_append_function")

FORWARD = r"""
CREATE OR REPLACE FUNCTION ledger_append(
    p_digest varchar,
    p_actor_id bigint,
    p_actor_username varchar,
    p_actor_roles varchar,
    p_region_code varchar,
    p_type integer,
    p_object_type varchar,
    p_object_id varchar,
    p_outcome varchar,
    p_summary jsonb,
    p_client_address inet
) RETURNS TABLE (out_seq bigint, out_at timestamptz, out_prev_hash varchar, out_hash varchar)
LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
    v_prev varchar;
    v_at timestamptz;
    v_hash varchar;
    v_created integer;
BEGIN
    SELECT h.last_seq, h.last_hash INTO v_seq, v_prev
      FROM ledger_ledgerhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        -- A new, empty ledger (a flushed test database) starts a chain; a ledger that
        -- lost its head must not guess where its chain ends. Insert first: a concurrent
        -- writer creating the head makes this wait, then do nothing, so only the writer
        -- that really created the head asks whether events already exist.
        INSERT INTO ledger_ledgerhead (id, last_seq, last_hash)
             VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        GET DIAGNOSTICS v_created = ROW_COUNT;
        IF v_created = 1 AND EXISTS (SELECT 1 FROM ledger_event) THEN
            RAISE EXCEPTION '审计链头记录缺失，但已有审计事件：请先运行 verify_ledger 核查';
        END IF;
        SELECT h.last_seq, h.last_hash INTO v_seq, v_prev
          FROM ledger_ledgerhead h WHERE h.id = 1 FOR UPDATE;
    END IF;
    v_seq := v_seq + 1;
    v_at := clock_timestamp();
    v_hash := encode(sha256(convert_to(
        v_prev || E'\n' || v_seq::text || E'\n'
        || to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || E'\n' || p_digest, 'UTF8')), 'hex');
    INSERT INTO ledger_event (
        seq, at, actor_id, actor_username, actor_roles, region_code, type,
        object_type, object_id, outcome, summary, client_address, prev_hash, hash
    ) VALUES (
        v_seq, v_at, p_actor_id, p_actor_username, p_actor_roles, p_region_code, p_type,
        p_object_type, p_object_id, p_outcome, p_summary, p_client_address, v_prev, v_hash
    );
    UPDATE ledger_ledgerhead SET last_seq = v_seq, last_hash = v_hash WHERE id = 1;
    RETURN QUERY SELECT v_seq, v_at, v_prev, v_hash;
END;
$$
"""



def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous.FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_event_region_code_statistics")]
    operations = [migrations.RunPython(install, restore)]
