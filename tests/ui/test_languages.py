"""The members' languages: chosen in the header, remembered per user, Indian formats kept."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from nicegui.testing import User

from bankcore.models import Member, PrincipalKind
from tests.ledger.factory import make_account, make_member, small_bank
from tests.ui.conftest import sign_in_as
from ui.i18n import LANGUAGES, translations

LOCALE = Path(__file__).parents[2] / "ui" / "locale"


async def _member() -> tuple[int, str]:
    await small_bank()
    number = await make_member("Asha Rao")
    account = await make_account("SB0", owner=number, deposit="123456.78")
    return (await Member.get(member_number=number)).id, account


async def test_a_member_switches_to_hindi_and_it_stays_on_the_next_sign_in(user: User, create_user) -> None:  # noqa: ANN001
    member_id, account = await _member()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member")
    await user.should_see("My accounts")
    user.find(marker="language").click()
    user.find(marker="language hi").click()
    await user.should_see("मेरे खाते", retries=20)
    await user.should_see("₹1,23,456.78")  # amounts keep the Indian grouping
    await user.should_see("उपलब्ध ₹1,23,456.78")

    other_browser = create_user()
    await sign_in_as(other_browser, PrincipalKind.MEMBER, member_id)
    await other_browser.open("/member")
    await other_browser.should_see("मेरे खाते")  # remembered for the member, not for the browser

    other_browser.find(marker="language").click()
    other_browser.find(marker="language mr").click()
    await other_browser.should_see("माझी खाती", retries=20)


def test_the_catalogs_parse_and_keep_every_placeholder() -> None:
    """A translation that drops or renames a {placeholder} would raise at .format() in a page."""
    for language in LANGUAGES:
        if language == "en":
            continue
        with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
            catalog = read_po(source, locale=language)
        for message in catalog:
            if message.id and message.string:
                assert set(re.findall(r"\{[^}]*\}", message.id)) == set(re.findall(r"\{[^}]*\}", message.string)), (
                    language, message.id, message.string)
        assert translations(language).gettext("My accounts") != "My accounts"
