"""The members' languages: every user-visible string of the UI goes through ``_()``.

``_("Transfer")`` returns the string in the signed-in user's language, from the Babel
message catalogs in ``ui/locale/<lang>/LC_MESSAGES/messages.po`` (English is the source
language: without a catalog, a string is shown as written). Module-level constants (menu
labels, table headers) are marked with ``N_()`` so the extractor finds them, and passed
through ``_()`` when drawn.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=16)
def translations(language: str) -> NullTranslations:
    """The catalog of ``language`` (``en``, ``hi``, ``mr``), or the identity when there is none."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()
    # The .po file is the only source (nothing compiled is committed that could go stale):
    # compile it in memory once per process.
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def current_language() -> str:
    """The language chosen by the user of the page being drawn (English outside a page)."""
    try:
        from nicegui import app

        return str(app.storage.user.get("language", DEFAULT_LANGUAGE))
    except (RuntimeError, AssertionError, KeyError):
        return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """``message`` in the current user's language."""
    return translations(current_language()).gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for translation without translating it now (translate when drawn)."""
    return message


#: The languages the app speaks, with each one's own name for itself.
LANGUAGES: dict[str, str] = {"en": "English", "hi": "हिन्दी", "mr": "मराठी"}


def _remembered() -> dict[str, str]:
    from nicegui import app

    return app.storage.general.setdefault("languages", {})


def remember_language(kind: str, principal_id: int, language: str) -> None:
    """Choose ``language`` for this user on this browser now and on every later sign-in.

    Raises ``ValueError`` for a language the app does not speak.
    """
    from nicegui import app

    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    app.storage.user["language"] = language
    _remembered()[f"{kind}:{principal_id}"] = language


def restore_language(kind: str | None, principal_id: int | None) -> None:
    """On a page of a signed-in user: use the language that user chose last (on any browser)."""
    from nicegui import app

    if kind is None or principal_id is None:
        return
    chosen = _remembered().get(f"{kind}:{principal_id}")
    if chosen in LANGUAGES and app.storage.user.get("language") != chosen:
        app.storage.user["language"] = chosen
