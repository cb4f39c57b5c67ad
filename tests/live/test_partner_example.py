"""examples/partner_client.py, a real gql client, against a live server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bankcore.identity.partners import create_api_client
from bankcore.models import Account, Member, StaffRole, StaffUser
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import serve

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partner_client.py"


async def test_partner_example_reads_transfers_and_receives_the_entry(db: str) -> None:
    # given: a member who consented to a partner app acting for them
    await small_bank()
    owner = await make_member("Asha")
    payer = await make_account("SB0", owner=owner, deposit="100.00")
    payee = await make_account("SB0", deposit="0.01")
    admin = await StaffUser.create(username="admin1", full_name="Admin", role=StaffRole.ADMIN, password_hash="x", active=True)
    created = await create_api_client(name="Budget app", scopes=["accounts:read", "transfers:write", "entries:read"],
                                      created_by=admin.id, member_number=owner)
    with serve(db) as base:
        # when
        run = subprocess.run(
            [sys.executable, str(EXAMPLE), "--url", f"{base}/graphql", "--client-id", created.client.client_id,
             "--client-secret", created.client_secret, "--from", payer, "--to", payee, "--amount", "12.50"],
            capture_output=True, text=True, timeout=60,
        )
        # a partner bound to Asha may not debit someone else's account
        other = subprocess.run(
            [sys.executable, str(EXAMPLE), "--url", f"{base}/graphql", "--client-id", created.client.client_id,
             "--client-secret", created.client_secret, "--from", payee, "--to", payer],
            capture_output=True, text=True, timeout=60,
        )
    # then
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"balance of {payer}: 100.00 INR" in run.stdout
    assert "new balance 87.50" in run.stdout
    assert '"entryType": "TRANSFER"' in run.stdout and '"amount": "12.50"' in run.stdout
    assert other.returncode != 0 and "not visible" in (other.stdout + other.stderr)
    account = await Account.get(number=payer).select_related("ledger_account")
    assert account.ledger_account.balance_minor == 8750
    assert await Member.filter(member_number=owner).count() == 1
