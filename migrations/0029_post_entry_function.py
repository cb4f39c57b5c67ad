"""PostgreSQL: ``coopbank_post_entry``, a posting in one round trip (issue 15 item 1).

One server-side function does what ``bankcore.ledger.posting.post_entry`` did in six
statements: reads the business date under the shared business-date lock, checks the value
date, locks the tracked accounts ``FOR UPDATE`` in ascending id order, looks up the
idempotency key, checks status and floors against the locked rows, inserts the entry and
its postings, writes the cached balances, the ``entry.posted`` outbox event and the
NOTIFY (sent on commit only). It never raises for a business refusal: it returns a code
(``OK``, ``REPLAY``, ``VALUE_DATE_IN_FUTURE``, ``PERIOD_CLOSED``, ``ACCOUNT_NOT_ACTIVE``,
``MIN_BALANCE``, ``INSUFFICIENT_FUNDS``, ``NO_CALENDAR``) with the facts the caller needs
for its message; a unique violation (a concurrent first use of the same idempotency key, a
second reversal) raises as before. The Python caller is ``bankcore/ledger/posting_pg.py``;
the rules, in the same order, are documented on ``post_entry``. SQLite: nothing to do.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = r"""
CREATE OR REPLACE FUNCTION coopbank_post_entry(
    p_entry_type text, p_value_date date, p_posted_at timestamptz, p_narration text, p_initiator text,
    p_idempotency_key text, p_fingerprint text, p_reverses_id bigint, p_source_ref text,
    p_accounts bigint[], p_sides text[], p_amounts bigint[], p_currencies text[],
    p_tracked bigint[], p_deltas bigint[], p_tracked_currencies text[], p_all_accounts bigint[],
    p_period_exempt boolean, p_closed_to_all text[], p_closed_to_outflow text[],
    p_date_lock_key bigint, p_calendar_id integer, p_channel text,
    OUT o_code text, OUT o_entry_id bigint, OUT o_balances bigint[], OUT o_value_date date,
    OUT o_today date, OUT o_closed_through date, OUT o_account_id bigint, OUT o_status text,
    OUT o_floor bigint, OUT o_may_take bigint
) LANGUAGE plpgsql AS $fn$
DECLARE
    n integer := coalesce(array_length(p_tracked, 1), 0);
    locked_ids bigint[] := '{}';
    bals bigint[] := '{}';
    helds bigint[] := '{}';
    floors bigint[] := '{}';
    statuses text[] := '{}';
    r record;
    i integer;
    delta bigint;
    payload text;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(p_date_lock_key);
    SELECT c.business_date, c.books_closed_through INTO o_today, o_closed_through
      FROM bank_calendar c WHERE c.id = p_calendar_id;
    IF NOT FOUND THEN
        o_code := 'NO_CALENDAR';
        RETURN;
    END IF;
    o_value_date := coalesce(p_value_date, o_today);
    IF o_value_date > o_today THEN
        o_code := 'VALUE_DATE_IN_FUTURE';
        RETURN;
    END IF;
    IF o_closed_through IS NOT NULL AND o_value_date <= o_closed_through AND NOT p_period_exempt THEN
        o_code := 'PERIOD_CLOSED';
        RETURN;
    END IF;
    -- The ORDER BY sorts before the rows are locked: ascending id order, as everywhere.
    FOR r IN SELECT la.id, la.balance_minor, la.held_minor, la.floor_minor, a.status
               FROM ledger_account la LEFT JOIN account a ON a.ledger_account_id = la.id
              WHERE la.id = ANY(p_tracked) ORDER BY la.id FOR UPDATE OF la
    LOOP
        locked_ids := locked_ids || r.id;
        bals := bals || r.balance_minor;
        helds := helds || r.held_minor;
        floors := floors || r.floor_minor;
        statuses := statuses || r.status::text;
    END LOOP;
    IF locked_ids IS DISTINCT FROM p_tracked AND n > 0 THEN
        RAISE EXCEPTION 'coopbank_post_entry: tracked accounts must be given once each in ascending id order';
    END IF;
    -- After the locks: a concurrent first attempt on the same account has committed (found) or not started.
    IF p_idempotency_key IS NOT NULL THEN
        SELECT je.id INTO o_entry_id FROM journal_entry je WHERE je.idempotency_key = p_idempotency_key;
        IF FOUND THEN
            o_code := 'REPLAY';
            RETURN;
        END IF;
    END IF;
    o_balances := '{}';
    FOR i IN 1 .. n LOOP
        delta := p_deltas[i];
        IF statuses[i] = ANY(p_closed_to_all) OR (delta < 0 AND statuses[i] = ANY(p_closed_to_outflow)) THEN
            o_code := 'ACCOUNT_NOT_ACTIVE';
            o_account_id := p_tracked[i];
            o_status := statuses[i];
            RETURN;
        END IF;
        IF delta < 0 AND floors[i] IS NOT NULL AND bals[i] + delta - helds[i] < floors[i] THEN
            o_account_id := p_tracked[i];
            o_floor := floors[i];
            IF floors[i] > 0 THEN
                o_code := 'MIN_BALANCE';
                o_may_take := greatest(0, bals[i] - helds[i] - floors[i]);
            ELSE
                o_code := 'INSUFFICIENT_FUNDS';
            END IF;
            RETURN;
        END IF;
        o_balances := o_balances || (bals[i] + delta);
    END LOOP;
    INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, idempotency_key,
                               request_fingerprint, reverses_id, source_ref)
    VALUES (p_entry_type, o_value_date, p_posted_at, p_narration, p_initiator, p_idempotency_key,
            p_fingerprint, p_reverses_id, p_source_ref)
    RETURNING id INTO o_entry_id;
    INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date)
    SELECT o_entry_id, u.a, u.s, u.m, u.c, o_value_date
      FROM unnest(p_accounts, p_sides, p_amounts, p_currencies) AS u(a, s, m, c);
    IF n > 0 THEN
        UPDATE ledger_account AS la SET balance_minor = v.b
          FROM unnest(p_tracked, o_balances) AS v(id, b) WHERE la.id = v.id;
    END IF;
    -- Spelled exactly as bankcore.events.encode_ledger_events spells it.
    payload := '{"e":' || o_entry_id || ',"t":"' || p_entry_type || '","d":"' || to_char(o_value_date, 'YYYY-MM-DD')
        || '","a":[' || array_to_string(p_all_accounts, ',') || '],"b":['
        || coalesce((SELECT string_agg('[' || t.id || ',' || t.b || ',"' || t.c || '"]', ',' ORDER BY t.id)
                       FROM unnest(p_tracked, o_balances, p_tracked_currencies) AS t(id, b, c)), '')
        || ']}';
    INSERT INTO outbox_event (topic, ref_id, payload, created_at) VALUES ('entry.posted', o_entry_id, payload, p_posted_at);
    PERFORM pg_notify(p_channel, payload);
    o_code := 'OK';
END
$fn$
"""
BACKWARD = """
DROP FUNCTION IF EXISTS coopbank_post_entry(text, date, timestamptz, text, text, text, text, bigint, text, bigint[],
    text[], bigint[], text[], bigint[], bigint[], text[], bigint[], boolean, text[], text[], bigint, integer, text)
"""


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(FORWARD)


async def backward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0028_derived_rows_without_fk_checks")]

    operations = [ops.RunPython(forward, backward)]
