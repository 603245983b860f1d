"""On PostgreSQL, an append is one call: ``ledger_append()`` locks the head, hashes, inserts.

With the head row locked until commit, appends cannot overlap, so every client round trip
made while the lock is held is lost throughput for all writers. The function does the
whole append in one statement; called outside a transaction it is its own transaction.
The hash it computes must equal ``gongzhi.ledger.chain.link_hash`` byte for byte:

    sha256(prev_hash || '\n' || seq || '\n' || at as 2026-01-01T00:00:00.000000Z || '\n' || digest)

where ``digest`` is the SHA-256 of the event's content in canonical JSON, computed by the
caller. SQLite has no such function; ``record_event`` does the same steps there.
"""

from django.db import migrations

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
BEGIN
    SELECT h.last_seq, h.last_hash INTO v_seq, v_prev
      FROM ledger_ledgerhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        -- A new, empty ledger (a flushed test database) starts a chain; a ledger that
        -- lost its head must not guess where its chain ends.
        IF EXISTS (SELECT 1 FROM ledger_event) THEN
            RAISE EXCEPTION '审计链头记录缺失，但已有审计事件：请先运行 verify_ledger 核查';
        END IF;
        INSERT INTO ledger_ledgerhead (id, last_seq, last_hash)
             VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
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

BACKWARD = (
    "DROP FUNCTION IF EXISTS ledger_append(varchar, bigint, varchar, varchar, varchar, integer, "
    "varchar, varchar, varchar, jsonb, inet)"
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_append_only_triggers")]
    operations = [migrations.RunPython(install, remove)]
