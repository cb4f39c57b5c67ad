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


def _extracted_from_the_code() -> set[str]:
    """Every msgid of ui/, extracted now with the keywords of scripts/i18n."""
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "N_": None, "NavItem": (2,), "shell": (2,), "open_staff_page": (2,)}
    root = Path(__file__).parents[2]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map=[("ui/**.py", "python")], keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return {m for m in found if m}


def test_scripts_i18n_keywords_match_this_test() -> None:
    script = (Path(__file__).parents[2] / "scripts" / "i18n").read_text()
    for keyword in ("-k _ ", "-k N_ ", "-k NavItem:2 ", "-k shell:2 ", "-k open_staff_page:2 "):
        assert keyword in script


def test_every_string_of_the_code_is_in_the_template_and_translated_in_hindi_and_marathi() -> None:
    """A new _() string without a translation (or a stale messages.pot) fails here: run scripts/i18n, translate."""
    in_code = _extracted_from_the_code()
    assert len(in_code) > 500
    with (LOCALE / "messages.pot").open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    assert in_code - template == set(), "messages.pot is stale: run scripts/i18n"
    for language in ("hi", "mr"):
        with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
            catalog = read_po(source, locale=language)
        translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
        missing = sorted(in_code - translated.keys())
        assert missing == [], (language, len(missing), missing[:20])
        for msgid in in_code:
            placeholders = sorted(re.findall(r"\{[^}]*\}", msgid))
            assert sorted(re.findall(r"\{[^}]*\}", translated[msgid])) == placeholders, (language, msgid)
            # Devanagari, not English left in place (codes like CSV, PDF, IFSC and pure placeholders excepted)
            if re.search(r"[a-z]{3}", re.sub(r"\{[^}]*\}", "", msgid)):
                assert re.search("[\u0900-\u097f]", translated[msgid]), (language, msgid, translated[msgid])


async def test_the_counter_shows_in_marathi_after_the_cashier_chooses_it(user: User) -> None:
    from tests.ui.test_counter import open_counter
    from tests.ui.test_staff import as_staff

    await small_bank()
    await as_staff(user, "cashier")
    await open_counter(user)
    await user.should_see("Find a member or account")
    user.find(marker="language").click()
    user.find(marker="language mr").click()
    await user.should_see("सभासद किंवा खाते शोधा", retries=20)
    await user.should_see("काउंटर")  # the page title
    await user.should_see("रोख ड्रॉवर: दिवस सुरू करण्यासाठी तुमची सुरुवातीची रोख मोजा आणि ड्रॉवर उघडा")
    await user.should_not_see("Find a member or account")
