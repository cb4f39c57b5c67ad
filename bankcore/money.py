"""Money as integer minor units with an ISO 4217 currency.

Amounts live as ``int`` minor units everywhere in storage and arithmetic. ``Decimal``
appears only at the edges (parsing user input, printing) and inside rate maths, which
rounds once with an explicit mode before coming back here. Nothing here touches float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from bankcore.errors import DomainError, ErrorCode

# ISO 4217 minor-unit exponents for the currencies the bank may hold. A currency not
# listed is refused rather than guessed: a wrong exponent silently moves money by 100x.
CURRENCY_EXPONENTS: dict[str, int] = {
    "INR": 2,
    "CZK": 2,
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "NPR": 2,
    "BDT": 2,
    "LKR": 2,
    "JPY": 0,
    "KWD": 3,
    "BHD": 3,
}

# ``Decimal`` accepts "NaN", "Infinity", exponents and non-ASCII digits; money input
# may only be an optional sign, ASCII digits and one optional decimal point.
_AMOUNT_RE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")

# Larger than any real balance, and far inside BIGINT (9.2e18) so sums cannot overflow.
MAX_AMOUNT_MINOR = 10**15


def currency_exponent(currency: str) -> int:
    """Return the minor-unit exponent of ``currency`` (e.g. 2 for INR).

    Raises ``DomainError(UNSUPPORTED_CURRENCY)`` for a code not in ``CURRENCY_EXPONENTS``.
    """
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise DomainError(
            ErrorCode.UNSUPPORTED_CURRENCY, f"currency {currency!r} is not supported", field="currency"
        ) from None


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount: ``amount_minor`` integer minor units of ``currency``.

    Arithmetic is defined only between equal currencies; mixing raises
    ``DomainError(CURRENCY_MISMATCH)``.
    """

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if type(self.amount_minor) is not int:  # bool is an int subclass; refuse it too
            raise TypeError(f"amount_minor must be int, got {type(self.amount_minor).__name__}")
        currency_exponent(self.currency)

    @classmethod
    def parse(cls, amount: str | Decimal | int, currency: str) -> Money:
        """Build Money from a decimal string like ``"1234.50"`` in major units.

        Refuses NaN, Infinity, exponents, non-ASCII digits and more decimal places than
        the currency has (``"1.005"`` INR is an error, never rounded): raises
        ``DomainError(INVALID_AMOUNT)``.
        """
        exponent = currency_exponent(currency)
        if isinstance(amount, bool):
            raise DomainError(ErrorCode.INVALID_AMOUNT, "amount must be a decimal number", field="amount")
        if isinstance(amount, int):
            value = Decimal(amount)
        elif isinstance(amount, Decimal):
            if not amount.is_finite():
                raise DomainError(ErrorCode.INVALID_AMOUNT, "amount must be a finite number", field="amount")
            value = amount
        else:
            text = amount.strip()
            if len(text) > 40 or not _AMOUNT_RE.match(text):
                raise DomainError(
                    ErrorCode.INVALID_AMOUNT, f"{amount[:40]!r} is not a decimal amount", field="amount"
                )
            value = Decimal(text)
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise DomainError(
                ErrorCode.INVALID_AMOUNT,
                f"{currency} amounts have at most {exponent} decimal places",
                field="amount",
            )
        minor = int(scaled)
        if abs(minor) > MAX_AMOUNT_MINOR:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "amount is too large", field="amount")
        return cls(minor, currency)

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str, *, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Round a computed Decimal (e.g. interest) to minor units with an explicit mode."""
        exponent = currency_exponent(currency)
        quantum = Decimal(1).scaleb(-exponent)
        return cls(int(value.quantize(quantum, rounding=rounding).scaleb(exponent)), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def amount(self) -> Decimal:
        """The amount in major units, exact, with the currency's number of places."""
        return Decimal(self.amount_minor).scaleb(-currency_exponent(self.currency))

    def to_plain(self) -> str:
        """Plain decimal string with the currency's places, e.g. ``-5446.60``."""
        exponent = currency_exponent(self.currency)
        sign = "-" if self.amount_minor < 0 else ""
        units, minor = divmod(abs(self.amount_minor), 10**exponent)
        return f"{sign}{units}.{minor:0{exponent}d}" if exponent else f"{sign}{units}"

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money arithmetic needs Money")
        if other.currency != self.currency:
            raise DomainError(
                ErrorCode.CURRENCY_MISMATCH, f"cannot combine {self.currency} with {other.currency}"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor <= other.amount_minor

    def __str__(self) -> str:
        return f"{self.to_plain()} {self.currency}"
