"""Dividend on share capital: proposed by the accountant, approved by a manager, credited to savings.

* A dividend is declared for a closed financial year (its net profit and s.63
  appropriation are booked), at an annual rate on the paid-up share capital each member
  held at the end of that year (their certificates on 31 March): pro rata to shares held.
  Each member's dividend is ``paid-up x rate``, rounded half up to the paisa.
* Refused when the bank's net NPA ratio is at or above ``dividend.max_net_npa_bps`` (RBI:
  UCBs may declare dividend only with net NPA below 5 %; ``npa_gate.net_npa_bps``), when
  the rate is above the bank's cap (``dividend.max_rate_bps``), and when the total is more
  than the undistributed profit in the profit and loss appropriation account (3290).
* Maker-checker: the manager who approves must not be who proposed. The gates are checked
  again on approval. Approval credits each member's savings account (their oldest open
  savings account in the bank's currency) and, for a member with none, the unpaid-dividend
  register (2452); Dr 3290. One entry per chunk of members, each under its own
  idempotency key, so an approval that crashed or is repeated pays nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError

from bankcore.books.financial_year import year_bounds, year_label
from bankcore.calendar.business_date import business_date
from bankcore.chart import PROFIT_AND_LOSS, UNPAID_DIVIDEND
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import DividendDeclaration, DividendPayment, DividendStatus, EntryType, FinancialYearClose
from bankcore.services._lookup import gl_account_id
from bankcore.settings import BANK_CURRENCY
from bankcore.shares.npa_gate import net_npa_bps
from bankcore.shares.settings import DIVIDEND_CAP_BPS, DIVIDEND_MAX_NET_NPA_BPS

CHUNK = 200  # members per journal entry


@dataclass(frozen=True, slots=True)
class MemberDividend:
    """One member's dividend before it is paid."""

    member_id: int
    shares: int
    paid_up_minor: int
    amount_minor: int
    account_id: int | None  # the savings account it goes to; None: unpaid-dividend register
    ledger_account_id: int | None


def dividend_minor(paid_up_minor: int, rate_bps: int) -> int:
    """``paid_up_minor x rate_bps / 10,000``, rounded half up to the minor unit."""
    return int((Decimal(paid_up_minor) * rate_bps / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def member_dividends(*, financial_year: int, rate_bps: int, currency: str) -> list[MemberDividend]:
    """Every member's dividend for ``financial_year`` at ``rate_bps``, by member id (one set-based query).

    Holdings are the certificates active at the end of 31 March of the year.
    """
    year_end = year_bounds(financial_year)[1]
    conn = get_connection("default")
    m = placeholders(conn, 4)
    rows = await fetch(
        conn,
        "SELECT h.member_id, h.shares, h.paid_up, sav.account_id, sav.ledger_account_id FROM ("
        "  SELECT member_id, SUM(shares) AS shares, SUM(shares * nominal_minor) AS paid_up FROM share_certificate"
        f"  WHERE currency = {m[0]} AND issued_on <= {m[1]} AND (cancelled_on IS NULL OR cancelled_on > {m[2]})"
        "  GROUP BY member_id) h "
        "LEFT JOIN ("
        "  SELECT ah.member_id, MIN(a.id) AS account_id, MIN(a.ledger_account_id) AS ledger_account_id"
        "  FROM account_holder ah JOIN account a ON a.id = ah.account_id JOIN product p ON p.id = a.product_id"
        "  JOIN ledger_account la ON la.id = a.ledger_account_id"
        f"  WHERE ah.role = 'owner' AND p.kind = 'savings' AND a.status IN ('active', 'dormant', 'frozen') AND la.currency = {m[3]}"
        "  GROUP BY ah.member_id) sav ON sav.member_id = h.member_id "
        "WHERE h.shares > 0 ORDER BY h.member_id",
        [currency, year_end, year_end, currency],
    )
    out = []
    for row in rows:
        amount = dividend_minor(int(row["paid_up"]), rate_bps)
        if amount > 0:
            out.append(MemberDividend(row["member_id"], int(row["shares"]), int(row["paid_up"]), amount,
                                      row["account_id"], row["ledger_account_id"]))
    return out


async def undistributed_profit_minor(currency: str) -> int:
    """Balance of the profit and loss appropriation account (3290): profit of closed years not yet distributed."""
    account_id = await gl_account_id(PROFIT_AND_LOSS, currency)
    conn = get_connection("default")
    mark = placeholders(conn, 1)[0]
    rows = await fetch(conn, "SELECT COALESCE(SUM(CASE WHEN side = 'C' THEN amount_minor ELSE -amount_minor END), 0) AS b "
                             f"FROM posting WHERE ledger_account_id = {mark}", [account_id])
    return int(rows[0]["b"])


async def _gates(*, financial_year: int, rate_bps: int, currency: str, total_minor: int) -> int:
    """Check the dividend may be paid; returns the net NPA in bps. Raises the refusals of ``propose_dividend``."""
    closed = await FinancialYearClose.get_or_none(year_start=year_bounds(financial_year)[0], currency=currency)
    if closed is None or not closed.completed:
        raise DomainError(ErrorCode.YEAR_NOT_CLOSED, f"close {year_label(financial_year)} before declaring its dividend",
                          field="financial_year")
    cap = await DIVIDEND_CAP_BPS.get()
    if rate_bps > cap:
        raise DomainError(ErrorCode.RATE_ABOVE_CAP, f"the bank's dividend cap is {Decimal(cap) / 100}%", field="rate")
    npa = await net_npa_bps(currency=currency)
    limit = await DIVIDEND_MAX_NET_NPA_BPS.get()
    if npa >= limit:
        raise DomainError(ErrorCode.NPA_TOO_HIGH,
                          f"net NPA is {Decimal(npa) / 100}%; a dividend needs it below {Decimal(limit) / 100}% (RBI)",
                          field="rate")
    surplus = await undistributed_profit_minor(currency)
    if total_minor > surplus:
        raise DomainError(ErrorCode.DIVIDEND_EXCEEDS_SURPLUS,
                          f"the dividend ({total_minor} minor units) is more than the undistributed profit ({surplus})",
                          field="rate")
    return npa


async def propose_dividend(*, financial_year: int, rate_bps: int, initiator: str, idempotency_key: str) -> DividendDeclaration:
    """Propose a dividend of ``rate_bps`` (basis points a year on paid-up capital) for ``financial_year``.

    Raises ``DomainError``: ``INVALID_RATE`` (not 1-10,000 bps), ``INVALID_INPUT`` (key),
    ``YEAR_NOT_CLOSED``, ``RATE_ABOVE_CAP``, ``NPA_TOO_HIGH``, ``DIVIDEND_EXCEEDS_SURPLUS``,
    ``DIVIDEND_EXISTS`` (one already proposed or paid for the year),
    ``IDEMPOTENCY_CONFLICT``. The same key and request returns the original proposal.
    """
    if type(rate_bps) is not int or not 1 <= rate_bps <= 10_000:
        raise DomainError(ErrorCode.INVALID_RATE, "the rate must be above 0 and at most 100%", field="rate")
    if not (1 <= len(idempotency_key) <= 100 and idempotency_key.isprintable()):
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotency key must be 1-100 printable characters", field="idempotency_key")
    fingerprint = request_fingerprint({"op": "propose_dividend", "year": financial_year, "rate_bps": rate_bps})
    existing = await DividendDeclaration.get_or_none(idempotency_key=idempotency_key)
    if existing is not None:
        if existing.request_fingerprint != fingerprint:
            raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was already used for a different request",
                              field="idempotency_key")
        return existing
    if await DividendDeclaration.exists(financial_year=financial_year,
                                        status__in=(DividendStatus.PROPOSED, DividendStatus.CREDITED)):
        raise DomainError(ErrorCode.DIVIDEND_EXISTS, f"a dividend for {year_label(financial_year)} is already proposed or paid",
                          field="financial_year")
    currency = await BANK_CURRENCY.get()
    payments = await member_dividends(financial_year=financial_year, rate_bps=rate_bps, currency=currency)
    total = sum(p.amount_minor for p in payments)
    npa = await _gates(financial_year=financial_year, rate_bps=rate_bps, currency=currency, total_minor=total)
    try:
        return await DividendDeclaration.create(
            financial_year=financial_year, rate_bps=rate_bps, currency=currency, proposed_by=initiator[:100],
            proposed_on=await business_date(), net_npa_bps=npa, total_minor=total, members=len(payments),
            idempotency_key=idempotency_key, request_fingerprint=fingerprint,
        )
    except IntegrityError:
        again = await DividendDeclaration.get_or_none(idempotency_key=idempotency_key)
        if again is None or again.request_fingerprint != fingerprint:
            raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was already used", field="idempotency_key") from None
        return again


async def approve_dividend(*, declaration_id: int, approver: str) -> DividendDeclaration:
    """Approve a proposed dividend and credit it (maker-checker). Safe to repeat.

    Raises ``DomainError``: ``NOT_FOUND``, ``DIVIDEND_NOT_PROPOSED`` (rejected; an already
    credited dividend is returned as it is), ``APPROVAL_SAME_USER`` (the approver proposed
    it), and the gates of ``propose_dividend`` checked again (``NPA_TOO_HIGH``,
    ``RATE_ABOVE_CAP``, ``DIVIDEND_EXCEEDS_SURPLUS``).
    """
    declaration = await DividendDeclaration.get_or_none(id=declaration_id)
    if declaration is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no dividend {declaration_id}", field="dividend_id")
    if declaration.status == DividendStatus.CREDITED:
        return declaration
    if declaration.status != DividendStatus.PROPOSED:
        raise DomainError(ErrorCode.DIVIDEND_NOT_PROPOSED, f"the dividend is {declaration.status}", field="dividend_id")
    if declaration.proposed_by == approver:
        raise DomainError(ErrorCode.APPROVAL_SAME_USER, "the approver must be a different user from who proposed it")
    currency = declaration.currency
    payments = await member_dividends(financial_year=declaration.financial_year, rate_bps=declaration.rate_bps,
                                      currency=currency)
    total = sum(p.amount_minor for p in payments)
    already = await DividendPayment.filter(declaration_id=declaration.id).count()
    npa = declaration.net_npa_bps
    if already == 0:  # a resumed approval has paid part already: the gates were passed then
        npa = await _gates(financial_year=declaration.financial_year, rate_bps=declaration.rate_bps, currency=currency,
                           total_minor=total)
    pl = await gl_account_id(PROFIT_AND_LOSS, currency)
    unpaid_gl = await gl_account_id(UNPAID_DIVIDEND, currency)
    label = year_label(declaration.financial_year)
    for start in range(0, len(payments), CHUNK):
        chunk = payments[start:start + CHUNK]
        await _pay_chunk(declaration, chunk, start // CHUNK, pl, unpaid_gl, label, approver)
    credited = sum(p.amount_minor for p in payments if p.account_id is not None)
    await DividendDeclaration.filter(id=declaration.id, status=DividendStatus.PROPOSED).update(
        status=DividendStatus.CREDITED, approved_by=approver[:100], decided_on=await business_date(), net_npa_bps=npa,
        total_minor=total, credited_minor=credited, unpaid_minor=total - credited, members=len(payments),
    )
    await declaration.refresh_from_db()
    return declaration


async def _pay_chunk(declaration: DividendDeclaration, chunk: list[MemberDividend], n: int, pl: int, unpaid_gl: int,
                     label: str, approver: str) -> None:
    currency = declaration.currency
    total = sum(p.amount_minor for p in chunk)
    unpaid = sum(p.amount_minor for p in chunk if p.ledger_account_id is None)
    postings = [debit(pl, total, currency)]
    postings += [credit(p.ledger_account_id, p.amount_minor, currency) for p in chunk if p.ledger_account_id is not None]
    if unpaid:
        postings.append(credit(unpaid_gl, unpaid, currency))

    async def record(conn: BaseDBAsyncClient, entry_id: int) -> None:
        await DividendPayment.bulk_create([
            DividendPayment(declaration_id=declaration.id, member_id=p.member_id, shares=p.shares,
                            paid_up_minor=p.paid_up_minor, amount_minor=p.amount_minor, currency=currency,
                            account_id=p.account_id, unpaid=p.account_id is None, entry_id=entry_id)
            for p in chunk
        ], using_db=conn)

    await post_entry(EntryDraft(
        entry_type=EntryType.DIVIDEND, value_date=None,
        narration=f"Dividend {label} at {Decimal(declaration.rate_bps) / 100}% on shares", initiator=approver,
        postings=tuple(postings), idempotency_key=f"dividend:{declaration.id}:{n}",
        request_fingerprint=request_fingerprint({"op": "dividend", "id": declaration.id, "chunk": n,
                                                 "members": [(p.member_id, p.amount_minor) for p in chunk]}),
    ), effects=record)


async def reject_dividend(*, declaration_id: int, checker: str) -> DividendDeclaration:
    """Reject a proposed dividend (a new one may then be proposed). ``NOT_FOUND``, ``DIVIDEND_NOT_PROPOSED``, ``APPROVAL_SAME_USER``."""
    declaration = await DividendDeclaration.get_or_none(id=declaration_id)
    if declaration is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no dividend {declaration_id}", field="dividend_id")
    if declaration.status != DividendStatus.PROPOSED:
        raise DomainError(ErrorCode.DIVIDEND_NOT_PROPOSED, f"the dividend is {declaration.status}", field="dividend_id")
    if declaration.proposed_by == checker:
        raise DomainError(ErrorCode.APPROVAL_SAME_USER, "the checker must be a different user from who proposed it")
    await DividendDeclaration.filter(id=declaration.id, status=DividendStatus.PROPOSED).update(
        status=DividendStatus.REJECTED, approved_by=checker[:100], decided_on=await business_date())
    await declaration.refresh_from_db()
    return declaration


