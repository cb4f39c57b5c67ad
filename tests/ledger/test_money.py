from decimal import ROUND_HALF_UP, Decimal

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.money import Money


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("1234.50", "INR", 123450), ("0.01", "INR", 1), ("-5446.6", "CZK", -544660), ("7", "JPY", 7),
     ("1.234", "KWD", 1234), (".5", "INR", 50), ("+3", "INR", 300)],
)
def test_parse_exact(text: str, currency: str, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    "text", ["NaN", "Infinity", "-inf", "1e3", "1.005", "", " ", "1,000", "١٢٣", "１２", "0x10", "1.2.3", "9" * 41]
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(DomainError) as err:
        Money.parse(text, "INR")
    assert err.value.code is ErrorCode.INVALID_AMOUNT


def test_parse_refuses_unknown_currency_and_huge_amounts() -> None:
    with pytest.raises(DomainError) as err:
        Money.parse("1", "XYZ")
    assert err.value.code is ErrorCode.UNSUPPORTED_CURRENCY
    with pytest.raises(DomainError):
        Money.parse("100000000000000", "INR")  # 10^16 paise, over the cap


def test_plain_string_and_arithmetic() -> None:
    assert Money(-544660, "CZK").to_plain() == "-5446.60"
    assert Money(5, "INR").to_plain() == "0.05"
    assert Money(7, "JPY").to_plain() == "7"
    assert (Money(10, "INR") + Money(5, "INR")) == Money(15, "INR")
    assert Money.parse("10.10", "INR").amount == Decimal("10.10")
    with pytest.raises(DomainError) as err:
        Money(1, "INR") + Money(1, "EUR")
    assert err.value.code is ErrorCode.CURRENCY_MISMATCH


def test_money_refuses_non_int_minor_units() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "INR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "INR")  # type: ignore[arg-type]


def test_from_decimal_rounds_once_with_named_mode() -> None:
    assert Money.from_decimal(Decimal("10.005"), "INR") == Money(1000, "INR")  # half-even
    assert Money.from_decimal(Decimal("10.005"), "INR", rounding=ROUND_HALF_UP) == Money(1001, "INR")
