"""Pure tests of the Berka field decoders and file readers (no database)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from bankcore.berka.parse import (
    BerkaFormatError,
    optional_text,
    parse_amount,
    parse_birth_number,
    parse_issued,
    parse_yymmdd,
    read_all,
    read_transactions,
)
from bankcore.models import BerkaLoanStatus as LoanStatus, Gender, HolderRole, StatementFrequency
from tests.conftest import BERKA_DIR, needs_full_berka


@pytest.mark.parametrize(
    ("text", "expected"),
    [("930101", date(1993, 1, 1)), ("981231", date(1998, 12, 31)), ("000229", None)],
)
def test_yymmdd(text: str, expected: date | None) -> None:
    if expected is None:  # 1900 was not a leap year: 000229 is not a date
        with pytest.raises(ValueError):
            parse_yymmdd(text)
    else:
        assert parse_yymmdd(text) == expected


def test_card_issued_has_a_zero_time_part() -> None:
    assert parse_issued("931107 00:00:00") == date(1993, 11, 7)
    with pytest.raises(ValueError):
        parse_issued("931107 12:00:00")


@pytest.mark.parametrize(
    ("text", "born", "gender"),
    [
        ("706213", date(1970, 12, 13), Gender.FEMALE),
        ("450204", date(1945, 2, 4), Gender.MALE),
        ("755101", date(1975, 1, 1), Gender.FEMALE),
        ("751201", date(1975, 12, 1), Gender.MALE),
    ],
)
def test_birth_number(text: str, born: date, gender: Gender) -> None:
    assert parse_birth_number(text) == (born, gender)


@pytest.mark.parametrize(
    ("text", "minor"),
    [("1000.0", 100000), ("3372.7", 337270), ("3372.70", 337270), ("0.1", 10), ("96396", 9639600), ("-5446.60", -544660)],
)
def test_amounts_are_exact_minor_units(text: str, minor: int) -> None:
    assert parse_amount(text, "CZK") == minor


def test_amount_with_too_many_places_is_refused() -> None:
    with pytest.raises(Exception):
        parse_amount("1.005", "CZK")


@pytest.mark.parametrize(("text", "expected"), [("", None), (" ", None), ("UROK", "UROK"), (" SIPO ", "SIPO")])
def test_empty_k_symbol_is_none(text: str, expected: str | None) -> None:
    assert optional_text(text) == expected


def _write(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", newline="") as handle:
        handle.write(text)
    return path


def test_transaction_file_quoted_and_unquoted_empties(tmp_path: Path) -> None:
    header = '"trans_id";"account_id";"date";"type";"operation";"amount";"balance";"k_symbol";"bank";"account"\r\n'
    body = (
        '1;7;930101;"PRIJEM";"VKLAD";700.0;700.00;"";;\r\n'
        '2;7;930131;"PRIJEM";"";3.7;703.7;"UROK";"";""\r\n'
        '3;7;930131;"VYDAJ";"PREVOD NA UCET";3372.7;-2669.00;" ";"AB";"123"\r\n'
    )
    rows = list(read_transactions(_write(tmp_path / "t.asc.gz", header + body)))
    assert [r.amount_minor for r in rows] == [70000, 370, 337270]
    assert [r.balance_minor for r in rows] == [70000, 70370, -266900]
    assert rows[0].operation == "VKLAD" and rows[1].operation is None
    assert rows[1].k_symbol == "UROK" and rows[2].k_symbol is None
    assert rows[0].bank is None and rows[2].bank == "AB" and rows[2].account == "123"
    assert [r.signed_minor for r in rows] == [70000, 370, -337270]


def test_bad_file_gives_one_clear_error(tmp_path: Path) -> None:
    bad = _write(tmp_path / "t.asc.gz", '"trans_id";"account_id"\r\n1;2\r\n')
    with pytest.raises(BerkaFormatError, match="header"):
        list(read_transactions(bad))
    plain = tmp_path / "plain.asc.gz"
    plain.write_text("not gzip")
    with pytest.raises(BerkaFormatError):
        list(read_transactions(plain))
    with pytest.raises(BerkaFormatError, match="missing"):
        read_all(tmp_path)
    with pytest.raises(BerkaFormatError, match="not a directory"):
        read_all(tmp_path / "nope")


def test_amount_that_is_not_a_number_names_the_line(tmp_path: Path) -> None:
    header = '"trans_id";"account_id";"date";"type";"operation";"amount";"balance";"k_symbol";"bank";"account"\r\n'
    bad = _write(tmp_path / "t.asc.gz", header + '1;7;930101;"PRIJEM";"VKLAD";1e3;700.00;"";;\r\n')
    with pytest.raises(BerkaFormatError, match=r":2: "):
        list(read_transactions(bad))


@needs_full_berka
def test_real_files_decode() -> None:
    data = read_all(BERKA_DIR)
    assert len(data.districts) == 77
    assert len(data.clients) == 5369
    assert len(data.accounts) == 4500
    assert len(data.dispositions) == 5369
    assert len(data.loans) == 682
    assert len(data.orders) == 6471
    assert len(data.cards) == 892
    assert len(data.transactions) == 42945
    jesenik = next(d for d in data.districts if d.district_id == 69)
    assert jesenik.unemployment_1995_pct is None and jesenik.crimes_1995 is None
    assert sum(c.gender is Gender.FEMALE for c in data.clients) == 2645
    assert sum(d.role is HolderRole.MANDATE_HOLDER for d in data.dispositions) == 869
    assert sum(a.frequency is StatementFrequency.WEEKLY for a in data.accounts) == 240
    assert sum(loan.status is LoanStatus.RUNNING for loan in data.loans) == 403
    assert all(loan.amount_minor == loan.instalment_minor * loan.duration_months for loan in data.loans)
    assert {t.k_symbol for t in data.transactions} >= {None, "UROK", "SLUZBY", "SANKC. UROK", "UVER"}
    assert " " not in {t.k_symbol for t in data.transactions}
