from __future__ import annotations

import strawberry

from bankcore.money import Money
from graphql_api.scalars import DecimalText


@strawberry.type(name="Money", description="An exact amount: a decimal string in major units, and its ISO 4217 currency.")
class MoneyType:
    amount: DecimalText = strawberry.field(description="Amount in major units with the currency's places, e.g. \"-5446.60\".")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. INR.")

    @classmethod
    def of(cls, money: Money) -> MoneyType:
        return cls(amount=money.to_plain(), currency=money.currency)

    @classmethod
    def minor(cls, amount_minor: int, currency: str) -> MoneyType:
        return cls.of(Money(amount_minor, currency))


@strawberry.input(name="MoneyInput", description="An amount to move: decimal string in major units and currency.")
class MoneyInput:
    amount: DecimalText = strawberry.field(description="Decimal string, e.g. \"250.00\"; at most the currency's places.")
    currency: str = strawberry.field(description="ISO 4217 code; must be the account's currency.")

    def to_money(self) -> Money:
        """Raises DomainError(INVALID_AMOUNT / UNSUPPORTED_CURRENCY) for bad input."""
        return Money.parse(self.amount, self.currency)
