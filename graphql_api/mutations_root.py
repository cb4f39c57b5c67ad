"""The Mutation root: one line per mutation, each guarded by the policy table."""

from __future__ import annotations

import strawberry

from graphql_api.mutations.approve_kyc import approve_kyc
from graphql_api.mutations.approve_reversal import approve_reversal
from graphql_api.mutations.deposit_cash import deposit_cash
from graphql_api.mutations.open_account import open_account
from graphql_api.mutations.register_member import register_member
from graphql_api.mutations.request_reversal import request_reversal
from graphql_api.mutations.transfer_funds import transfer_funds
from graphql_api.mutations.update_member import update_member
from graphql_api.mutations.withdraw_cash import withdraw_cash
from graphql_api.policy import RootFieldPolicy

GUARD = [RootFieldPolicy]


@strawberry.type
class Mutation:
    register_member = strawberry.mutation(resolver=register_member, permission_classes=GUARD, description="Register a member (KYC pending). Clerk, manager, admin.")
    update_member = strawberry.mutation(resolver=update_member, permission_classes=GUARD, description="Change a member's contact details; a member may change their own.")
    approve_kyc = strawberry.mutation(resolver=approve_kyc, permission_classes=GUARD, description="Checker step: verify a member's KYC; must not be the staff user who registered them.")
    open_account = strawberry.mutation(resolver=open_account, permission_classes=GUARD, description="Open an account under a product for one or more members.")
    deposit_cash = strawberry.mutation(resolver=deposit_cash, permission_classes=GUARD, description="Cash deposit at the counter (cashier, manager). Idempotent per key.")
    withdraw_cash = strawberry.mutation(resolver=withdraw_cash, permission_classes=GUARD, description="Cash withdrawal at the counter (cashier, manager). Idempotent per key.")
    transfer_funds = strawberry.mutation(resolver=transfer_funds, permission_classes=GUARD, description="Transfer between two accounts of the bank. Members and partners only from accounts they hold. Idempotent per key.")
    request_reversal = strawberry.mutation(resolver=request_reversal, permission_classes=GUARD, description="Maker step: ask for a journal entry to be reversed; another staff user approves.")
    approve_reversal = strawberry.mutation(resolver=approve_reversal, permission_classes=GUARD, description="Checker step: approve a reversal request and post the reversing entry.")
