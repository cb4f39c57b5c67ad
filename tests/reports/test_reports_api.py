"""The reports through the real schema: figures, CSV and PDF, roles, typed refusals."""

from __future__ import annotations

import base64

from tests.api.helpers import codes, gql, member, staff
from tests.reports.test_ledger_reports import TODAY, _bank

BALANCE_SHEET = """
query BalanceSheet($asOf: Date!) {
  balanceSheet(asOf: $asOf) {
    name asOf currency ok columns { key kind } rows { style cells } checks { name ok } gaps
    csv pdfBase64
  }
}"""

GENERAL_LEDGER = """
query GeneralLedger($asOf: Date!, $fromDate: Date, $account: String) {
  generalLedger(asOf: $asOf, fromDate: $fromDate, account: $account) { ok rows { cells } summary { label value display } }
}"""

BALANCE_AS_OF = "query B($code: String!, $asOf: Date!) { balanceAsOf(code: $code, asOf: $asOf) { amount currency } }"


async def test_accountant_gets_the_balance_sheet_with_csv_and_pdf(db: str) -> None:
    # given a bank with a history
    await _bank()
    # when the accountant asks for the balance sheet as of a date
    result = await gql(staff("accountant"), BALANCE_SHEET, asOf=TODAY.isoformat())
    # then it balances, and the CSV and PDF carry the same figures
    assert result.errors is None, result.errors
    sheet = result.data["balanceSheet"]
    assert sheet["ok"] and sheet["currency"] == "INR" and sheet["name"] == "balance-sheet"
    assert [c["key"] for c in sheet["columns"]] == ["section", "code", "name", "amount"]
    totals = [r["cells"] for r in sheet["rows"] if r["style"] == "total"]
    assert totals == [["LIABILITIES", "TOTAL", "Total liabilities", "800.00"], ["ASSETS", "TOTAL", "Total assets", "800.00"]]
    assert sheet["csv"].splitlines()[0] == "section,code,name,amount"
    assert "ASSETS,TOTAL,Total assets,800.00" in sheet["csv"].splitlines()
    assert base64.b64decode(sheet["pdfBase64"]).startswith(b"%PDF")


async def test_general_ledger_and_balance_as_of(db: str) -> None:
    a, _ = await _bank()
    result = await gql(staff("auditor"), GENERAL_LEDGER, asOf=TODAY.isoformat(), fromDate="2026-01-01", account=a)
    assert result.errors is None, result.errors
    ledger = result.data["generalLedger"]
    assert ledger["ok"] and ledger["summary"][1] == {"label": "Closing balance", "value": "795.00", "display": "795.00"}
    result = await gql(staff("manager"), BALANCE_AS_OF, code="1100-INR", asOf="2026-02-15")
    assert result.data["balanceAsOf"] == {"amount": "1500.00", "currency": "INR"}


async def test_refusals_are_typed(db: str) -> None:
    await _bank()
    # a member may not see the bank's books
    result = await gql(member(1), BALANCE_SHEET, asOf=TODAY.isoformat())
    assert codes(result) == ["FORBIDDEN"]
    # an unknown account, a period that ends before it starts, an unknown currency
    result = await gql(staff("accountant"), GENERAL_LEDGER, asOf=TODAY.isoformat(), account="9999-XXX")
    assert codes(result) == ["NOT_FOUND"]
    result = await gql(staff("accountant"), GENERAL_LEDGER, asOf="2026-01-01", fromDate=TODAY.isoformat())
    assert codes(result) == ["INVALID_INPUT"]
    result = await gql(staff("accountant"), 'query { dicgcReturn(asOf: "2026-03-31", currency: "XYZ") { ok } }')
    assert codes(result) == ["UNSUPPORTED_CURRENCY"]


async def test_the_pdf_and_csv_are_written_off_the_event_loop(db: str, monkeypatch) -> None:  # noqa: ANN001
    """A long list's PDF takes seconds of CPU: written in the event loop, it held every other
    request of the server process meanwhile."""
    import threading

    import graphql_api.reports.types as types

    loop_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    def recording(render):  # noqa: ANN001, ANN202
        def wrapped(report):  # noqa: ANN001, ANN202
            threads.append(threading.current_thread())
            return render(report)
        return wrapped

    monkeypatch.setattr(types, "report_pdf", recording(types.report_pdf))
    monkeypatch.setattr(types, "report_csv", recording(types.report_csv))
    await _bank()
    result = await gql(staff("accountant"), BALANCE_SHEET, asOf=TODAY.isoformat())
    assert result.errors is None, result.errors
    assert base64.b64decode(result.data["balanceSheet"]["pdfBase64"]).startswith(b"%PDF")
    assert len(threads) == 2 and loop_thread not in threads
