"""The Mutation root: one line per mutation, each guarded by the policy table."""

from __future__ import annotations

import strawberry

from graphql_api.mutations.approve_kyc import approve_kyc
from graphql_api.mutations.approve_reversal import approve_reversal
from graphql_api.mutations.confirm_contact_change import confirm_contact_change
from graphql_api.mutations.create_api_client import create_api_client
from graphql_api.mutations.create_product import create_product
from graphql_api.mutations.create_staff_user import create_staff_user
from graphql_api.mutations.deposit_cash import deposit_cash
from graphql_api.mutations.enrol_totp import enrol_totp
from graphql_api.mutations.issue_client_token import issue_client_token
from graphql_api.mutations.open_account import open_account
from graphql_api.mutations.refresh_session import refresh_session
from graphql_api.mutations.reactivate_account import reactivate_account
from graphql_api.mutations.register_member import register_member
from graphql_api.mutations.request_contact_change import request_contact_change
from graphql_api.mutations.request_reversal import request_reversal
from graphql_api.mutations.revoke_session import revoke_session
from graphql_api.mutations.set_nominee import set_nominee
from graphql_api.mutations.sign_in_with_code import sign_in_with_code
from graphql_api.mutations.sign_in_with_password import sign_in_with_password
from graphql_api.mutations.sign_out import sign_out
from graphql_api.mutations.transfer_funds import transfer_funds
from graphql_api.mutations.update_member import update_member
from graphql_api.mutations.withdraw_cash import withdraw_cash
from graphql_api.counter.schema import CounterMutation
from graphql_api.settings.schema import SettingsMutation
from graphql_api.notifications.schema import NotificationsMutation
from graphql_api.mutations.change_password import change_password
from graphql_api.mutations.complete_password_reset import complete_password_reset
from graphql_api.mutations.deactivate_api_client import deactivate_api_client
from graphql_api.mutations.deactivate_staff_user import deactivate_staff_user
from graphql_api.mutations.end_session import end_session
from graphql_api.mutations.grant_portal_access import grant_portal_access
from graphql_api.mutations.request_password_reset import request_password_reset
from graphql_api.mutations.reset_staff_password import reset_staff_password
from graphql_api.mutations.rotate_client_secret import rotate_client_secret
from graphql_api.mutations.unlock_login import unlock_login
from graphql_api.loans.schema import LoansMutation
from graphql_api.payments.schema import PaymentsMutation
from graphql_api.deposits.schema import DepositsMutation
from graphql_api.calendar.schema import CalendarMutation
from graphql_api.instructions.schema import InstructionsMutation
from graphql_api.policy import RootFieldPolicy
from graphql_api.shares.schema import SharesMutation
from graphql_api.members.schema import MembersMutation

GUARD = [RootFieldPolicy]


@strawberry.type
class Mutation(PaymentsMutation, LoansMutation, CalendarMutation, SharesMutation, NotificationsMutation, InstructionsMutation,
               DepositsMutation, CounterMutation, SettingsMutation, MembersMutation):
    sign_in_with_password = strawberry.mutation(resolver=sign_in_with_password, permission_classes=GUARD, description="Sign-in step one: login and password; answers a challenge for the one-time code. Rate limited; one answer for every wrong login or password.")
    sign_in_with_code = strawberry.mutation(resolver=sign_in_with_code, permission_classes=GUARD, description="Sign-in step two: the challenge token and the TOTP or sent code; answers the session tokens.")
    refresh_session = strawberry.mutation(resolver=refresh_session, permission_classes=GUARD, description="Trade a refresh token (once) for new session tokens.")
    issue_client_token = strawberry.mutation(resolver=issue_client_token, permission_classes=GUARD, description="Partner apps: client id and secret for a 15-minute bearer token with some or all of the client's scopes.")
    sign_out = strawberry.mutation(resolver=sign_out, permission_classes=GUARD, description="End the caller's session now.")
    enrol_totp = strawberry.mutation(resolver=enrol_totp, permission_classes=GUARD, description="Set up or replace the caller's authenticator app: needs the current password, and a current code when one is enrolled. An admin may reset another staff user's (staffUserId).")
    create_staff_user = strawberry.mutation(resolver=create_staff_user, permission_classes=GUARD, description="Admin: create a staff user with a role.")
    create_product = strawberry.mutation(resolver=create_product, permission_classes=GUARD, description="Admin: create a savings, current or loan product with its rate and limits.")
    create_api_client = strawberry.mutation(resolver=create_api_client, permission_classes=GUARD, description="Admin: register a partner application and its scopes.")
    revoke_session = strawberry.mutation(resolver=revoke_session, permission_classes=GUARD, description="Admin: end a session now.")
    register_member = strawberry.mutation(resolver=register_member, permission_classes=GUARD, description="Register a member (KYC pending). Clerk, manager, admin.")
    update_member = strawberry.mutation(resolver=update_member, permission_classes=GUARD, description="Change a member's contact details; a member may change their own.")
    request_contact_change = strawberry.mutation(resolver=request_contact_change, permission_classes=GUARD, description="Member: start changing the mobile or e-mail that codes go to; a code is sent to the new one and a notice to the old one once confirmed.")
    confirm_contact_change = strawberry.mutation(resolver=confirm_contact_change, permission_classes=GUARD, description="Member: confirm a contact change with the code sent to the new mobile or e-mail.")
    approve_kyc = strawberry.mutation(resolver=approve_kyc, permission_classes=GUARD, description="Checker step: verify a member's KYC; must not be the staff user who registered them.")
    set_nominee = strawberry.mutation(resolver=set_nominee, permission_classes=GUARD, description="Name (or, with no nomineeMemberNumber, remove) the member who is an account's nominee. Members for accounts they own or hold jointly; clerk, manager, admin for any.")
    open_account = strawberry.mutation(resolver=open_account, permission_classes=GUARD, description="Open an account under a product for one or more members.")
    deposit_cash = strawberry.mutation(resolver=deposit_cash, permission_classes=GUARD, description="Cash deposit at the counter (cashier, manager). Idempotent per key.")
    withdraw_cash = strawberry.mutation(resolver=withdraw_cash, permission_classes=GUARD, description="Cash withdrawal at the counter (cashier, manager). Idempotent per key.")
    transfer_funds = strawberry.mutation(resolver=transfer_funds, permission_classes=GUARD, description="Transfer between two accounts of the bank. Members and partners only from accounts they hold. Idempotent per key.")
    request_reversal = strawberry.mutation(resolver=request_reversal, permission_classes=GUARD, description="Maker step: ask for a journal entry to be reversed; another staff user approves.")
    reactivate_account = strawberry.mutation(resolver=reactivate_account, permission_classes=GUARD, description="Manager, admin: make an inoperative account active again after checking every holder's KYC (RBI).")
    approve_reversal = strawberry.mutation(resolver=approve_reversal, permission_classes=GUARD, description="Checker step: approve a reversal request and post the reversing entry.")
    # credentials and sessions (issue 9 items 4 and 5)
    change_password = strawberry.mutation(resolver=change_password, permission_classes=GUARD, description="Staff and members: change your own password with the current one; your other sessions end.")
    request_password_reset = strawberry.mutation(resolver=request_password_reset, permission_classes=GUARD, description="Members: set a first password or reset a forgotten one; a code goes to the registered mobile when member number (or mobile) and date of birth match. One answer either way.")
    complete_password_reset = strawberry.mutation(resolver=complete_password_reset, permission_classes=GUARD, description="Members: the code from requestPasswordReset and the new password.")
    grant_portal_access = strawberry.mutation(resolver=grant_portal_access, permission_classes=GUARD, description="Clerk, manager, admin: give a registered member portal access; they set their password with a code to their registered mobile.")
    reset_staff_password = strawberry.mutation(resolver=reset_staff_password, permission_classes=GUARD, description="Admin: set a temporary password for a staff user, to be changed at their next sign-in; their sessions end.")
    unlock_login = strawberry.mutation(resolver=unlock_login, permission_classes=GUARD, description="Manager, admin: lift a staff user's or a member's sign-in lock early.")
    end_session = strawberry.mutation(resolver=end_session, permission_classes=GUARD, description="End one of your own sessions (see mySessions).")
    deactivate_staff_user = strawberry.mutation(resolver=deactivate_staff_user, permission_classes=GUARD, description="Admin: deactivate a staff user; their sessions end at once.")
    deactivate_api_client = strawberry.mutation(resolver=deactivate_api_client, permission_classes=GUARD, description="Admin: deactivate a partner API client; its tokens end at once.")
    rotate_client_secret = strawberry.mutation(resolver=rotate_client_secret, permission_classes=GUARD, description="Admin: give a partner API client a new secret (shown once); the old one stops working.")
