"""bankcore: the banking domain of coopbank (members, accounts, ledger, loans, deposits).

It knows nothing of GraphQL, HTTP or the UI. Services are ``async def`` functions with
keyword-only arguments that own their database transaction; maths modules are pure.
"""
