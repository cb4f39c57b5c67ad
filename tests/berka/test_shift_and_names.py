"""The demo's Berka data as a bank of today (issue 9, item 11): dates moved by whole years, realistic
Indian member names seeded by client id, the business date after the data's last day. On the
50-account slice shipped in the package, so it runs on a fresh clone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bankcore.berka.importer import SAVINGS_PRODUCT, import_berka
from bankcore.berka.names import SEED_OFFSET, _faker, _name_lists, member_name
from bankcore.berka.parse import read_all
from bankcore.berka.shift import shift_date, shift_years
from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, JournalEntry, Loan, Member, Product
from bankcore.models.member import Gender
from coopbank.commands.demo import BUNDLED, DEMO_SHIFT_YEARS
from tests.conftest import truncate_all


@pytest.fixture(scope="module")
def slice_data():  # noqa: ANN201
    return read_all(BUNDLED, "INR")


def test_a_shift_moves_every_date_by_whole_years(slice_data) -> None:  # noqa: ANN001
    moved = shift_years(slice_data, 32)
    assert (min(t.on for t in moved.transactions), max(t.on for t in moved.transactions)) == (
        date(2025, 1, 1), date(2026, 2, 28))  # the demo's story: Jan 2025 - Feb 2026
    pairs = [(a.opened_on, b.opened_on) for a, b in zip(slice_data.accounts, moved.accounts)]
    pairs += [(a.date_of_birth, b.date_of_birth) for a, b in zip(slice_data.clients, moved.clients)]
    pairs += [(a.granted_on, b.granted_on) for a, b in zip(slice_data.loans, moved.loans)]
    pairs += [(a.issued_on, b.issued_on) for a, b in zip(slice_data.cards, moved.cards)]
    pairs += [(a.on, b.on) for a, b in zip(slice_data.transactions, moved.transactions)]
    assert pairs and all(b == a.replace(year=a.year + 32) for a, b in pairs)
    # amounts, balances and ids are untouched; no shift is the data itself
    assert [(t.trans_id, t.amount_minor, t.balance_minor) for t in moved.transactions] == [
        (t.trans_id, t.amount_minor, t.balance_minor) for t in slice_data.transactions]
    assert shift_years(slice_data, 0) is slice_data


def test_a_leap_day_moves_only_to_a_leap_day(slice_data) -> None:  # noqa: ANN001
    assert shift_date(date(1996, 2, 29), 32) == date(2028, 2, 29)
    assert shift_date(date(1996, 2, 29), -4) == date(1992, 2, 29)
    with pytest.raises(DomainError) as refused:
        shift_date(date(1996, 2, 29), 30)
    assert refused.value.code is ErrorCode.INVALID_DATE and "multiple of 4" in str(refused.value)
    # a data set holding a 29 February refuses a shift by 1 year, takes one by 4
    leap = replace(slice_data, clients=(replace(slice_data.clients[0], date_of_birth=date(1948, 2, 29)),
                                        *slice_data.clients[1:]))
    with pytest.raises(DomainError):
        shift_years(leap, 1)
    assert shift_years(leap, 4).clients[0].date_of_birth == date(1952, 2, 29)
    with pytest.raises(DomainError) as too_far:
        shift_years(slice_data, 1000)
    assert too_far.value.code is ErrorCode.INVALID_INPUT


def test_member_names_are_indian_realistic_and_the_same_every_time() -> None:
    names = {i: member_name(i, Gender.FEMALE if i % 2 else Gender.MALE) for i in range(1, 201)}
    assert names == {i: member_name(i, Gender.FEMALE if i % 2 else Gender.MALE) for i in reversed(range(1, 201))}
    assert all(len(n.split()) >= 2 and "Berka" not in n for n in names.values())
    assert len(set(names.values())) > 180  # a population, not one name repeated
    assert member_name(583, "M") == member_name(583, Gender.MALE) != member_name(584, "M")


async def test_the_demo_import_runs_in_2025_26_and_reconciles_as_the_data_does(db: str) -> None:
    # given the data's own dates, for reference
    plain = await import_berka(path=BUNDLED, currency="INR")
    assert await business_date() == date(1994, 2, 28)
    plain_names = dict(await Member.all().values_list("source_ref", "full_name"))
    await truncate_all()

    # when the demo's import moves it 32 years on
    shifted = await import_berka(path=BUNDLED, currency="INR", shift_years=DEMO_SHIFT_YEARS)

    # then the history runs Jan 2025 - Feb 2026 and the business date follows its last day
    days = await JournalEntry.all().values_list("value_date", flat=True)
    assert (min(days), max(days)) == (date(2025, 1, 1), date(2026, 2, 28))
    assert await business_date() == date(2026, 2, 28)
    opened = await Account.filter(source_ref__startswith="berka:").values_list("opened_on", flat=True)
    assert opened and all(d.year >= 2025 for d in opened)
    assert all(g.year >= 2025 for g in await Loan.all().values_list("granted_on", flat=True))
    # and the reconciliation is the data's, to the paisa
    assert (shifted.reconciliation.accounts, shifted.reconciliation.matching, len(shifted.reconciliation.differences),
            shifted.reconciliation.total_abs_difference_minor) == (
        plain.reconciliation.accounts, plain.reconciliation.matching, len(plain.reconciliation.differences),
        plain.reconciliation.total_abs_difference_minor)
    assert not shifted.reconciliation.cache_faults and not shifted.reconciliation.unexplained
    assert shifted.stage("journal entries").inserted == plain.stage("journal entries").inserted
    # members are named as people, the same names whatever the shift
    names = dict(await Member.all().values_list("source_ref", "full_name"))
    assert names == plain_names and not any(n.startswith("Berka client") for n in names.values())
    # the Berka product keeps the data's 10,000 overdraft (history went below zero)
    assert (await Product.get(code=SAVINGS_PRODUCT)).overdraft_limit_minor == 10_000_00

    # a second import with the same shift adds nothing; another shift is refused, not mixed in
    again = await import_berka(path=BUNDLED, currency="INR", shift_years=DEMO_SHIFT_YEARS)
    assert again.inserted == 0
    with pytest.raises(DomainError) as mixed:
        await import_berka(path=BUNDLED, currency="INR")
    assert mixed.value.code is ErrorCode.INVALID_INPUT and "--shift-years" in str(mixed.value)


def test_member_names_are_the_ones_faker_itself_draws() -> None:
    # given Faker seeded per client, as the names were drawn before the shortcut
    fake = _faker()

    def drawn(client_id: int, gender: Gender) -> str:
        fake.seed_instance(SEED_OFFSET + client_id)
        first = fake.first_name_female() if gender is Gender.FEMALE else fake.first_name_male()
        return f"{first} {fake.last_name()}"

    # then the shortcut gives the same name for every client
    assert _name_lists() is not None
    for client_id in (*range(1, 400), 119_352, 10**6):
        for gender in (Gender.FEMALE, Gender.MALE):
            assert member_name(client_id, gender) == drawn(client_id, gender)
