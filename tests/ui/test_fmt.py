"""Money and date formatting (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ui import fmt


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("123456.78", "INR", "₹1,23,456.78"),
        ("1234567890.5", "INR", "₹1,23,45,67,890.50"),
        ("999.00", "INR", "₹999.00"),
        ("1000", "INR", "₹1,000.00"),
        ("-5446.60", "INR", "-₹5,446.60"),
        ("0", "INR", "₹0.00"),
        ("0.01", "INR", "₹0.01"),
        ("-5446.6", "CZK", "-CZK 5,446.60"),
        ("1234567.891", "KWD", "KWD 1,234,567.891"),
        ("1234567", "JPY", "JPY 1,234,567"),
        ("1234.5", "EUR", "€1,234.50"),
    ],
)
def test_money(amount: str, currency: str, expected: str) -> None:
    assert fmt.money(amount, currency) == expected


def test_money_never_goes_through_float() -> None:
    # 0.1 + 0.2 as floats is 0.30000000000000004; as decimal strings it stays exact
    assert fmt.money(str(Decimal("0.1") + Decimal("0.2")), "INR") == "₹0.30"
    assert fmt.money("99999999999999999.99", "INR") == "₹99,99,99,99,99,99,99,999.99"


def test_money_sign_and_missing() -> None:
    assert fmt.money("10", "INR", sign=True) == "+₹10.00"
    assert fmt.money_of(None) == "—"
    assert fmt.money_of({"amount": "5", "currency": "INR"}) == "₹5.00"


def test_inr_agrees_with_babel_en_in() -> None:
    babel_numbers = pytest.importorskip("babel.numbers")
    for text in ("123456.78", "1234567890.50", "999.00", "100000.00"):
        assert fmt.money(text, "INR") == babel_numbers.format_currency(Decimal(text), "INR", locale="en_IN")


@pytest.mark.parametrize(("text", "expected"), [("1,500.5", Decimal("1500.50")), ("₹ 20", Decimal("20.00")),
                                                ("0", None), ("-5", None), ("1.234", None), ("abc", None), ("", None),
                                                ("1e3", None), ("1.2.3", None)])
def test_parse_amount(text: str, expected: Decimal | None) -> None:
    assert fmt.parse_amount(text) == expected


def test_dates_are_dd_mm_yyyy() -> None:
    assert fmt.day("2026-11-21") == "21-11-2026"
    assert fmt.moment("2026-11-21T06:45:00+00:00") == "21-11-2026 12:15 IST"
    assert fmt.day(None) == "—"


def test_times_are_shown_in_the_banks_time_zone_and_labelled() -> None:
    # the API answers in UTC; the bank shows Asia/Kolkata (IST) unless its setting says otherwise
    assert fmt.time_zone().key == "Asia/Kolkata"
    assert fmt.moment("2026-11-21T20:00:00+00:00") == "22-11-2026 01:30 IST"  # the next day in India
    assert fmt.day("2026-11-21T20:00:00+00:00") == "22-11-2026"
    assert fmt.moment("2026-11-21T06:45:00") == "21-11-2026 12:15 IST"  # a time without a zone is UTC
    try:
        fmt.set_time_zone("Europe/Prague")
        assert fmt.moment("2026-07-01T06:45:00+00:00") == "01-07-2026 08:45 CEST"
        fmt.set_time_zone("Not/AZone")  # unknown: the zone in force stays
        assert fmt.time_zone().key == "Europe/Prague"
    finally:
        fmt.set_time_zone(fmt.DEFAULT_TIME_ZONE)


def test_parse_day_reads_dd_mm_yyyy_only() -> None:
    from datetime import date

    assert fmt.parse_day("21-11-2026") == date(2026, 11, 21)
    assert fmt.parse_day("31-02-2026") is None
    assert fmt.parse_day("2026-11-21") is None
    assert fmt.parse_day("") is None


def test_is_nonzero_reads_the_amount_as_a_decimal_not_as_text() -> None:
    # "0.000" (a three-decimal currency) and "-0.00" are zero too; a string match missed them
    assert not any(fmt.is_nonzero(m) for m in (None, {"amount": "0", "currency": "INR"},
                                              {"amount": "0.00", "currency": "INR"}, {"amount": "0.000", "currency": "KWD"},
                                              {"amount": "-0.00", "currency": "INR"}))
    assert fmt.is_nonzero({"amount": "0.01", "currency": "INR"}) and fmt.is_nonzero({"amount": "-5", "currency": "INR"})


def test_megabytes_round_down_so_a_file_of_the_size_shown_fits() -> None:
    assert [fmt.megabytes(n) for n in (5 * 1024 * 1024, 20 * 1024 * 1024, 2_500_000, 5_000_000, 100)] == [
        "5", "20", "2.3", "4.7", "0"]
