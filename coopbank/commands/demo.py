"""``coopbank demo``: a working bank on this machine in one command.

Creates (or reuses) the embedded SQLite bank, imports the Berka data set (the full one at
``../shared/data/berka`` when present, else a 50-account slice shipped in
``coopbank/commands/demo_data/berka``), adds one demo staff user per role and gives a
few Berka members portal access, prints their credentials and TOTP secrets, and serves
the web app. Every step skips what already exists, so running it again works.

The Berka amounts are booked as INR here (the importer's ``currency``), so the demo shows
Indian formatting; they are the data set's real figures, not invented ones.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from coopbank.commands._run import run_async
from coopbank.commands.serve import add_serve_arguments

BUNDLED = Path(__file__).with_name("demo_data") / "berka"
DEMO_CURRENCY = "INR"
# The Berka history (Jan 1993 - Feb 1994 in the shared subset) moved to Jan 2025 - Feb 2026: a bank
# of today. A multiple of 4, so every 29 February stays a leap day (bankcore.berka.shift).
DEMO_SHIFT_YEARS = 32
# Names without the role in them: the password policy refuses a password containing the user's name.
STAFF_ROLES = {"admin": "Anil Mehta", "manager": "Meera Iyer", "accountant": "Suresh Rao", "clerk": "Kavita Joshi",
               "cashier": "Ravi Kumar", "auditor": "Farah Khan"}
DEMO_MEMBERS = 3
FILES = ("district", "client", "account", "disp", "loan", "order", "card", "trans")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="Create a demo bank (SQLite, Berka data, demo users) and serve it at http://127.0.0.1:8080.",
        description="Migrate, import the Berka data, create demo staff (one per role) and members, print their "
        "credentials, and serve. Idempotent: a second run reuses what exists.",
    )
    add_serve_arguments(parser)
    parser.add_argument("--data", type=Path, help="directory with the Berka .asc.gz files (default: found or bundled)")
    parser.add_argument("--no-serve", action="store_true", help="set up and print the credentials, but do not serve")
    parser.add_argument("--sim-port", type=int, default=8090,
                        help="port of the payment gateway simulator the demo starts (COOPBANK_GATEWAY=sim)")
    parser.add_argument("--write-slice", type=Path, metavar="DIR", help=argparse.SUPPRESS)  # maintainers: rebuild the slice
    parser.set_defaults(func=_run)


def find_berka(explicit: Path | None = None) -> Path:
    """The Berka directory to import: explicit, ../shared/data/berka from here or the repo, else the bundled slice."""
    if explicit is not None:
        return explicit
    repo = Path(__file__).resolve().parents[2]
    for base in (Path.cwd(), repo):
        candidate = (base / ".." / "shared" / "data" / "berka").resolve()
        if (candidate / "trans.asc.gz").is_file():
            return candidate
    return BUNDLED


# --- the bundled slice -----------------------------------------------------------------

def _rows(path: Path) -> tuple[str, list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        header = handle.readline()
        return header, list(csv.reader(handle, delimiter=";"))


def write_slice(src: Path, dst: Path, accounts: int = 50) -> None:
    """Write a consistent slice of the Berka files: 15 accounts with loans, then the busiest others."""
    dst.mkdir(parents=True, exist_ok=True)
    data = {name: _rows(src / f"{name}.asc.gz") for name in FILES}
    activity = Counter(row[1] for row in data["trans"][1])
    with_loans = sorted({row[1] for row in data["loan"][1]}, key=lambda a: (-activity[a], int(a)))[:15]
    others = [a for a, _ in activity.most_common() if a not in with_loans]
    chosen = set(with_loans + others[: accounts - len(with_loans)])
    disp = [r for r in data["disp"][1] if r[2] in chosen]
    clients = {r[1] for r in disp}
    disp_ids = {r[0] for r in disp}
    keep = {
        "district": lambda r: True,
        "client": lambda r: r[0] in clients,
        "account": lambda r: r[0] in chosen,
        "disp": lambda r: r[2] in chosen,
        "loan": lambda r: r[1] in chosen,
        "order": lambda r: r[1] in chosen,
        "card": lambda r: r[1] in disp_ids,
        "trans": lambda r: r[1] in chosen,
    }
    for name in FILES:
        header, rows = data[name]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        for row in rows:
            if keep[name](row):
                writer.writerow(row)
        # mtime=0: the same slice gives the same bytes (no churn in git)
        with open(dst / f"{name}.asc.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write((header + _requote(out.getvalue(), src / f"{name}.asc.gz")).encode())


def _requote(body: str, original: Path) -> str:
    """Put back the quotes csv dropped: keep each kept row exactly as the source wrote it."""
    with gzip.open(original, "rt", encoding="utf-8") as handle:
        handle.readline()
        lines = {line.rstrip("\n").replace('"', ""): line.rstrip("\n") for line in handle}
    return "".join(lines.get(line, line) + "\n" for line in body.splitlines())


# --- setting up ------------------------------------------------------------------------

@dataclass
class Credential:
    who: str
    login: str
    password: str
    second_factor: str


async def _import(path: Path) -> str:
    from bankcore.berka.importer import SAVINGS_PRODUCT, import_berka
    from bankcore.models import Product

    existing = await Product.get_or_none(code=SAVINGS_PRODUCT)
    if existing is not None:
        print(f"Berka data already imported ({existing.currency}); skipping the import.")
        return existing.currency
    print(f"Importing the Berka data from {path} (amounts booked as {DEMO_CURRENCY}, dates moved "
          f"{DEMO_SHIFT_YEARS} years on) ...", flush=True)
    report = await import_berka(path=path, currency=DEMO_CURRENCY, shift_years=DEMO_SHIFT_YEARS)
    print(f"  {report.inserted:,} rows in {report.seconds:.1f}s; "
          f"{report.reconciliation.accounts:,} accounts reconciled against the data's balances")
    return DEMO_CURRENCY


async def _products(currency: str) -> None:
    from bankcore.models import Product, ProductKind
    from bankcore.services.accounts import create_product

    if not await Product.filter(code="SB").exists():
        await create_product(code="SB", name="Savings", kind=ProductKind.SAVINGS, currency=currency,
                             interest_rate_bps=350, min_balance_minor=100_000)
    await _deposit_products(currency)


async def _deposit_products(currency: str) -> None:
    """A fixed deposit product whose chart covers 7 days to 10 years (12 months at 7.00 %) and a recurring one."""
    from datetime import date

    from bankcore.deposits.products import ChartLine, create_deposit_product
    from bankcore.models import DepositKind, DepositProduct

    chart = (ChartLine(7, 45, 350), ChartLine(46, 179, 550), ChartLine(180, 364, 625), ChartLine(365, 729, 700),
             ChartLine(730, 1094, 675), ChartLine(1095, 3660, 650))
    since = date(1990, 1, 1)  # before the Berka data's first day
    if not await DepositProduct.filter(code="FD").exists():
        await create_deposit_product(code="FD", name="Fixed deposit", kind=DepositKind.FIXED, currency=currency,
                                     rate_chart=chart, effective_from=since, min_amount_minor=1_000_00)
    if not await DepositProduct.filter(code="RD").exists():
        await create_deposit_product(code="RD", name="Recurring deposit", kind=DepositKind.RECURRING, currency=currency,
                                     rate_chart=chart[2:], effective_from=since, min_amount_minor=100_00,
                                     min_tenure_months=6)


async def _staff() -> list[Credential]:
    from bankcore.identity.staff import create_staff_user
    from bankcore.models import Branch, StaffUser

    branch = await Branch.all().order_by("code").first()
    result = []
    for role, full_name in STAFF_ROLES.items():
        username, password = f"demo-{role}", f"coopbank {role} pass"
        user = await StaffUser.get_or_none(username=username)
        if user is None:
            created = await create_staff_user(username=username, full_name=full_name, role=role,
                                              password=password, actor="cli:demo",
                                              branch_code=branch.code if branch else None)
            secret = created.totp.secret
        else:
            from bankcore.identity.totp_store import totp_secret_of

            secret = totp_secret_of(user) or "(not enrolled)"
        result.append(Credential(f"staff · {role}", username, password, f"TOTP secret {secret}"))
    return result


async def _members() -> list[Credential]:
    """Portal access for the holders of the busiest Berka accounts (one with a loan), with demo mobiles."""
    from tortoise.connection import get_connection

    from bankcore.identity.members_portal import set_member_password
    from bankcore.models import Member, MemberCredential
    from bankcore.services.members import update_contact_details, verify_kyc

    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT m.id, m.member_number, COUNT(p.id) AS n, "
        "MAX(CASE WHEN pr.kind = 'loan' THEN 1 ELSE 0 END) AS has_loan "
        "FROM member m JOIN account_holder h ON h.member_id = m.id AND h.role = 'owner' "
        "JOIN account a ON a.id = h.account_id JOIN product pr ON pr.id = a.product_id "
        "LEFT JOIN posting p ON p.ledger_account_id = a.ledger_account_id "
        "WHERE m.source_ref LIKE 'berka-client:%' GROUP BY m.id, m.member_number ORDER BY n DESC, m.id LIMIT 40"
    )
    picked = [r for r in rows if r["has_loan"]][:1]
    picked += [r for r in rows if r not in picked][: DEMO_MEMBERS - len(picked)]
    result = []
    for i, row in enumerate(picked, start=1):
        member = await Member.get(id=row["id"])
        password = f"coopbank member pass {i}"
        mobile = f"+9190000000{i:02d}"
        if member.mobile != mobile:
            await update_contact_details(member_number=member.member_number, mobile=mobile)
        if member.kyc_status != "verified":
            await verify_kyc(member_number=member.member_number, checker="cli:demo")
        if not await MemberCredential.filter(member_id=member.id).exists():
            await set_member_password(member_id=member.id, password=password, actor="cli:demo")
        result.append(Credential(f"member · {member.full_name}", f"{member.member_number} or {mobile[3:]}", password,
                                 "6-digit code printed here at sign-in"))
    return result


async def set_up(data: Path) -> list[Credential]:
    from bankcore.db import open_database

    async with open_database():
        currency = await _import(data)
        await _products(currency)
        return await _staff() + await _members()


def _print(credentials: list[Credential], host: str, port: int, serving: bool) -> None:
    print("\nDemo users (development only: these passwords are public)\n")
    for c in credentials:
        print(f"  {c.who:<28} login {c.login:<24} password {c.password!r:<28} {c.second_factor}")
    print("\nStaff: add the TOTP secret to an authenticator app (or `python -c \"import pyotp; "
          "print(pyotp.TOTP('SECRET').now())\"`).")
    print("Members: the sign-in code is 'sent' by SMS; in the demo it is printed in this terminal.")
    if serving:
        print(f"\nServing at http://{host}:{port}  (Ctrl+C to stop)\n", flush=True)


class _CodePrinter(logging.Handler):
    """Shows the development notification provider's messages (sign-in codes) in the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"[sms] {record.getMessage()}", flush=True)


def _start_gateway_simulator(args: argparse.Namespace) -> None:
    """With COOPBANK_GATEWAY=sim (the default), run ``coopbank gateway-sim`` beside the bank so
    "Add money" and "Send to another bank" work at once; stopped when the demo stops."""
    import atexit
    import os
    import subprocess

    from coopbank.commands.gateway_sim import DEV_WEBHOOK_SECRET

    if os.environ.get("COOPBANK_GATEWAY", "sim") != "sim":
        return
    # A development secret only when none is given: the simulator signs with it, the bank checks it.
    os.environ.setdefault("COOPBANK_RAZORPAY_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET)
    os.environ.setdefault("COOPBANK_GATEWAY_SIM_URL", f"http://{args.host}:{args.sim_port}")
    webhook_url = f"http://{args.host}:{args.port}/webhooks/razorpay"
    proc = subprocess.Popen([sys.executable, "-m", "coopbank.cli", "gateway-sim", "--host", args.host,
                             "--port", str(args.sim_port), "--webhook-url", webhook_url,
                             "--exit-with-parent", str(os.getpid())], env=os.environ.copy())
    atexit.register(proc.terminate)
    print(f"Payment gateway simulator at {os.environ['COOPBANK_GATEWAY_SIM_URL']} (test checkout, payouts, "
          f"settlement reports; webhooks to {webhook_url})", flush=True)


def _run(args: argparse.Namespace) -> int:
    from bankcore.db import migrate_database

    if args.write_slice:
        write_slice(find_berka(args.data) if args.data else find_berka(), args.write_slice)
        print(f"slice written to {args.write_slice}")
        return 0
    data = find_berka(args.data)
    if not (data / "trans.asc.gz").is_file():
        print(f"demo: no Berka data at {data}", file=sys.stderr)
        return 2
    run_async(migrate_database)
    credentials = run_async(lambda: set_up(data))
    _print(credentials, args.host, args.port, serving=not args.no_serve)
    if args.no_serve:
        return 0
    _start_gateway_simulator(args)
    notes = logging.getLogger("bankcore.identity.notifications")
    notes.setLevel(logging.INFO)
    notes.addHandler(_CodePrinter())
    notes.propagate = False
    from coopbank.commands.serve import _run as serve

    return serve(args)
