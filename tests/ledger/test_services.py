"""Service tests against the real database (SQLite or PostgreSQL per COOPBANK_TEST_DATABASE)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import BaseORMException

from bankcore.errors import DomainError, ErrorCode
from bankcore.events import BalanceChanged, EntryPosted, broker
from bankcore.models import AccountHolder, AccountStatus, HolderRole, JournalEntry, KycStatus, Member, Posting
from bankcore.services._lookup import get_account
from bankcore.services.accounts import change_account_status, open_account
from bankcore.services.members import register_member
from bankcore.services.money_movement import deposit_cash, reverse_entry, transfer_funds, withdraw_cash
from bankcore.services.statements import account_balance, account_statement
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr, make_account, make_member, small_bank


async def code_of(awaitable) -> ErrorCode:
    with pytest.raises(DomainError) as err:
        await awaitable
    return err.value.code


async def test_register_member_validates_and_masks_kyc(db: str) -> None:
    await small_bank()
    member = await register_member(
        full_name="  Meera   Nair ", branch_code="001", pan="abcpn1234f", aadhaar="2341 2341 2346",
        mobile="98123 45678", email="meera@example.in",
    )
    assert member.full_name == "Meera Nair"
    assert member.pan == "ABCPN1234F"
    assert member.mobile == "+919812345678"
    assert member.aadhaar_masked == "XXXX XXXX 2346"
    assert member.kyc_status == KycStatus.PENDING
    stored = await Member.get(id=member.id).values()
    assert not any("234123412346" in str(v) for v in stored.values()), "full Aadhaar must never be stored"
    assert await code_of(register_member(full_name="X", branch_code="001", pan="ABCP1234F")) is ErrorCode.INVALID_PAN
    assert await code_of(register_member(full_name="X", branch_code="001", aadhaar="234123412345")) is ErrorCode.INVALID_AADHAAR
    assert await code_of(register_member(full_name="X", branch_code="001", mobile="12345")) is ErrorCode.INVALID_MOBILE
    assert await code_of(register_member(full_name="X", branch_code="001", email="no-at-sign")) is ErrorCode.INVALID_EMAIL
    assert await code_of(register_member(full_name="X", branch_code="999")) is ErrorCode.NOT_FOUND
    assert await code_of(register_member(full_name="Y", branch_code="001", aadhaar="234123412346")) is ErrorCode.DUPLICATE_MEMBER
    assert await code_of(register_member(full_name="Y", branch_code="001", pan="ABCPN1234F")) is ErrorCode.DUPLICATE_MEMBER


async def test_account_is_pending_until_owner_kyc_is_verified(db: str) -> None:
    from bankcore.services.members import verify_kyc

    await small_bank()
    owner = await make_member(verified=False)
    nominee = await make_member("Ravi Rao", verified=False)
    account = await open_account(product_code="SB0", holders=[(owner, HolderRole.OWNER), (nominee, HolderRole.NOMINEE)])
    assert account.status == AccountStatus.PENDING
    assert await code_of(deposit_cash(account_number=account.number, amount=inr("10"), initiator="t")) is ErrorCode.ACCOUNT_NOT_ACTIVE
    await verify_kyc(member_number=owner)
    await account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    roles = sorted(await AccountHolder.filter(account=account).values_list("role", flat=True))
    assert roles == ["nominee", "owner"]
    assert await code_of(open_account(product_code="SB0", holders=[(owner, HolderRole.NOMINEE)])) is ErrorCode.HOLDER_REQUIRED
    assert await code_of(open_account(product_code="NOPE", holders=[(owner, HolderRole.OWNER)])) is ErrorCode.NOT_FOUND


async def test_a_minimum_balance_refusal_says_min_balance_and_how_much_may_be_taken(db: str) -> None:
    await small_bank()
    savings = await make_account("SB", deposit="1000.00")  # minimum balance 500.00
    with pytest.raises(DomainError) as refused:
        await withdraw_cash(account_number=savings, amount=inr("600.00"), initiator="t")
    assert refused.value.code is ErrorCode.MIN_BALANCE
    assert "minimum balance of 500.00 INR" in refused.value.message
    assert "at most 500.00 INR may be taken" in refused.value.message


async def test_deposit_withdraw_and_floors(db: str) -> None:
    await small_bank()
    savings = await make_account("SB", deposit="1000.00")  # minimum balance 500.00
    posted = await withdraw_cash(account_number=savings, amount=inr("500.00"), initiator="t")
    assert posted.balances_minor and list(posted.balances_minor.values()) == [50_000]
    assert await code_of(withdraw_cash(account_number=savings, amount=inr("0.01"), initiator="t")) is ErrorCode.MIN_BALANCE
    current = await make_account("CA")  # overdraft 10,000.00
    await withdraw_cash(account_number=current, amount=inr("10000.00"), initiator="t")
    assert (await account_balance(account_number=current)).ledger == inr("-10000.00")
    assert await code_of(withdraw_cash(account_number=current, amount=inr("0.01"), initiator="t")) is ErrorCode.INSUFFICIENT_FUNDS
    # Below the floor an account still takes credits.
    await deposit_cash(account_number=current, amount=inr("0.01"), initiator="t")
    assert (await account_balance(account_number=current)).available == inr("0.01")
    assert await code_of(deposit_cash(account_number=savings, amount=inr("0"), initiator="t")) is ErrorCode.INVALID_AMOUNT
    assert await code_of(deposit_cash(account_number=savings, amount=Money_eur(), initiator="t")) is ErrorCode.CURRENCY_MISMATCH
    assert (await verify_ledger()).ok


def Money_eur():
    from bankcore.money import Money

    return Money(100, "EUR")


async def test_transfer_rules(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    posted = await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("40.00"), initiator="t")
    assert sorted(posted.balances_minor.values()) == [4000, 6000]
    assert await code_of(transfer_funds(from_account_number=a, to_account_number=a, amount=inr("1"), initiator="t")) is ErrorCode.SAME_ACCOUNT
    assert await code_of(transfer_funds(from_account_number=a, to_account_number=b, amount=inr("60.01"), initiator="t")) is ErrorCode.INSUFFICIENT_FUNDS
    assert await code_of(transfer_funds(from_account_number=a, to_account_number="001000000999", amount=inr("1"), initiator="t")) in {ErrorCode.INVALID_ACCOUNT_NUMBER, ErrorCode.NOT_FOUND}
    assert await code_of(transfer_funds(from_account_number="12", to_account_number=b, amount=inr("1"), initiator="t")) is ErrorCode.INVALID_ACCOUNT_NUMBER
    # A frozen account takes money in but lets none out; a closed one takes nothing.
    await change_account_status(account_number=b, status=AccountStatus.FROZEN)
    await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("1.00"), initiator="t")
    assert await code_of(transfer_funds(from_account_number=b, to_account_number=a, amount=inr("1.00"), initiator="t")) is ErrorCode.ACCOUNT_NOT_ACTIVE
    empty = await make_account("SB0")
    await change_account_status(account_number=empty, status=AccountStatus.CLOSED)
    assert await code_of(deposit_cash(account_number=empty, amount=inr("1"), initiator="t")) is ErrorCode.ACCOUNT_NOT_ACTIVE
    assert await code_of(change_account_status(account_number=a, status=AccountStatus.CLOSED)) is ErrorCode.INVALID_INPUT
    # Failed attempts wrote nothing.
    assert await JournalEntry.all().count() == 3
    assert (await verify_ledger()).ok


async def test_idempotency_key_replays_or_conflicts(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    first = await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("100.00"), initiator="t", idempotency_key="k-1")
    # The retry returns the original even though the payer could not afford it again.
    again = await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("100.00"), initiator="t", idempotency_key="k-1")
    assert again.replayed and again.entry_id == first.entry_id
    assert await JournalEntry.filter(idempotency_key="k-1").count() == 1
    assert await code_of(
        transfer_funds(from_account_number=a, to_account_number=b, amount=inr("1.00"), initiator="t", idempotency_key="k-1")
    ) is ErrorCode.IDEMPOTENCY_CONFLICT
    assert await code_of(deposit_cash(account_number=a, amount=inr("100.00"), initiator="t", idempotency_key="k-1")) is ErrorCode.IDEMPOTENCY_CONFLICT


async def test_concurrent_retries_with_one_key_post_once(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    results = await asyncio.gather(
        *(transfer_funds(from_account_number=a, to_account_number=b, amount=inr("10.00"), initiator="t", idempotency_key="same")
          for _ in range(5))
    )
    assert len({r.entry_id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert await JournalEntry.filter(idempotency_key="same").count() == 1
    assert (await account_balance(account_number=a)).ledger == inr("90.00")


async def test_reversal_mirrors_the_original_once(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    original = await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("30.00"), initiator="t")
    reversal = await reverse_entry(entry_id=original.entry_id, reason="keyed twice", initiator="checker")
    assert (await account_balance(account_number=a)).ledger == inr("100.00")
    assert (await account_balance(account_number=b)).ledger == inr("0.00")
    legs = await Posting.filter(entry_id=reversal.entry_id).values_list("side", "amount_minor")
    assert sorted(legs) == [("C", 3000), ("D", 3000)]
    assert (await JournalEntry.get(id=reversal.entry_id)).reverses_id == original.entry_id
    assert await Posting.filter(entry_id=original.entry_id).count() == 2  # the original stands
    assert await code_of(reverse_entry(entry_id=original.entry_id, reason="again", initiator="c")) is ErrorCode.ALREADY_REVERSED
    assert await code_of(reverse_entry(entry_id=reversal.entry_id, reason="undo", initiator="c")) is ErrorCode.CANNOT_REVERSE_REVERSAL
    assert await code_of(reverse_entry(entry_id=999999, reason="x", initiator="c")) is ErrorCode.NOT_FOUND
    assert await code_of(reverse_entry(entry_id=original.entry_id, reason="  ", initiator="c")) is ErrorCode.INVALID_INPUT
    # Reversing a deposit whose money has gone would break the floor: refused.
    c = await make_account("SB0")
    deposit = await deposit_cash(account_number=c, amount=inr("50.00"), initiator="t")
    await withdraw_cash(account_number=c, amount=inr("50.00"), initiator="t")
    assert await code_of(reverse_entry(entry_id=deposit.entry_id, reason="bounced", initiator="c")) is ErrorCode.INSUFFICIENT_FUNDS
    assert (await verify_ledger()).ok


async def test_statement_running_balance_and_paging(db: str) -> None:
    await small_bank()
    a = await make_account("SB0")
    for day, amount in [(1, "100.00"), (2, "50.00"), (2, "25.00"), (5, "10.00"), (9, "1.00")]:
        await deposit_cash(account_number=a, amount=inr(amount), initiator="t", value_date=date(2026, 3, day))
    await withdraw_cash(account_number=a, amount=inr("20.00"), initiator="t", value_date=date(2026, 3, 5))
    full = await account_statement(account_number=a, from_date=date(2026, 3, 2), to_date=date(2026, 3, 5))
    assert full.opening_balance == inr("100.00")
    assert full.closing_balance == inr("165.00")
    assert [str(line.running_balance.to_plain()) for line in full.lines] == ["150.00", "175.00", "185.00", "165.00"]
    assert full.next_cursor is None
    pages, cursor = [], None
    while True:
        page = await account_statement(account_number=a, from_date=date(2026, 3, 2), to_date=date(2026, 3, 5), after=cursor, limit=3)
        pages.append(page.lines)
        assert page.opening_balance == full.opening_balance and page.closing_balance == full.closing_balance
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [len(p) for p in pages] == [3, 1]
    assert [line for p in pages for line in p] == list(full.lines)
    assert await code_of(account_statement(account_number=a, from_date=date(2026, 3, 5), to_date=date(2026, 3, 1))) is ErrorCode.INVALID_DATE
    assert await code_of(account_statement(account_number=a, from_date=date(2026, 3, 1), to_date=date(2026, 3, 5), after="garbage!")) is ErrorCode.INVALID_INPUT


async def test_events_follow_commits_only(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="10.00")
    ledger_id = (await get_account(a)).ledger_account_id
    async with broker.subscribe(f"account:{ledger_id}") as queue:
        await deposit_cash(account_number=a, amount=inr("5.00"), initiator="t")
        with pytest.raises(DomainError):
            await withdraw_cash(account_number=a, amount=inr("500.00"), initiator="t")
        events = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [type(e) for e in events] == [EntryPosted, BalanceChanged]
    assert events[1].balance_minor == 1500


async def test_verify_finds_a_tampered_balance(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="10.00")
    assert (await verify_ledger()).ok
    await get_connection("default").execute_script(
        f"UPDATE ledger_account SET balance_minor = balance_minor + 1 WHERE code = '{a}'"
    )
    report = await verify_ledger()
    assert not report.ok and a in report.problems[0]


@pytest.mark.postgres
async def test_postgres_refuses_update_and_delete_of_ledger_rows(db: str) -> None:
    await small_bank()
    await make_account("SB0", deposit="10.00")
    conn = get_connection("default")
    for sql in ("UPDATE posting SET amount_minor = 1", "DELETE FROM posting",
                "UPDATE journal_entry SET narration = 'x'", "DELETE FROM journal_entry"):
        with pytest.raises(BaseORMException, match="append-only"):
            await conn.execute_script(sql)
    assert await Posting.all().count() == 2
    with pytest.raises(BaseORMException):
        await conn.execute_script("INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
                                  "SELECT entry_id, ledger_account_id, side, 0, currency, value_date FROM posting LIMIT 1")
    # a posting's entry and account must exist (a statement trigger, migration 0031): one bad
    # row refuses the whole statement, and a referenced account can be neither deleted nor renumbered
    insert = ("INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
              "SELECT {entry}, {account}, side, amount_minor, currency, value_date FROM posting")
    for entry, account in (("entry_id + 1000", "ledger_account_id"),
                           ("entry_id", "CASE WHEN side = 'D' THEN ledger_account_id ELSE 999999 END")):
        with pytest.raises(BaseORMException, match="violates its reference"):
            await conn.execute_script(insert.format(entry=entry, account=account))
    for sql in ("DELETE FROM ledger_account", "UPDATE ledger_account SET id = id + 1000"):
        with pytest.raises(BaseORMException, match="never deleted"):
            await conn.execute_script(sql)
    assert await Posting.all().count() == 2
    assert (await verify_ledger()).ok


@pytest.mark.postgres
async def test_postgres_checks_the_references_of_a_large_statement_too(db: str) -> None:
    from tortoise.transactions import in_transaction

    await small_bank()
    await make_account("SB0", deposit="10.00")
    conn = get_connection("default")
    # 1,200 postings in one statement: past the 1,000 above which the check (migration 0032)
    # counts the missing keys with a hash anti-join instead of probing each key
    many = ("INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
            "SELECT {entry}, {account}, p.side, p.amount_minor, p.currency, p.value_date "
            "FROM posting p CROSS JOIN generate_series(1, 600) g")
    for entry, account in (("CASE WHEN g = 600 THEN p.entry_id + 1000 ELSE p.entry_id END", "p.ledger_account_id"),
                           ("CASE WHEN g = 1 THEN 0 ELSE p.entry_id END", "p.ledger_account_id"),
                           ("p.entry_id", "CASE WHEN g = 600 AND p.side = 'C' THEN 999999 ELSE p.ledger_account_id END")):
        with pytest.raises(BaseORMException, match="violates its reference"):
            await conn.execute_script(many.format(entry=entry, account=account))

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with in_transaction() as tx:
            await tx.execute_script(many.format(entry="p.entry_id", account="p.ledger_account_id"))
            assert await Posting.all().using_db(tx).count() == 1202
            raise Undo
    assert await Posting.all().count() == 2
    assert (await verify_ledger()).ok


async def test_kyc_documents_keep_only_a_masked_number(db: str) -> None:
    from datetime import timedelta

    from bankcore.models import KycDocument, KycDocumentType
    from bankcore.services.members import record_kyc_document

    await small_bank()
    number = await make_member("Anil")
    doc = await record_kyc_document(member_number=number, doc_type=KycDocumentType.PASSPORT, reference="Z 1234 5678",
                                    expires_on=date.today() + timedelta(days=400))
    assert doc.reference_masked == "XXXXX5678"
    stored = await KycDocument.get(id=doc.id).values()
    assert "12345678" not in str(stored)
    assert await code_of(record_kyc_document(member_number=number, doc_type=KycDocumentType.PASSPORT, reference="Z12345678",
                                             expires_on=date.today() - timedelta(days=1))) is ErrorCode.INVALID_DATE
    assert await code_of(record_kyc_document(member_number="00000000", doc_type=KycDocumentType.PAN, reference="ABCDE1234F")) is ErrorCode.NOT_FOUND


async def test_a_transfer_between_accounts_seen_before_looks_nothing_up_and_still_checks_status(db: str) -> None:
    from bankcore.services._lookup import get_account_keys, get_accounts
    from tests.api.round_trips import counting_round_trips

    # given two accounts a first transfer has resolved
    await small_bank()
    payer, payee = await make_account("SB0", deposit="100.00"), await make_account("SB0")
    await transfer_funds(from_account_number=payer, to_account_number=payee, amount=inr("1.00"), initiator="test")
    wanted = {"from_account_number": f"{payer[:4]}-{payer[4:]}", "to_account_number": payee}
    # when they are resolved again
    with counting_round_trips() as sent:
        keys = await get_account_keys(wanted)
    # then without a query, and to what the database says of them
    assert len(sent) == 0
    refs = await get_accounts(wanted)
    assert {f: (k.id, k.number, k.ledger_account_id, k.currency) for f, k in keys.items()} == {
        f: (r.id, r.number, r.ledger_account_id, r.currency) for f, r in refs.items()}
    # and a malformed or unknown number is refused as get_accounts refuses it, naming the field
    for numbers in ({"from_account_number": payer, "to_account_number": "123"},
                    {"from_account_number": "001999999996", "to_account_number": payee}):
        with pytest.raises(DomainError) as cached:
            await get_account_keys(numbers)
        with pytest.raises(DomainError) as fresh:
            await get_accounts(numbers)
        assert (cached.value.code, cached.value.field, cached.value.message) == (
            fresh.value.code, fresh.value.field, fresh.value.message)
    # and what may change (status, balance) is still checked by the posting: a frozen payer is refused
    await change_account_status(account_number=payer, status=AccountStatus.FROZEN)
    with pytest.raises(DomainError) as refused:
        await transfer_funds(from_account_number=payer, to_account_number=payee, amount=inr("1.00"), initiator="test")
    assert refused.value.code is ErrorCode.ACCOUNT_NOT_ACTIVE
