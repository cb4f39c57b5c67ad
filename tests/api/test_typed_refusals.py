"""Typed refusals, never a masked 500 (issue 8, item 3): control characters, GraphQL
validation messages for the client's own mistakes, money as strings, one validator per field,
cursors that are not ours."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import pytest

from bankcore.calendar.business_date import business_date
from bankcore.models import AuditLog, JournalEntry, Member
from tests.api.helpers import anonymous, gql, member, staff
from tests.ledger.factory import make_account, make_member, small_bank

SIGN_IN = """mutation($login: String!, $password: String!) {
  signInWithPassword(kind: MEMBER, login: $login, password: $password) { challengeToken userErrors { code } } }"""
REGISTER = """mutation($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { memberNumber } userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateMemberInput!) {
  updateMember(input: $input) { member { address } userErrors { field code message } } }"""
DEPOSIT = """mutation($input: DepositCashInput!) {
  depositCash(input: $input) { entry { entryId } userErrors { field code } } }"""
OPEN = """mutation($input: OpenAccountInput!) {
  openAccount(input: $input) { account { number openedOn } userErrors { field code } } }"""
MARKER = "s3cr3t-value"


def _no_traceback_and_no_value(caplog: pytest.LogCaptureFixture, *values: str) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a client mistake was logged as an error"
    text = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    for value in values:
        assert value not in text, f"the input value {value!r} was logged"


def _one_error(result) -> tuple[str, dict]:
    assert result.errors and len(result.errors) == 1, result
    return result.errors[0].message, result.errors[0].extensions or {}


async def test_control_characters_in_any_string_argument_are_refused_before_the_database(
    db: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given a bank, and a count of what sign-in would write
    await small_bank()
    caplog.set_level(logging.DEBUG)
    audit_rows = await AuditLog.all().count()
    for bad in (f"{MARKER}\x00", f"\x01{MARKER}", f"{MARKER}\x7f", f"{MARKER}\x85", f"{MARKER}\ud800"):
        # when an anonymous caller signs in with it, as a variable ...
        message, extensions = _one_error(await gql(anonymous(), SIGN_IN, login=bad, password="pw"))
        # then a typed refusal names the field, not the value
        assert extensions == {"code": "INVALID_INPUT", "field": "login"}
        assert "login" in message and MARKER not in message
        message, extensions = _one_error(await gql(anonymous(), SIGN_IN, login="asha", password=bad))
        assert extensions["field"] == "password"
    # ... or written into the document, nested in an input object
    literal = 'mutation { registerMember(input: {fullName: "A\\u0000B", branchCode: "001"}) { userErrors { code } } }'
    _, extensions = _one_error(await gql(staff("clerk"), literal))
    assert extensions == {"code": "INVALID_INPUT", "field": "input.fullName"}
    _, extensions = _one_error(await gql(staff("clerk"), REGISTER, input={"fullName": "Asha", "branchCode": "001",
                                                                         "address": f"1 Road\x00{MARKER}"}))
    assert extensions == {"code": "INVALID_INPUT", "field": "input.address"}
    # nothing was written (sign-in audits every attempt it sees) and nothing logged the value
    await _flush_audit()
    assert await AuditLog.all().count() == audit_rows
    assert await Member.all().count() == 0
    _no_traceback_and_no_value(caplog, MARKER)
    # tabs and line breaks are text, not control: an address may be typed on two lines
    ok = await gql(staff("clerk"), REGISTER, input={"fullName": "Asha\tRao", "branchCode": "001", "address": "1 Road\r\nPune"})
    assert ok.errors is None and ok.data["registerMember"]["userErrors"] == []


async def _flush_audit() -> None:
    from bankcore.audit_batch import audit_writer

    await audit_writer.flush()


@pytest.mark.parametrize(
    ("document", "variables", "expected"),
    [
        ("query($d: Date!) { trialBalance(asOf: $d) { currency } }", {"d": "2024-02-30"}, "Date"),
        ('query { trialBalance(asOf: "2024-02-30") { currency } }', {}, "Date"),
        ("query($f: Int) { members(first: $f) { edges { cursor } } }", {"f": "ten"}, "Int cannot represent"),
        ("query($f: Int) { members(first: $f) { edges { cursor } } }", {"f": 1.5}, "Int cannot represent"),
        (REGISTER, {"input": {"fullName": "A", "branchCode": "001", "nickname": "x"}}, "unknown field 'nickname'"),
        (REGISTER, {"input": {"fullName": "A"}}, "required field 'branchCode'"),
        (REGISTER, {"input": {"fullName": ["A"], "branchCode": "001"}}, "String cannot represent"),
        (REGISTER, {"input": {"fullName": "A", "branchCode": "001", "gender": "X"}}, "'Gender' enum"),
        (REGISTER, {"input": {"fullName": "A", "branchCode": "001", "dateOfBirth": "1990-13-01"}}, "Date"),
        (REGISTER, {"input": "not an object"}, "RegisterMemberInput"),
    ],
)
async def test_the_clients_mistakes_get_the_standard_graphql_message(
    db: str, caplog: pytest.LogCaptureFixture, document: str, variables: dict, expected: str
) -> None:
    caplog.set_level(logging.DEBUG)
    message, _ = _one_error(await gql(staff("admin"), document, **variables))
    assert message != "Unexpected error."
    assert expected in message
    _no_traceback_and_no_value(caplog, "2024-02-30", "nickname", "1990-13-01")


@pytest.mark.parametrize("amount", [1000, 1e3, 0.1, 25])
async def test_money_amount_accepts_only_a_json_string(db: str, amount: float) -> None:
    # given an account
    await small_bank()
    number = await make_account("SB0")
    # when the amount is a JSON number, as a variable or written in the document
    as_variable = await gql(staff("cashier"), DEPOSIT, input={"accountNumber": number, "amount": {"amount": amount, "currency": "INR"},
                                                               "idempotencyKey": "k1"})
    literal = ('mutation { depositCash(input: {accountNumber: "%s", amount: {amount: %s, currency: "INR"}, idempotencyKey: "k2"})'
               " { userErrors { code } } }") % (number, amount)
    as_literal = await gql(staff("cashier"), literal)
    # then both are refused with the standard message and nothing is posted
    for result in (as_variable, as_literal):
        message, _ = _one_error(result)
        assert "a JSON number is refused" in message
    assert await JournalEntry.all().count() == 0
    # while the same amount as a string is posted
    ok = await gql(staff("cashier"), DEPOSIT, input={"accountNumber": number, "amount": {"amount": "25.00", "currency": "INR"},
                                                     "idempotencyKey": "k3"})
    assert ok.data["depositCash"]["userErrors"] == []


async def test_one_validator_per_field_for_register_and_update(db: str) -> None:
    await small_bank()
    today = await business_date()
    base = {"fullName": "Asha Rao", "branchCode": "001"}

    async def register(**fields: object) -> list[dict]:
        result = await gql(staff("clerk"), REGISTER, input={**base, **fields})
        assert result.errors is None, result.errors
        return result.data["registerMember"]["userErrors"]

    # address: at most 500 characters, on register and on update alike
    assert await register(address="x" * 501) == [
        {"field": "address", "code": "INVALID_INPUT", "message": "address must be 1-500 characters"}]
    assert await register(address="x" * 500) == []
    number = await make_member("Ravi Kumar")
    update = await gql(member(await _member_id(number)), UPDATE, input={"memberNumber": number, "address": "y" * 501})
    assert update.data["updateMember"]["userErrors"] == [
        {"field": "address", "code": "INVALID_INPUT", "message": "address must be 1-500 characters"}]
    # name: 1-200 characters
    assert (await register(fullName=" "))[0]["field"] == "fullName"
    assert (await register(fullName="n" * 201))[0]["code"] == "INVALID_INPUT"
    # branch code: 1-3 digits, refused before it is looked up
    assert (await register(branchCode="00A"))[0] == {"field": "branchCode", "code": "INVALID_INPUT",
                                                     "message": "branch code must be 1-3 digits"}
    assert (await register(branchCode="999"))[0]["code"] == "NOT_FOUND"
    # date of birth: 1900-01-01 .. the business date
    assert (await register(dateOfBirth="1899-12-31"))[0] == {"field": "dateOfBirth", "code": "INVALID_DATE",
                                                             "message": "date of birth is before 1900-01-01"}
    assert (await register(dateOfBirth=(today + timedelta(days=1)).isoformat()))[0]["code"] == "INVALID_DATE"
    assert await register(dateOfBirth="1900-01-01", fullName="Oldest Member") == []


async def _member_id(number: str) -> int:
    return (await Member.get(member_number=number)).id


async def test_an_account_is_never_opened_after_the_business_date(db: str) -> None:
    await small_bank()
    owner = await make_member()
    today = await business_date()
    holders = [{"memberNumber": owner, "role": "OWNER"}]
    late = await gql(staff("clerk"), OPEN, input={"productCode": "SB0", "holders": holders,
                                                   "openedOn": (today + timedelta(days=1)).isoformat()})
    assert late.data["openAccount"]["userErrors"] == [{"field": "openedOn", "code": "INVALID_DATE"}]
    on_time = await gql(staff("clerk"), OPEN, input={"productCode": "SB0", "holders": holders, "openedOn": today.isoformat()})
    assert on_time.data["openAccount"]["account"]["openedOn"] == today.isoformat()
    bad_branch = await gql(staff("clerk"), OPEN, input={"productCode": "SB0", "holders": holders, "branchCode": "1 OR 1=1"})
    assert bad_branch.data["openAccount"]["userErrors"] == [{"field": "branchCode", "code": "INVALID_INPUT"}]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("document", "cursor"),
    [
        ("query($a: String) { journalEntries(after: $a) { edges { cursor } } }", _cursor("entry:abc")),
        ("query($a: String) { journalEntries(after: $a) { edges { cursor } } }", _cursor("entry:99999999999999999999999")),
        ("query($a: String) { journalEntries(after: $a) { edges { cursor } } }", _cursor("member:00000018")),
        ("query($a: String) { auditEvents(after: $a) { edges { cursor } } }", _cursor("audit:-1")),
        ("query($a: String) { members(after: $a) { edges { cursor } } }", "bWVtYmVyOjE=\n"),
        ("query($a: String) { members(after: $a) { edges { cursor } } }", "!!!!"),
        ("query($a: String) { accounts(after: $a) { edges { cursor } } }", _cursor("account:1' OR '1'='1")),
        ("query($a: String) { accounts(after: $a) { edges { cursor } } }", "é" * 10),
    ],
)
async def test_cursors_that_are_not_ours_are_invalid_input(db: str, caplog: pytest.LogCaptureFixture, document: str, cursor: str) -> None:
    caplog.set_level(logging.DEBUG)
    message, extensions = _one_error(await gql(staff("admin"), document, a=cursor))
    assert (message, extensions) == ("cursor is not valid", {"code": "INVALID_INPUT", "field": "after"})
    _no_traceback_and_no_value(caplog)


async def test_a_statement_cursor_that_is_not_ours_is_invalid_input(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="10.00")
    query = """query($n: String!, $a: String) { account(number: $n) {
      statement(fromDate: "1900-01-01", toDate: "2100-01-01", first: 1, after: $a) { nextCursor } } }"""
    for cursor in (_cursor("2024-01-01|x"), _cursor("2024-02-30|1"), _cursor("2024-01-01|99999999999999999999"), "%%%"):
        message, extensions = _one_error(await gql(staff("admin"), query, n=number, a=cursor))
        assert extensions == {"code": "INVALID_INPUT", "field": "after"}
