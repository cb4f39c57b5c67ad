"""``coopbank calc``: loan and deposit calculators on the command line (no database).

    coopbank calc emi --principal 500000 --rate 10.5 --months 60 [--method reducing|flat|equal-principal]
                      [--start 2026-01-05] [--repayment-day 5] [--emi-step paisa|rupee] [--format table|csv]
    coopbank calc fd  --principal 100000 --rate 7 (--months 12 | --days 400)
                      [--compounding quarterly|monthly|half-yearly|yearly|simple] [--start DATE] [--format table|csv]
    coopbank calc rd  --instalment 5000 --rate 7.5 --months 18 [--compounding ...] [--start DATE] [--format table|csv]

Amounts are rupees as plain decimals (``500000`` or ``1234.50``), rates percent a year.
Bad input prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date

from bankcore.deposits.term import (
    Compounding,
    DepositMaturity,
    fd_maturity,
    rd_maturity,
)
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import format_rate_percent, parse_rate_percent
from bankcore.loans.schedule import LoanTerms, Schedule, ScheduleMethod, build_schedule
from bankcore.money import Money

CURRENCY = "INR"
EMI_CSV_HEADER = ["n", "due_date", "opening", "instalment", "interest", "principal", "closing"]
DEPOSIT_CSV_HEADER = ["deposited", "rate", "compounding", "start", "maturity_date", "interest", "maturity"]
_EMI_STEPS = {"paisa": 1, "rupee": 100}


class _CalcParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("calc", help="Loan EMI schedules and FD/RD maturity calculators (no database).")
    parser.set_defaults(func=_missing_calculator, calc_prog=parser.prog)
    calculators = parser.add_subparsers(dest="calculator", metavar="CALCULATOR", parser_class=_CalcParser)

    emi = calculators.add_parser("emi", help="Loan repayment schedule (EMI).")
    emi.add_argument("--principal", required=True, help="loan amount in rupees, e.g. 500000")
    emi.add_argument("--rate", required=True, help="interest rate, percent a year, e.g. 10.5")
    emi.add_argument("--months", required=True, help="tenure in monthly instalments")
    emi.add_argument("--method", default="reducing", choices=[m.value for m in ScheduleMethod])
    emi.add_argument("--start", help="disbursal date YYYY-MM-DD (default: today)")
    emi.add_argument("--repayment-day", help="day of month instalments fall due (default: disbursal day)")
    emi.add_argument("--emi-step", default="paisa", choices=list(_EMI_STEPS), help="round the EMI to paisa or whole rupees")
    emi.add_argument("--format", default="table", choices=["table", "csv"])
    emi.set_defaults(func=_run_emi)

    for name, amount_flag, amount_help in (
        ("fd", "--principal", "deposit in rupees"),
        ("rd", "--instalment", "monthly instalment in rupees"),
    ):
        deposit = calculators.add_parser(
            name, help="Fixed deposit maturity." if name == "fd" else "Recurring deposit maturity."
        )
        deposit.add_argument(amount_flag, dest="amount", required=True, help=amount_help)
        deposit.add_argument("--rate", required=True, help="interest rate, percent a year")
        if name == "fd":
            tenure = deposit.add_mutually_exclusive_group(required=True)
            tenure.add_argument("--months", help="tenure in months")
            tenure.add_argument("--days", help="tenure in days")
        else:
            deposit.add_argument("--months", required=True, help="number of monthly instalments")
        deposit.add_argument("--compounding", default="quarterly", choices=[c.value for c in Compounding])
        deposit.add_argument("--start", help="deposit date YYYY-MM-DD (default: today)")
        deposit.add_argument("--format", default="table", choices=["table", "csv"])
        deposit.set_defaults(func=_run_fd if name == "fd" else _run_rd)


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"{args.calc_prog} {args.calculator or ''}".rstrip() + f": error: {message}", file=sys.stderr)
    return 2


def _missing_calculator(args: argparse.Namespace) -> int:
    return _fail(args, "choose a calculator: emi, fd or rd")


def _amount_minor(text: str, field: str) -> int:
    money = Money.parse(text, CURRENCY)
    if money.amount_minor <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"{field} must be positive", field=field)
    return money.amount_minor


def _whole(text: str, field: str, code: ErrorCode = ErrorCode.INVALID_TENURE) -> int:
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit() or len(stripped) > 6:
        raise DomainError(code, f"{field} must be a whole number, got {text[:20]!r}", field=field)
    return int(stripped)


def _date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(ErrorCode.INVALID_DATE, f"{text[:20]!r} is not a date (YYYY-MM-DD)", field="start") from None


def _plain(amount_minor: int) -> str:
    return Money(amount_minor, CURRENCY).to_plain()


def _guarded(run):
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except DomainError as error:
            return _fail(args, error.message)

    wrapper.__name__ = run.__name__
    wrapper.__doc__ = run.__doc__
    return wrapper


@_guarded
def _run_emi(args: argparse.Namespace) -> int:
    terms = LoanTerms(
        principal_minor=_amount_minor(args.principal, "principal"),
        annual_rate_bps=parse_rate_percent(args.rate),
        tenure_months=_whole(args.months, "months"),
        disbursal_date=_date(args.start),
        repayment_day=None if args.repayment_day is None else _whole(args.repayment_day, "repayment day", ErrorCode.INVALID_DATE),
        method=ScheduleMethod(args.method),
        emi_step_minor=_EMI_STEPS[args.emi_step],
    )
    schedule = build_schedule(terms)
    sys.stdout.write(_emi_csv(schedule) if args.format == "csv" else _emi_table(schedule, terms))
    return 0


def _emi_rows(schedule: Schedule) -> list[list[str]]:
    return [
        [
            str(row.number),
            row.due_date.isoformat(),
            _plain(row.opening_minor),
            _plain(row.instalment_minor),
            _plain(row.interest_minor),
            _plain(row.principal_minor),
            _plain(row.closing_minor),
        ]
        for row in schedule.rows
    ]


def _emi_csv(schedule: Schedule) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EMI_CSV_HEADER)
    writer.writerows(_emi_rows(schedule))
    return out.getvalue()


def _emi_table(schedule: Schedule, terms: LoanTerms) -> str:
    label = {"reducing": "EMI", "flat": "instalment", "equal-principal": "principal/month"}
    rate = format_rate_percent(terms.annual_rate_bps)
    lines = [
        f"loan            {_plain(terms.principal_minor)} at {rate} % a year, "
        + f"{terms.tenure_months} months, {schedule.method.value}",
        f"{label[schedule.method.value]:<16}{_plain(schedule.emi_minor)}",
    ]
    if schedule.broken_period_days:
        lines.append(
            f"broken period   {schedule.broken_period_days} days, interest "
            f"{_plain(schedule.broken_period_interest_minor)} (in the first instalment)"
        )
    lines += [
        f"total interest  {_plain(schedule.total_interest_minor)}",
        f"total payable   {_plain(schedule.total_instalments_minor)}",
        "",
    ]
    rows = [EMI_CSV_HEADER] + _emi_rows(schedule)
    widths = [max(len(row[i]) for row in rows) for i in range(len(EMI_CSV_HEADER))]
    for row in rows:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    return "\n".join(lines) + "\n"


def _deposit_output(args: argparse.Namespace, result: DepositMaturity, start: date) -> str:
    values = [
        _plain(result.deposited_minor),
        format_rate_percent(result.annual_rate_bps),
        args.compounding,
        start.isoformat(),
        result.maturity_date.isoformat() if result.maturity_date else "",
        _plain(result.interest_minor),
        _plain(result.maturity_minor),
    ]
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(DEPOSIT_CSV_HEADER)
        writer.writerow(values)
        return out.getvalue()
    labels = ["deposited", "rate (% a year)", "compounding", "start", "maturity date", "interest", "maturity value"]
    return "".join(f"{label:<16}{value}\n" for label, value in zip(labels, values))


@_guarded
def _run_fd(args: argparse.Namespace) -> int:
    start = _date(args.start)
    result = fd_maturity(
        _amount_minor(args.amount, "principal"),
        parse_rate_percent(args.rate),
        start,
        tenure_months=None if args.months is None else _whole(args.months, "months"),
        tenure_days=None if args.days is None else _whole(args.days, "days"),
        compounding=Compounding(args.compounding),
    )
    sys.stdout.write(_deposit_output(args, result, start))
    return 0


@_guarded
def _run_rd(args: argparse.Namespace) -> int:
    start = _date(args.start)
    result = rd_maturity(
        _amount_minor(args.amount, "instalment"),
        parse_rate_percent(args.rate),
        _whole(args.months, "months"),
        start_date=start,
        compounding=Compounding(args.compounding),
    )
    sys.stdout.write(_deposit_output(args, result, start))
    return 0
