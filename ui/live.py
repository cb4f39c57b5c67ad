"""Live balances: one ``balanceChanged`` subscription per shown account, run as a
background task of the page's client and cancelled when the client goes away."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import background_tasks, ui

from ui.api import Api, ApiError, SignedOut

LIVE_BALANCE = """
subscription LiveBalance($accountNumber: String!) {
  balanceChanged(accountNumber: $accountNumber) { accountNumber entryId balance { amount currency } }
}"""


def follow_balance(api: Api, account_number: str, on_balance: Callable[[dict], None]) -> None:
    """Call ``on_balance(money)`` with the account's balance now and after every posting."""
    client = ui.context.client

    async def listen() -> None:
        try:
            async for data in api.subscribe(LIVE_BALANCE, accountNumber=account_number):
                on_balance(data["balanceChanged"]["balance"])
        except (SignedOut, ApiError):
            return  # the session ended or the account is not visible: nothing more to show

    task = background_tasks.create(listen(), name=f"live balance {account_number}")
    client.on_delete(task.cancel)
