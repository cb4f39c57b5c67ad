"""Share capital: buying shares (with the admission fee on joining), transfers, redemption.

Rules (the bank's bye-laws, as settings in ``bankcore.shares.settings``):

* a member joins by buying at least ``shares.minimum_holding`` shares and paying the
  admission fee once (again if they left and come back);
* shares are paid up in full at the nominal value in force on the day
  (``shares.nominal_value_minor``): Dr the member's savings account (or cash at the
  counter), Cr share capital (3100), and the fee Cr admission fees (4451);
* a transfer moves shares from one member to another who is already a shareholder; no
  money moves in the bank's books;
* a redemption pays the paid-up value back (Dr 3100, Cr savings or cash);
* after a transfer or redemption the holding is either nothing (the member leaves) or at
  least the minimum; while the member has a loan it must stay at least the minimum
  (``MEMBER_HAS_LOAN``).

Certificates are consumed oldest first; a part-used certificate is cancelled and a
balance certificate issued. Every operation takes an idempotency key: a retry with the same
key and request returns the original, the same key with another request is
``IDEMPOTENCY_CONFLICT``. Operations of one member queue on their ``share_account`` row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import ADMISSION_FEES, CASH, SHARE_CAPITAL
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import (
    AccountHolder,
    CertificateStatus,
    EntryType,
    KycStatus,
    Member,
    ShareAccount,
    ShareCertificate,
    ShareTransaction,
    ShareTransactionKind,
)
from bankcore.services._lookup import AccountRef, get_account, gl_account_id
from bankcore.settings import BANK_CURRENCY
from bankcore.shares.loans_link import member_has_outstanding_loan
from bankcore.shares.settings import ADMISSION_FEE, MINIMUM_SHARES, NOMINAL_VALUE

MAX_SHARES_PER_OPERATION = 1_000_000


@dataclass(frozen=True, slots=True)
class ShareOperation:
    """The outcome of a purchase, transfer or redemption."""

    transaction: ShareTransaction
    certificates: list[ShareCertificate] = field(default_factory=list)
    replayed: bool = False


def _check(shares: int, idempotency_key: str) -> None:
    if type(shares) is not int or not 1 <= shares <= MAX_SHARES_PER_OPERATION:
        raise DomainError(ErrorCode.INVALID_INPUT, f"shares must be a whole number from 1 to {MAX_SHARES_PER_OPERATION:,}",
                          field="shares")
    if not (1 <= len(idempotency_key) <= 90 and idempotency_key.isprintable()):
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotency key must be 1-90 printable characters", field="idempotency_key")


async def _member(number: str, field: str) -> Member:
    member = await Member.get_or_none(member_number="".join((number or "").split())[:20])
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no member {number}", field=field)
    return member


async def _replay(key: str, fingerprint: str) -> ShareOperation | None:
    existing = await ShareTransaction.get_or_none(idempotency_key=key)
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was already used for a different request",
                          field="idempotency_key")
    certificates = await ShareCertificate.filter(issued_by_id=existing.id).order_by("id")
    return ShareOperation(existing, certificates, replayed=True)


async def _members_account(member: Member, number: str, field: str) -> AccountRef:
    """The member's own account ``number`` (owner or joint holder) to pay from or into."""
    account = await get_account(number, field=field)
    if not await AccountHolder.exists(account_id=account.id, member_id=member.id, role__in=("owner", "joint")):
        raise DomainError(ErrorCode.NOT_FOUND, f"account {account.number} is not held by member {member.member_number}", field=field)
    return account


async def holding(member_id: int, *, conn: BaseDBAsyncClient | None = None) -> int:
    """Shares member ``member_id`` holds now (their active certificates)."""
    conn = conn or get_connection("default")
    mark = placeholders(conn, 1)[0]
    rows = await fetch(conn, "SELECT COALESCE(SUM(shares), 0) AS total FROM share_certificate "
                             f"WHERE member_id = {mark} AND status = 'active'", [member_id])
    return int(rows[0]["total"])


async def holding_on(member_id: int, on: date) -> tuple[int, int]:
    """(shares, paid-up value in minor units) member ``member_id`` held at the end of ``on``."""
    rows = await ShareCertificate.filter(member_id=member_id, issued_on__lte=on).values_list(
        "shares", "nominal_minor", "cancelled_on")
    held = [(s, n) for s, n, cancelled in rows if cancelled is None or _as_date(cancelled) > on]
    return sum(s for s, _ in held), sum(s * n for s, n in held)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _lock_share_account(conn: BaseDBAsyncClient, member_id: int) -> ShareAccount | None:
    return await ShareAccount.filter(member_id=member_id).select_for_update().using_db(conn).first()


async def _issue(conn: BaseDBAsyncClient, txn: ShareTransaction, member_id: int, parts: list[tuple[int, int]],
                 currency: str, on: date, *, start: int = 1) -> list[ShareCertificate]:
    """Issue one certificate per (shares, nominal) part, numbered SC-<transaction>-<n> from ``start``."""
    issued = []
    for n, (shares, nominal) in enumerate(parts, start=start):
        issued.append(await ShareCertificate.create(
            using_db=conn, number=f"SC-{txn.id:07d}-{n}", member_id=member_id, shares=shares, nominal_minor=nominal,
            currency=currency, issued_on=on, issued_by_id=txn.id,
        ))
    return issued


async def _plan_release(conn: BaseDBAsyncClient | None, member_id: int, shares: int) -> tuple[list[ShareCertificate], list[tuple[int, int]]]:
    """Certificates to cancel (oldest first) and the (shares, nominal) parts taken from them.

    Raises ``INSUFFICIENT_SHARES`` when the member holds fewer than ``shares``.
    """
    query = ShareCertificate.filter(member_id=member_id, status=CertificateStatus.ACTIVE).order_by("issued_on", "id")
    if conn is not None:
        query = query.using_db(conn)
    certificates = await query
    held = sum(c.shares for c in certificates)
    if held < shares:
        raise DomainError(ErrorCode.INSUFFICIENT_SHARES, f"the member holds {held} shares, fewer than {shares}", field="shares")
    cancel: list[ShareCertificate] = []
    parts: list[tuple[int, int]] = []
    left = shares
    for certificate in certificates:
        if left == 0:
            break
        take = min(left, certificate.shares)
        cancel.append(certificate)
        parts.append((take, certificate.nominal_minor))
        left -= take
    return cancel, parts


async def _check_remaining(member: Member, held: int, shares: int, *, conn: BaseDBAsyncClient | None = None) -> int:
    """The holding after giving up ``shares``: 0 or at least the minimum, and the minimum while a loan is outstanding."""
    remaining = held - shares
    minimum = await MINIMUM_SHARES.get()
    if remaining < minimum and await member_has_outstanding_loan(member.id, conn=conn):
        raise DomainError(ErrorCode.MEMBER_HAS_LOAN,
                          f"the member has a loan: they must keep at least {minimum} shares (holds {held})", field="shares")
    if 0 < remaining < minimum:
        raise DomainError(ErrorCode.BELOW_MINIMUM_SHARES,
                          f"a member keeps at least {minimum} shares or redeems them all (holds {held})", field="shares")
    return remaining


async def _release(conn: BaseDBAsyncClient, txn: ShareTransaction, member_id: int, cancel: list[ShareCertificate],
                   parts: list[tuple[int, int]], currency: str, on: date) -> list[ShareCertificate]:
    """Cancel ``cancel``; a part-used last certificate gets a balance certificate back to the member."""
    balance: list[tuple[int, int]] = []
    for certificate, (take, _) in zip(cancel, parts, strict=True):
        updated = await ShareCertificate.filter(id=certificate.id, status=CertificateStatus.ACTIVE).using_db(conn).update(
            status=CertificateStatus.CANCELLED, cancelled_on=on, cancelled_by_id=txn.id)
        if updated != 1:
            raise DomainError(ErrorCode.INVALID_INPUT, "the holding changed meanwhile; try again", field="shares")
        if take < certificate.shares:
            balance.append((certificate.shares - take, certificate.nominal_minor))
    return balance


async def purchase_shares(*, member_number: str, shares: int, initiator: str, idempotency_key: str,
                          from_account_number: str | None = None) -> ShareOperation:
    """Sell ``shares`` new shares to a member, paid from their account or in cash.

    A member who is not yet a shareholder (or has left) must buy at least the minimum
    holding and pays the admission fee in the same entry. With ``from_account_number``
    the money comes from that account, which the member must hold; without it, from cash
    at the counter. Raises ``DomainError``: ``INVALID_INPUT`` (shares or key), ``NOT_FOUND``
    (member, or an account not theirs), ``KYC_INCOMPLETE``, ``BELOW_MINIMUM_SHARES`` (a
    first purchase under the minimum), ``INSUFFICIENT_FUNDS``, ``IDEMPOTENCY_CONFLICT``
    and ``post_entry``'s other codes.
    """
    _check(shares, idempotency_key)
    member = await _member(member_number, "member_number")
    fingerprint = request_fingerprint({"op": "purchase_shares", "member": member.member_number, "shares": shares,
                                       "from": from_account_number})
    if (replayed := await _replay(idempotency_key, fingerprint)) is not None:
        return replayed
    if member.kyc_status != KycStatus.VERIFIED:
        raise DomainError(ErrorCode.KYC_INCOMPLETE, "the member's KYC is not verified", field="member_number")
    for attempt in range(2):  # a first purchase racing another first purchase is retried once, as a later one
        try:
            return await _purchase(member, shares, initiator, idempotency_key, fingerprint, from_account_number)
        except IntegrityError:
            if (replayed := await _replay(idempotency_key, fingerprint)) is not None:
                return replayed
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _purchase(member: Member, shares: int, initiator: str, key: str, fingerprint: str,
                    from_account_number: str | None) -> ShareOperation:
    currency = await BANK_CURRENCY.get()
    nominal = await NOMINAL_VALUE.get()
    account = await ShareAccount.get_or_none(member_id=member.id)
    joining = account is None or account.left_on is not None
    fee = await ADMISSION_FEE.get() if joining else 0
    if joining:
        minimum = await MINIMUM_SHARES.get()
        if shares < minimum:
            raise DomainError(ErrorCode.BELOW_MINIMUM_SHARES, f"a new member buys at least {minimum} shares", field="shares")
    if from_account_number:
        source = await _members_account(member, from_account_number, "from_account_number")
        if source.currency != currency:
            raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"shares are paid in {currency}", field="from_account_number")
        source_id = source.ledger_account_id
    else:
        source_id = await gl_account_id(CASH, currency)
    amount = shares * nominal
    postings = [debit(source_id, amount + fee, currency), credit(await gl_account_id(SHARE_CAPITAL, currency), amount, currency)]
    if fee:
        postings.append(credit(await gl_account_id(ADMISSION_FEES, currency), fee, currency))
    result: dict[str, object] = {}

    async def effects(conn: BaseDBAsyncClient, entry_id: int) -> None:
        today = await business_date()
        locked = await _lock_share_account(conn, member.id)
        if locked is None:
            await ShareAccount.create(using_db=conn, member_id=member.id, admitted_on=today, admission_fee_minor=fee,
                                      currency=currency)
        elif joining != (locked.left_on is not None):
            raise DomainError(ErrorCode.INVALID_INPUT, "the membership changed meanwhile; try again", field="shares")
        elif joining:
            await ShareAccount.filter(id=locked.id).using_db(conn).update(admitted_on=today, admission_fee_minor=fee,
                                                                          left_on=None)
        txn = await ShareTransaction.create(
            using_db=conn, kind=ShareTransactionKind.PURCHASE, member_id=member.id, shares=shares, amount_minor=amount,
            admission_fee_minor=fee, currency=currency, entry_id=entry_id, business_date=today, idempotency_key=key,
            request_fingerprint=fingerprint, initiator=initiator[:100])
        result["txn"] = txn
        result["certificates"] = await _issue(conn, txn, member.id, [(shares, nominal)], currency, today)

    narration = f"{shares} shares of member {member.member_number}" + (" and admission fee" if fee else "")
    await post_entry(EntryDraft(
        entry_type=EntryType.SHARES, value_date=None, narration=narration, initiator=initiator,
        postings=tuple(postings), idempotency_key=f"shares:{key}", request_fingerprint=fingerprint,
    ), effects=effects)
    if "txn" not in result:  # the entry was a replay (a concurrent retry won)
        replayed = await _replay(key, fingerprint)
        assert replayed is not None
        return replayed
    return ShareOperation(result["txn"], result["certificates"])  # type: ignore[arg-type]


async def transfer_shares(*, from_member_number: str, to_member_number: str, shares: int, initiator: str,
                          idempotency_key: str) -> ShareOperation:
    """Transfer ``shares`` from one member to another who is already a shareholder.

    No money moves in the bank's books (the price is between the members). Raises
    ``DomainError``: ``INVALID_INPUT`` (shares, key, the same member twice), ``NOT_FOUND``,
    ``NOT_A_SHAREHOLDER`` (the receiver has not joined), ``INSUFFICIENT_SHARES``,
    ``BELOW_MINIMUM_SHARES``, ``MEMBER_HAS_LOAN``, ``IDEMPOTENCY_CONFLICT``.
    The certificates returned are the receiver's new ones (and a balance certificate of the giver).
    """
    _check(shares, idempotency_key)
    giver = await _member(from_member_number, "from_member_number")
    receiver = await _member(to_member_number, "to_member_number")
    fingerprint = request_fingerprint({"op": "transfer_shares", "from": giver.member_number, "to": receiver.member_number,
                                       "shares": shares})
    if (replayed := await _replay(idempotency_key, fingerprint)) is not None:
        return replayed
    if giver.id == receiver.id:
        raise DomainError(ErrorCode.INVALID_INPUT, "a member cannot transfer shares to themselves", field="to_member_number")
    receiving = await ShareAccount.get_or_none(member_id=receiver.id)
    if receiving is None or receiving.left_on is not None:
        raise DomainError(ErrorCode.NOT_A_SHAREHOLDER, f"member {receiver.member_number} is not a shareholder",
                          field="to_member_number")
    currency = await BANK_CURRENCY.get()
    today = await business_date()
    try:
        async with in_transaction() as conn:
            for member_id in sorted((giver.id, receiver.id)):  # one lock order everywhere
                await _lock_share_account(conn, member_id)
            cancel, parts = await _plan_release(conn, giver.id, shares)
            remaining = await _check_remaining(giver, await holding(giver.id, conn=conn), shares, conn=conn)
            txn = await ShareTransaction.create(
                using_db=conn, kind=ShareTransactionKind.TRANSFER, member_id=giver.id, counterparty_id=receiver.id,
                shares=shares, amount_minor=0, currency=currency, business_date=today, idempotency_key=idempotency_key,
                request_fingerprint=fingerprint, initiator=initiator[:100])
            balance = await _release(conn, txn, giver.id, cancel, parts, currency, today)
            issued = await _issue(conn, txn, receiver.id, parts, currency, today)
            if balance:
                issued += await _issue(conn, txn, giver.id, balance, currency, today, start=len(issued) + 1)
            if remaining == 0:
                await ShareAccount.filter(member_id=giver.id).using_db(conn).update(left_on=today)
    except IntegrityError:
        replayed = await _replay(idempotency_key, fingerprint)
        if replayed is None:
            raise
        return replayed
    return ShareOperation(txn, issued)


async def redeem_shares(*, member_number: str, shares: int, initiator: str, idempotency_key: str,
                        to_account_number: str | None = None) -> ShareOperation:
    """Pay back ``shares`` of a member's shares at their paid-up value.

    Into ``to_account_number`` (which the member must hold) or, without it, in cash. The
    holding left must be nothing (the member leaves) or at least the minimum, and at least
    the minimum while the member has a loan. Raises ``DomainError``: ``INVALID_INPUT``,
    ``NOT_FOUND``, ``INSUFFICIENT_SHARES``, ``BELOW_MINIMUM_SHARES``, ``MEMBER_HAS_LOAN``,
    ``IDEMPOTENCY_CONFLICT`` and ``post_entry``'s codes.
    """
    _check(shares, idempotency_key)
    member = await _member(member_number, "member_number")
    fingerprint = request_fingerprint({"op": "redeem_shares", "member": member.member_number, "shares": shares,
                                       "to": to_account_number})
    if (replayed := await _replay(idempotency_key, fingerprint)) is not None:
        return replayed
    currency = await BANK_CURRENCY.get()
    cancel, parts = await _plan_release(None, member.id, shares)
    await _check_remaining(member, await holding(member.id), shares)
    if to_account_number:
        target = await _members_account(member, to_account_number, "to_account_number")
        if target.currency != currency:
            raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"shares are paid in {currency}", field="to_account_number")
        target_id = target.ledger_account_id
    else:
        target_id = await gl_account_id(CASH, currency)
    amount = sum(n * nominal for n, nominal in parts)
    result: dict[str, object] = {}

    async def effects(conn: BaseDBAsyncClient, entry_id: int) -> None:
        today = await business_date()
        await _lock_share_account(conn, member.id)
        again_cancel, again_parts = await _plan_release(conn, member.id, shares)
        if [c.id for c in again_cancel] != [c.id for c in cancel] or again_parts != parts:
            raise DomainError(ErrorCode.INVALID_INPUT, "the holding changed meanwhile; try again", field="shares")
        remaining = await _check_remaining(member, await holding(member.id, conn=conn), shares, conn=conn)
        txn = await ShareTransaction.create(
            using_db=conn, kind=ShareTransactionKind.REDEMPTION, member_id=member.id, shares=shares, amount_minor=amount,
            currency=currency, entry_id=entry_id, business_date=today, idempotency_key=idempotency_key,
            request_fingerprint=fingerprint, initiator=initiator[:100])
        balance = await _release(conn, txn, member.id, cancel, parts, currency, today)
        result["txn"] = txn
        result["certificates"] = await _issue(conn, txn, member.id, balance, currency, today) if balance else []
        if remaining == 0:
            await ShareAccount.filter(member_id=member.id).using_db(conn).update(left_on=today)

    await post_entry(EntryDraft(
        entry_type=EntryType.SHARES, value_date=None, narration=f"{shares} shares of member {member.member_number} redeemed",
        initiator=initiator, postings=(debit(await gl_account_id(SHARE_CAPITAL, currency), amount, currency),
                                       credit(target_id, amount, currency)),
        idempotency_key=f"shares:{idempotency_key}", request_fingerprint=fingerprint,
    ), effects=effects)
    if "txn" not in result:
        replayed = await _replay(idempotency_key, fingerprint)
        assert replayed is not None
        return replayed
    return ShareOperation(result["txn"], result["certificates"])  # type: ignore[arg-type]
