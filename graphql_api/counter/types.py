"""GraphQL types of the counter domain."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from bankcore.counter.drawer import DrawerView
from graphql_api.types.money import MoneyType


@strawberry.type(name="DenominationCount", description="Pieces of one denomination counted in a drawer.")
class DenominationCountType:
    value: int = strawberry.field(description="Face value in rupees (2000 ... 1; notes and coins of a value together).")
    pieces: int = strawberry.field(description="How many.")


@strawberry.input(name="DenominationCountInput", description="Pieces of one denomination counted.")
class DenominationCountInput:
    value: int = strawberry.field(description="Face value in rupees: 2000, 500, 200, 100, 50, 20, 10, 5, 2 or 1.")
    pieces: int = strawberry.field(description="How many (0 or more).")


@strawberry.type(name="TellerDrawer", description="A teller's cash drawer for one business date; in and out derive from the ledger.")
class TellerDrawerType:
    id: strawberry.ID = strawberry.field(description="Drawer id.")
    teller: str = strawberry.field(description="The teller as the ledger names them (staff:12).")
    teller_name: str = strawberry.field(description="The teller's name.")
    business_date: date = strawberry.field(description="The business date of the drawer.")
    status: str = strawberry.field(description="OPEN or CLOSED.")
    opening_cash: MoneyType = strawberry.field(description="Cash counted into the drawer at opening (the float).")
    cash_in: MoneyType = strawberry.field(description="Cash taken in (deposits) by this teller on the date.")
    cash_out: MoneyType = strawberry.field(description="Cash paid out (withdrawals) by this teller on the date.")
    expected: MoneyType = strawberry.field(description="Opening cash + in - out: what the drawer should hold.")
    counted: MoneyType | None = strawberry.field(description="The closing count's total; null while open.")
    difference: MoneyType | None = strawberry.field(description="Counted less expected (negative: short); null while open.")
    closing_count: list[DenominationCountType] = strawberry.field(description="The closing count by denomination.")
    opened_at: datetime = strawberry.field(description="When it was opened.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    closing_note: str | None = strawberry.field(description="The teller's note at closing.")

    @classmethod
    def of(cls, view: DrawerView) -> TellerDrawerType:
        d = view.drawer
        cur = d.currency
        closed = d.status == "closed"
        expected = d.expected_minor if closed and d.expected_minor is not None else view.expected_minor
        count = d.closing_count or {}
        return cls(
            id=strawberry.ID(str(d.id)), teller=d.teller, teller_name=d.teller_name, business_date=d.business_date,
            status=str(d.status).upper(), opening_cash=MoneyType.minor(d.opening_float_minor, cur),
            cash_in=MoneyType.minor(d.cash_in_minor if closed and d.cash_in_minor is not None else view.cash_in_minor, cur),
            cash_out=MoneyType.minor(d.cash_out_minor if closed and d.cash_out_minor is not None else view.cash_out_minor, cur),
            expected=MoneyType.minor(expected, cur),
            counted=MoneyType.minor(d.counted_minor, cur) if d.counted_minor is not None else None,
            difference=MoneyType.minor(d.difference_minor, cur) if d.difference_minor is not None else None,
            closing_count=[DenominationCountType(value=int(k), pieces=int(v))
                           for k, v in sorted(count.items(), key=lambda kv: -int(kv[0]))],
            opened_at=d.opened_at, closed_at=d.closed_at, closing_note=d.closing_note,
        )
