from datetime import date, timedelta

from bankcore.reports.trial_balance import chart_balances, trial_balance
from bankcore.services.money_movement import transfer_funds, withdraw_cash
from tests.ledger.factory import inr, make_account, small_bank


async def test_trial_balance_balances_and_rolls_up(db: str) -> None:
    await small_bank()
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("CA", deposit="50.00")
    await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("30.00"), initiator="t")
    await withdraw_cash(account_number=b, amount=inr("200.00"), initiator="t")  # into overdraft
    today = date.today()
    tb = await trial_balance(as_of=today, currency="INR")
    assert tb.total_debit_minor == tb.total_credit_minor
    by_code = {r.code: r for r in tb.rows}
    assert by_code["1100-INR"].balance_minor == 15_000 - 20_000  # cash: 150 in, 200 out
    assert by_code["2100-INR"].balance_minor == 7_000  # savings control = the SB0 account
    assert by_code["2200-INR"].balance_minor == -12_000  # current deposits, overdrawn
    # The top-level classes are roll-ups of the rows above, not extra rows.
    assert "1000-INR" not in by_code and "2000-INR" not in by_code
    chart = {r.code: r for r in await chart_balances(as_of=today, currency="INR")}
    assert chart["2000-INR"].balance_minor == 7_000 - 12_000
    before = await trial_balance(as_of=today - timedelta(days=1), currency="INR")
    assert before.total_debit_minor == 0 and before.total_credit_minor == 0
