from tortoise import Tortoise

from bankcore.chart import CASH, ensure_chart, gl_code
from bankcore.models import LedgerAccount


async def test_chart_is_created_once(db: str) -> None:
    first = await ensure_chart(currency="INR")
    again = await ensure_chart(currency="INR")
    assert first[CASH].id == again[CASH].id
    assert await LedgerAccount.filter(code=gl_code(CASH, "INR")).count() == 1


async def test_each_test_starts_from_an_empty_bank_with_ids_restarted(db: str) -> None:
    """The ``db`` fixture's reset (tests/conftest.py, truncate_all) empties the append-only ledger
    too, and ids restart, as TRUNCATE ... RESTART IDENTITY did."""
    from bankcore.models import JournalEntry, Member, Posting
    from tests.conftest import truncate_all
    from tests.ledger.factory import make_account, make_branch, make_member, small_bank

    await small_bank()
    await make_account(owner=await make_member("Ravi Kumar"), deposit="100.00")
    assert await JournalEntry.all().count() > 0 and await Posting.all().count() > 0
    await truncate_all()
    for model in Tortoise.apps.get_models_iterable():
        assert await model.all().count() == 0, model.__name__
    await make_branch("002")
    number = await make_member("Asha Rao", branch="002")
    assert (await Member.get(member_number=number)).id == 1
