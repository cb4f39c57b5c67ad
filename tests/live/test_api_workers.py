"""Scale by processes: ``serve --api-workers N`` and two instances sharing events through PostgreSQL."""

from __future__ import annotations

import pytest

from coopbank.cli import main
from coopbank.commands.serve import api_workers_refusal
from tests.ledger.factory import make_account, small_bank
from tests.live.server import free_port, init, post, receive, serve_together, staff_token, subscribe, ws

BALANCE = "subscription Balance($n: String!) { balanceChanged(accountNumber: $n) { accountNumber balance { amount } } }"
TRANSFER = """mutation Transfer($input: TransferFundsInput!) { transferFunds(input: $input) { userErrors { code } } }"""


def test_several_api_workers_are_refused_on_sqlite(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                    tmp_path) -> None:  # noqa: ANN001
    # given a SQLite database
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path}/bank.sqlite3")
    # when serve is asked for two API processes
    status = main(["serve", "--api-workers", "2"])
    # then it refuses before touching the database, saying why
    assert status == 2
    assert "--api-workers 2 needs PostgreSQL" in capsys.readouterr().err
    assert not (tmp_path / "bank.sqlite3").exists()
    assert api_workers_refusal("sqlite://x.sqlite3", 1) is None
    assert api_workers_refusal("postgres://h/db", 4) is None
    assert api_workers_refusal("postgres://h/db", 0)


@pytest.mark.postgres
async def test_a_transfer_on_one_instance_reaches_a_subscriber_on_the_other(db: str) -> None:
    # given a bank on PostgreSQL, instance A with two API worker processes, instance B a single process
    await small_bank()
    payer = await make_account("SB0", deposit="500.00")
    payee = await make_account("SB0")
    token = await staff_token("cashier")
    api_port = free_port()
    quiet = {"COOPBANK_WORKER": "off", "COOPBANK_PAYOUT_POLLING": "off"}  # less to start: faster
    with serve_together(db, ["--api-workers", "2", "--api-port", str(api_port)], [], extra_env=quiet) as (_a, b):
        async with ws(b) as conn:
            assert (await init(conn, token))["type"] == "connection_ack"
            await subscribe(conn, "b", BALANCE, n=payee)
            assert (await receive(conn))["payload"]["data"]["balanceChanged"]["balance"]["amount"] == "0.00"
            # when a transfer is posted on one of A's API workers
            variables = {"fromAccountNumber": payer, "toAccountNumber": payee, "idempotencyKey": "across-instances",
                         "amount": {"amount": "40.00", "currency": "INR"}}
            result = await post(f"http://127.0.0.1:{api_port}", token, TRANSFER, input=variables)
            assert result["data"]["transferFunds"]["userErrors"] == []
            # then B's subscriber sees the payee's new balance (LISTEN/NOTIFY between the processes)
            update = await receive(conn, timeout_s=15)
            assert update["payload"]["data"]["balanceChanged"]["balance"]["amount"] == "40.00"
