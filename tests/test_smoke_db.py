from bankcore.chart import CASH, ensure_chart, gl_code
from bankcore.models import LedgerAccount


async def test_chart_is_created_once(db: str) -> None:
    first = await ensure_chart(currency="INR")
    again = await ensure_chart(currency="INR")
    assert first[CASH].id == again[CASH].id
    assert await LedgerAccount.filter(code=gl_code(CASH, "INR")).count() == 1
