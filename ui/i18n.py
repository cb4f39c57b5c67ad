"""The members' languages: every user-visible string of the UI goes through ``_()``.

``_("Transfer")`` returns the string in the signed-in user's language, from the Babel
message catalogs in ``ui/locale/<lang>/LC_MESSAGES/messages.mo`` (English is the source
language: without a catalog, a string is shown as written). Module-level constants (menu
labels, table headers) are marked with ``N_()`` so the extractor finds them, and passed
through ``_()`` when drawn.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=16)
def translations(language: str) -> NullTranslations:
    """The catalog of ``language`` (``en``, ``hi``, ``mr``), or the identity when there is none."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language])


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
