"""``coopbank calc``: the calculators on the command line (no database)."""

from __future__ import annotations

import pytest

from coopbank.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["calc", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_emi_csv(capsys):
    status, out, err = run(
        capsys, "emi", "--principal", "500000", "--rate", "10.5", "--months", "60", "--start", "2026-01-05", "--format", "csv"
    )
    lines = out.splitlines()
    assert (status, err) == (0, "")
    assert lines[0] == "n,due_date,opening,instalment,interest,principal,closing"
    assert lines[1] == "1,2026-02-05,500000.00,10746.95,4375.00,6371.95,493628.05"
    assert len(lines) == 61
    assert lines[-1].startswith("60,2031-01-05,") and lines[-1].endswith(",0.00")
    principal_total = sum(int(line.split(",")[5].replace(".", "")) for line in lines[1:])
    assert principal_total == 50_000_000


def test_emi_table(capsys):
    status, out, _ = run(capsys, "emi", "--principal", "500000", "--rate", "10.5", "--months", "60", "--start", "2026-01-05")
    assert status == 0
    assert "EMI             10746.95" in out
    assert "total interest  144816.99" in out
    assert out.splitlines()[-1].split()[0] == "60"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--emi-step", "rupee"], "1,2026-02-05,500000.00,10747.00,4375.00,6372.00,493628.00"),
        (["--method", "flat"], "1,2026-02-05,500000.00,12708.33,4375.00,8333.33,491666.67"),
        (["--method", "equal-principal"], "1,2026-02-05,500000.00,12708.33,4375.00,8333.33,491666.67"),
        # disbursed 5 Jan, EMI on the 10th: 5 broken days, 5,00,000 * 10.5 % * 5/365 = 719.18 in instalment 1
        (["--repayment-day", "10"], "1,2026-02-10,500000.00,11466.13,5094.18,6371.95,493628.05"),
    ],
)
def test_emi_options(capsys, extra, expected):
    status, out, _ = run(
        capsys, "emi", "--principal", "500000", "--rate", "10.5", "--months", "60", "--start", "2026-01-05",
        "--format", "csv", *extra,
    )
    assert status == 0
    assert out.splitlines()[1] == expected


def test_fd(capsys):
    status, out, _ = run(capsys, "fd", "--principal", "100000", "--rate", "7", "--months", "12", "--start", "2026-01-01")
    assert status == 0
    assert "maturity value  107185.90" in out
    assert "interest        7185.90" in out
    assert "maturity date   2027-01-01" in out


def test_fd_csv_in_days(capsys):
    status, out, _ = run(
        capsys, "fd", "--principal", "100000", "--rate", "7", "--days", "90", "--start", "2026-01-01", "--format", "csv"
    )
    assert status == 0
    assert out.splitlines() == [
        "deposited,rate,compounding,start,maturity_date,interest,maturity",
        "100000.00,7.00,quarterly,2026-01-01,2026-04-01,1726.03,101726.03",
    ]


def test_rd(capsys):
    status, out, _ = run(
        capsys, "rd", "--instalment", "5000", "--rate", "7.5", "--months", "18", "--start", "2026-01-01", "--format", "csv"
    )
    assert status == 0
    assert out.splitlines()[1] == "90000.00,7.50,quarterly,2026-01-01,2027-07-01,5502.35,95502.35"


@pytest.mark.parametrize(
    "argv",
    [
        ["emi", "--principal", "500000", "--rate", "abc", "--months", "60"],
        ["emi", "--principal", "-5", "--rate", "10", "--months", "60"],
        ["emi", "--principal", "1e5", "--rate", "10", "--months", "60"],
        ["emi", "--principal", "100.005", "--rate", "10", "--months", "60"],
        ["emi", "--principal", "500000", "--rate", "10", "--months", "0"],
        ["emi", "--principal", "500000", "--rate", "10", "--months", "twelve"],
        ["emi", "--principal", "500000", "--rate", "7.125", "--months", "12"],
        ["emi", "--principal", "500000", "--rate", "10", "--months", "12", "--start", "2026-13-01"],
        ["emi", "--principal", "500000", "--rate", "10", "--months", "12", "--repayment-day", "32"],
        ["fd", "--principal", "1000", "--rate", "7", "--days", "3"],
        ["rd", "--instalment", "0", "--rate", "7", "--months", "12"],
        [],
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and "error:" in err
    assert "Traceback" not in err


def test_usage_error_is_one_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["calc", "emi", "--principal", "1000"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--rate" in err
