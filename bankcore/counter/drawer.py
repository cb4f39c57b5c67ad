"""The teller's cash drawer: opened with a counted float, closed with a denomination count.

Cash in and out is derived from the ledger (the teller's cash entries of the business
date, ``bankcore.reports.dashboards.cash_totals``), so a drawer always agrees with the
books. At closing: expected = float + in - out; difference = counted - expected
(negative is a shortage). A manager sees every drawer of their branch.

Denominations are those the RBI issues and a counter handles: notes of ₹2000, 500,
200, 100, 50, 20, 10, and coins of ₹20, 10, 5, 2, 1 (counted together with the notes
of the same value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.exceptions import IntegrityError

from bankcore.calendar.business_date import business_date
from bankcore.counter.settings import DRAWER_REQUIRED
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DrawerStatus, StaffUser, TellerDrawer
from bankcore.money import currency_exponent

# Rupee denominations, largest first (notes and coins of one value are counted together).
DENOMINATIONS: tuple[int, ...] = (2000, 500, 200, 100, 50, 20, 10, 5, 2, 1)
MAX_FLOAT_MINOR = 10**13


@dataclass(frozen=True, slots=True)
class DrawerView:
    """A drawer with its live figures: cash in and out so far, and what should be in it."""

    drawer: TellerDrawer
    cash_in_minor: int
    cash_out_minor: int

    @property
    def expected_minor(self) -> int:
        return self.drawer.opening_float_minor + self.cash_in_minor - self.cash_out_minor


async def _staff(teller: str) -> StaffUser:
    kind, _, raw = teller.partition(":")
    staff = await StaffUser.get_or_none(id=int(raw)) if kind == "staff" and raw.isdigit() else None
    if staff is None:
        raise DomainError(ErrorCode.NOT_FOUND, "only a member of staff has a cash drawer", field="teller")
    return staff


async def open_drawer(*, teller: str, opening_float_minor: int, currency: str = "INR", on: date | None = None) -> TellerDrawer:
    """Open ``teller``'s drawer (``staff:<id>``) for the business date with a counted float (minor units).

    Raises ``DomainError``: ``INVALID_AMOUNT`` (negative or absurd float),
    ``DRAWER_ALREADY_OPEN`` (a drawer of that date exists, open or closed), ``NOT_FOUND``.
    """
    if not 0 <= opening_float_minor < MAX_FLOAT_MINOR:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "the opening float is a count of cash, zero or more", field="opening_float")
    staff = await _staff(teller)
    on = on or await business_date()
    try:
        return await TellerDrawer.create(
            teller=teller, teller_name=staff.full_name, branch_id=staff.branch_id, business_date=on, currency=currency,
            opening_float_minor=opening_float_minor, opened_at=datetime.now(UTC),
        )
    except IntegrityError:
        raise DomainError(ErrorCode.DRAWER_ALREADY_OPEN, f"your drawer for {on.isoformat()} was opened already",
                          field="opening_float") from None


async def _figures(drawer: TellerDrawer) -> DrawerView:
    from bankcore.reports.dashboards import cash_totals

    totals = {t.currency: t for t in await cash_totals(initiator=drawer.teller, on=drawer.business_date)}
    t = totals.get(drawer.currency)
    return DrawerView(drawer, t.deposits_minor if t else 0, t.withdrawals_minor if t else 0)


async def current_drawer(*, teller: str, currency: str = "INR", on: date | None = None) -> DrawerView | None:
    """``teller``'s drawer of the business date (open or closed) with its figures, or None."""
    on = on or await business_date()
    drawer = await TellerDrawer.get_or_none(teller=teller, business_date=on, currency=currency)
    return None if drawer is None else await _figures(drawer)


def count_total_minor(count: dict[str, int], currency: str = "INR") -> int:
    """Value of a denomination count ``{"2000": 3, "1": 7}`` in minor units.

    Raises ``DomainError(INVALID_INPUT)`` for an unknown denomination or a negative or absurd count.
    """
    total = 0
    for key, pieces in count.items():
        if not str(key).isdigit() or int(key) not in DENOMINATIONS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"₹{key} is not a denomination", field="count")
        if not isinstance(pieces, int) or not 0 <= pieces < 10**7:
            raise DomainError(ErrorCode.INVALID_INPUT, f"the count of ₹{key} must be a whole number, zero or more",
                              field="count")
        total += int(key) * pieces
    return total * 10 ** currency_exponent(currency)


async def close_drawer(*, teller: str, count: dict[str, int], note: str | None = None, currency: str = "INR",
                       on: date | None = None) -> DrawerView:
    """Close ``teller``'s open drawer with a count by denomination; record expected and difference.

    Raises ``DomainError``: ``DRAWER_NOT_OPEN`` (none open for the date), ``INVALID_INPUT`` (bad count).
    """
    counted = count_total_minor(count, currency)
    on = on or await business_date()
    drawer = await TellerDrawer.get_or_none(teller=teller, business_date=on, currency=currency, status=DrawerStatus.OPEN)
    if drawer is None:
        raise DomainError(ErrorCode.DRAWER_NOT_OPEN, f"no open drawer for {on.isoformat()}", field="count")
    view = await _figures(drawer)
    note = " ".join((note or "").split())[:255] or None
    updated = await TellerDrawer.filter(id=drawer.id, status=DrawerStatus.OPEN).update(
        status=DrawerStatus.CLOSED, closing_count={k: v for k, v in count.items() if v}, counted_minor=counted,
        cash_in_minor=view.cash_in_minor, cash_out_minor=view.cash_out_minor, expected_minor=view.expected_minor,
        difference_minor=counted - view.expected_minor, closed_at=datetime.now(UTC), closing_note=note,
    )
    if not updated:
        raise DomainError(ErrorCode.DRAWER_NOT_OPEN, "the drawer was closed meanwhile", field="count")
    return await _figures(await TellerDrawer.get(id=drawer.id))


async def branch_drawers(*, branch_id: int | None, on: date | None = None) -> list[DrawerView]:
    """Every drawer of a branch (all branches when ``branch_id`` is None) on the business date, by teller."""
    on = on or await business_date()
    query = TellerDrawer.filter(business_date=on)
    if branch_id is not None:
        query = query.filter(branch_id=branch_id)
    return [await _figures(d) for d in await query.order_by("teller_name", "id")]


async def require_open_drawer(initiator: str) -> None:
    """``DRAWER_NOT_OPEN`` when ``cash.drawer_required`` is on and a staff initiator has no open drawer today."""
    if not initiator.startswith("staff:") or not await DRAWER_REQUIRED.get():
        return
    on = await business_date()
    if not await TellerDrawer.exists(teller=initiator, business_date=on, status=DrawerStatus.OPEN):
        raise DomainError(ErrorCode.DRAWER_NOT_OPEN, "open your cash drawer with a counted float first", field="account_number")
