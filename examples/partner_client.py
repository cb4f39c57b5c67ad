"""A partner application talking to coopbank with a real GraphQL client (gql).

It authenticates with its client credentials (the issueClientToken mutation, OAuth 2.0
client-credentials style), reads an account's balance, subscribes to the entries posted
to that account over WebSocket (graphql-transport-ws), starts a transfer with a fresh
idempotency key and prints the entry the subscription delivers.

    python examples/partner_client.py --url http://127.0.0.1:8080/graphql \\
        --client-id pc_... --client-secret ... --from 001000000024 --to 001000000172 --amount 10.00

The client must have been created by an admin (createApiClient) with the scopes
accounts:read, transfers:write and entries:read, acting for the member who holds --from.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid

from gql import Client, gql
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

ISSUE_TOKEN = gql("""
mutation IssueClientToken($clientId: String!, $clientSecret: String!) {
  issueClientToken(clientId: $clientId, clientSecret: $clientSecret) {
    token expiresAt scopes
    userErrors { code message }
  }
}""")

BALANCE = gql("""
query PartnerBalance($number: String!) {
  account(number: $number) { number balance { amount currency } availableBalance { amount currency } }
}""")

ENTRIES = gql("""
subscription PartnerEntries($number: String!) {
  entryPosted(accountNumber: $number) {
    entryId entryType valueDate narration
    postings { ledgerAccountCode side amount { amount currency } }
  }
}""")

TRANSFER = gql("""
mutation PartnerTransfer($input: TransferFundsInput!) {
  transferFunds(input: $input) {
    replayed
    entry { entryId }
    account { balance { amount currency } }
    userErrors { field code message }
  }
}""")


async def issue_token(url: str, client_id: str, client_secret: str) -> str:
    async with Client(transport=HTTPXAsyncTransport(url=url)) as session:
        result = await session.execute(ISSUE_TOKEN, variable_values={"clientId": client_id, "clientSecret": client_secret})
    payload = result["issueClientToken"]
    if payload["userErrors"]:
        raise SystemExit(f"sign-in refused: {payload['userErrors'][0]['message']}")
    return payload["token"]


async def run(args: argparse.Namespace) -> dict:
    token = await issue_token(args.url, args.client_id, args.client_secret)
    headers = {"authorization": f"Bearer {token}"}
    http = Client(transport=HTTPXAsyncTransport(url=args.url, headers=headers))
    ws = Client(transport=WebsocketsTransport(
        url=args.url.replace("http", "ws", 1),
        init_payload=headers,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    ))
    async with http as session, ws as live:
        balance = (await session.execute(BALANCE, variable_values={"number": args.from_account}))["account"]
        if balance is None:
            raise SystemExit(f"account {args.from_account} is not visible to this client")
        print(f"balance of {balance['number']}: {balance['balance']['amount']} {balance['balance']['currency']}")

        subscription = live.subscribe(ENTRIES, variable_values={"number": args.from_account})
        first_entry = asyncio.ensure_future(subscription.__anext__())
        await asyncio.sleep(0.3)  # let the subscription register before the transfer posts
        response = await session.execute(TRANSFER, variable_values={"input": {
            "fromAccountNumber": args.from_account,
            "toAccountNumber": args.to_account,
            "amount": {"amount": args.amount, "currency": balance["balance"]["currency"]},
            # One key per attempt: resend the same key only to retry this very transfer.
            "idempotencyKey": str(uuid.uuid4()),
            "narration": "Partner example transfer",
        }})
        result = response["transferFunds"]
        if result["userErrors"]:
            first_entry.cancel()
            raise SystemExit(f"transfer refused: {result['userErrors'][0]['code']}: {result['userErrors'][0]['message']}")
        print(f"transfer posted as entry {result['entry']['entryId']}; new balance {result['account']['balance']['amount']}")
        entry = await asyncio.wait_for(first_entry, args.timeout_s)
        print("subscription delivered:", json.dumps(entry["entryPosted"], indent=2))
        return {"transfer": result, "entry": entry["entryPosted"], "balance_before": balance}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080/graphql")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--from", dest="from_account", required=True, help="account the partner may debit")
    parser.add_argument("--to", dest="to_account", required=True, help="any account of the bank")
    parser.add_argument("--amount", default="1.00", help="decimal string, e.g. 10.00")
    parser.add_argument("--timeout-s", type=float, default=10.0)
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
