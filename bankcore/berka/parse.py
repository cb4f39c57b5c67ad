"""Readers of the Berka / PKDD'99 ``.asc.gz`` files: pure, no database.

Each file is ``;``-separated with a header line, CRLF line ends, quoted text and
unquoted numbers (see ``shared/data/berka/README.md``). Every reader yields frozen
dataclasses in file order. Money is parsed from the text with ``Money.parse`` into
integer minor units: the files hold values like ``1000.0`` or ``3372.7`` that must never
pass through float.

A malformed file raises ``BerkaFormatError`` naming the file and line, so the CLI can
print one clear line instead of a traceback.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from bankcore.errors import DomainError
from bankcore.models.account import HolderRole, StatementFrequency
from bankcore.models.loan import BerkaLoanStatus as LoanStatus
from bankcore.models.member import Gender
from bankcore.money import Money

T = TypeVar("T")

FILES = ("district", "client", "account", "disp", "loan", "order", "card", "trans")

FREQUENCIES: dict[str, StatementFrequency] = {
    "POPLATEK MESICNE": StatementFrequency.MONTHLY,
    "POPLATEK TYDNE": StatementFrequency.WEEKLY,
    "POPLATEK PO OBRATU": StatementFrequency.PER_TRANSACTION,
}
DISP_ROLES: dict[str, HolderRole] = {"OWNER": HolderRole.OWNER, "DISPONENT": HolderRole.MANDATE_HOLDER}
LOAN_STATUSES: dict[str, LoanStatus] = {
    "A": LoanStatus.CLOSED,
    "B": LoanStatus.CLOSED_UNPAID,
    "C": LoanStatus.RUNNING,
    "D": LoanStatus.RUNNING_IN_ARREARS,
}
# Transaction type code -> sign of the amount on the account.
TRANS_SIGNS: dict[str, int] = {"PRIJEM": 1, "VYDAJ": -1, "VYBER": -1}


class BerkaFormatError(ValueError):
    """A Berka file is missing or does not have the expected format."""


@dataclass(frozen=True, slots=True)
class District:
    district_id: int
    name: str
    region: str
    inhabitants: int
    municipalities_lt_500: int
    municipalities_500_1999: int
    municipalities_2000_9999: int
    municipalities_ge_10000: int
    cities: int
    urban_share_pct: Decimal
    average_salary: int
    unemployment_1995_pct: Decimal | None  # '?' for district 69 (Jesenik)
    unemployment_1996_pct: Decimal | None
    entrepreneurs_per_1000: int
    crimes_1995: int | None  # '?' for district 69 (Jesenik)
    crimes_1996: int | None


@dataclass(frozen=True, slots=True)
class Client:
    client_id: int
    date_of_birth: date
    gender: Gender
    district_id: int


@dataclass(frozen=True, slots=True)
class BerkaAccount:
    account_id: int
    district_id: int
    frequency: StatementFrequency
    opened_on: date


@dataclass(frozen=True, slots=True)
class Disposition:
    disp_id: int
    client_id: int
    account_id: int
    role: HolderRole


@dataclass(frozen=True, slots=True)
class BerkaLoan:
    loan_id: int
    account_id: int
    granted_on: date
    amount_minor: int
    duration_months: int
    instalment_minor: int
    status: LoanStatus


@dataclass(frozen=True, slots=True)
class Order:
    order_id: int
    account_id: int
    bank_to: str
    account_to: str
    amount_minor: int
    k_symbol: str | None


@dataclass(frozen=True, slots=True)
class BerkaCard:
    card_id: int
    disp_id: int
    card_type: str
    issued_on: date


@dataclass(frozen=True, slots=True)
class Transaction:
    """One row of ``trans.asc``: ``amount_minor`` is always positive, ``sign`` says its direction."""

    trans_id: int
    account_id: int
    on: date
    type: str
    operation: str | None
    amount_minor: int
    balance_minor: int
    k_symbol: str | None
    bank: str | None
    account: str | None

    @property
    def sign(self) -> int:
        """+1 for a credit to the account (PRIJEM), -1 for a debit (VYDAJ, VYBER)."""
        return TRANS_SIGNS[self.type]

    @property
    def signed_minor(self) -> int:
        """The change this row makes to the account's balance, in minor units."""
        return self.sign * self.amount_minor


# ---------------------------------------------------------------- field decoders


def parse_yymmdd(text: str) -> date:
    """``"930101"`` -> 1993-01-01. Every Berka date is in the 1900s."""
    text = text.strip()
    if len(text) != 6 or not text.isdigit():
        raise ValueError(f"not a YYMMDD date: {text!r}")
    return date(1900 + int(text[:2]), int(text[2:4]), int(text[4:]))


def parse_issued(text: str) -> date:
    """Card ``issued``: ``"931107 00:00:00"`` -> 1993-11-07 (the time part is always zero)."""
    day, _, time = text.strip().partition(" ")
    if time and time != "00:00:00":
        raise ValueError(f"unexpected time in card issue date: {text!r}")
    return parse_yymmdd(day)


def parse_birth_number(text: str) -> tuple[date, Gender]:
    """Birth number ``YYMMDD`` -> (date of birth, gender); women have 50 added to the month."""
    text = text.strip()
    if len(text) != 6 or not text.isdigit():
        raise ValueError(f"not a birth number: {text!r}")
    month = int(text[2:4])
    gender = Gender.MALE
    if month > 50:
        month -= 50
        gender = Gender.FEMALE
    return date(1900 + int(text[:2]), month, int(text[4:])), gender


def parse_amount(text: str, currency: str) -> int:
    """Decimal text (``"3372.7"``) -> integer minor units, exact; raises on anything else."""
    return Money.parse(text, currency).amount_minor


def optional_text(text: str) -> str | None:
    """Empty, blank (``" "``) -> None; otherwise the text stripped."""
    text = text.strip()
    return text or None


def _optional_int(text: str) -> int | None:
    text = text.strip()
    return None if text in ("", "?") else int(text)


def _optional_decimal(text: str) -> Decimal | None:
    text = text.strip()
    return None if text in ("", "?") else Decimal(text)


def _lookup(table: dict[str, T], text: str, what: str) -> T:
    try:
        return table[text.strip()]
    except KeyError:
        raise ValueError(f"unknown {what} code {text!r}") from None


# ---------------------------------------------------------------- file reading


def _rows(path: Path, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) of a gzipped ``;`` file after checking its header."""
    try:
        handle = gzip.open(path, "rt", encoding="ascii", newline="")
    except OSError as exc:
        raise BerkaFormatError(f"{path}: cannot open: {exc.strerror or exc}") from None
    with handle:
        try:
            reader = csv.reader(handle, delimiter=";", quotechar='"')
            first = next(reader, None)
            if first is None or tuple(h.strip() for h in first) != header:
                raise BerkaFormatError(f"{path}: header is {first!r}, expected {list(header)!r}")
            for fields in reader:
                if not fields:
                    continue
                if len(fields) != len(header):
                    raise BerkaFormatError(
                        f"{path}:{reader.line_num}: {len(fields)} fields, expected {len(header)}"
                    )
                yield reader.line_num, fields
        except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
            raise BerkaFormatError(f"{path}: not a readable gzipped Berka file: {exc}") from None


def _read(path: Path, header: tuple[str, ...], build: Callable[[list[str]], T]) -> Iterator[T]:
    for line, fields in _rows(path, header):
        try:
            yield build(fields)
        except (ValueError, DomainError, InvalidOperation) as exc:
            detail = exc.message if isinstance(exc, DomainError) else str(exc) or type(exc).__name__
            raise BerkaFormatError(f"{path}:{line}: {detail}") from None


def read_districts(path: Path) -> Iterator[District]:
    """Rows of ``district.asc.gz``; ``?`` reads as None."""
    header = tuple(f"A{i}" for i in range(1, 17))

    def build(f: list[str]) -> District:
        return District(
            int(f[0]), f[1].strip(), f[2].strip(), int(f[3]), int(f[4]), int(f[5]), int(f[6]), int(f[7]),
            int(f[8]), Decimal(f[9]), int(f[10]), _optional_decimal(f[11]), _optional_decimal(f[12]),
            int(f[13]), _optional_int(f[14]), _optional_int(f[15]),
        )

    return _read(path, header, build)


def read_clients(path: Path) -> Iterator[Client]:
    """Rows of ``client.asc.gz`` with the birth number decoded."""

    def build(f: list[str]) -> Client:
        born, gender = parse_birth_number(f[1])
        return Client(int(f[0]), born, gender, int(f[2]))

    return _read(path, ("client_id", "birth_number", "district_id"), build)


def read_accounts(path: Path) -> Iterator[BerkaAccount]:
    """Rows of ``account.asc.gz``."""

    def build(f: list[str]) -> BerkaAccount:
        return BerkaAccount(int(f[0]), int(f[1]), _lookup(FREQUENCIES, f[2], "frequency"), parse_yymmdd(f[3]))

    return _read(path, ("account_id", "district_id", "frequency", "date"), build)


def read_dispositions(path: Path) -> Iterator[Disposition]:
    """Rows of ``disp.asc.gz``; DISPONENT becomes ``HolderRole.MANDATE_HOLDER``."""

    def build(f: list[str]) -> Disposition:
        return Disposition(int(f[0]), int(f[1]), int(f[2]), _lookup(DISP_ROLES, f[3], "disposition type"))

    return _read(path, ("disp_id", "client_id", "account_id", "type"), build)


def read_loans(path: Path, currency: str = "CZK") -> Iterator[BerkaLoan]:
    """Rows of ``loan.asc.gz``; amounts in minor units of ``currency``."""

    def build(f: list[str]) -> BerkaLoan:
        return BerkaLoan(
            int(f[0]), int(f[1]), parse_yymmdd(f[2]), parse_amount(f[3], currency), int(f[4]),
            parse_amount(f[5], currency), _lookup(LOAN_STATUSES, f[6], "loan status"),
        )

    return _read(path, ("loan_id", "account_id", "date", "amount", "duration", "payments", "status"), build)


def read_orders(path: Path, currency: str = "CZK") -> Iterator[Order]:
    """Rows of ``order.asc.gz``; amounts in minor units of ``currency``."""

    def build(f: list[str]) -> Order:
        return Order(int(f[0]), int(f[1]), f[2].strip(), f[3].strip(), parse_amount(f[4], currency), optional_text(f[5]))

    return _read(path, ("order_id", "account_id", "bank_to", "account_to", "amount", "k_symbol"), build)


def read_cards(path: Path) -> Iterator[BerkaCard]:
    """Rows of ``card.asc.gz``."""

    def build(f: list[str]) -> BerkaCard:
        return BerkaCard(int(f[0]), int(f[1]), f[2].strip(), parse_issued(f[3]))

    return _read(path, ("card_id", "disp_id", "type", "issued"), build)


def read_transactions(path: Path, currency: str = "CZK") -> Iterator[Transaction]:
    """Rows of ``trans.asc.gz`` in file order; amounts and balances in minor units."""

    def build(f: list[str]) -> Transaction:
        kind = f[3].strip()
        if kind not in TRANS_SIGNS:
            raise ValueError(f"unknown transaction type {kind!r}")
        amount = parse_amount(f[5], currency)
        if amount < 0:
            raise ValueError(f"negative amount {f[5]!r}")
        return Transaction(
            int(f[0]), int(f[1]), parse_yymmdd(f[2]), kind, optional_text(f[4]), amount,
            parse_amount(f[6], currency), optional_text(f[7]), optional_text(f[8]), optional_text(f[9]),
        )

    header = ("trans_id", "account_id", "date", "type", "operation", "amount", "balance", "k_symbol", "bank", "account")
    return _read(path, header, build)


@dataclass(frozen=True, slots=True)
class BerkaData:
    """The whole data set, read into memory (the subset is ~43k transactions)."""

    districts: tuple[District, ...]
    clients: tuple[Client, ...]
    accounts: tuple[BerkaAccount, ...]
    dispositions: tuple[Disposition, ...]
    loans: tuple[BerkaLoan, ...]
    orders: tuple[Order, ...]
    cards: tuple[BerkaCard, ...]
    transactions: tuple[Transaction, ...]


def read_all(directory: Path | str, currency: str = "CZK") -> BerkaData:
    """Read every Berka file in ``directory``.

    Raises ``BerkaFormatError`` if the directory or a file is missing or malformed.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise BerkaFormatError(f"{directory}: not a directory with the Berka files")
    missing = [f"{name}.asc.gz" for name in FILES if not (directory / f"{name}.asc.gz").is_file()]
    if missing:
        raise BerkaFormatError(f"{directory}: missing {', '.join(missing)}")

    def p(name: str) -> Path:
        return directory / f"{name}.asc.gz"

    return BerkaData(
        districts=tuple(read_districts(p("district"))),
        clients=tuple(read_clients(p("client"))),
        accounts=tuple(read_accounts(p("account"))),
        dispositions=tuple(read_dispositions(p("disp"))),
        loans=tuple(read_loans(p("loan"), currency)),
        orders=tuple(read_orders(p("order"), currency)),
        cards=tuple(read_cards(p("card"))),
        transactions=tuple(read_transactions(p("trans"), currency)),
    )
