"""Message templates per event, in English, Hindi and Marathi (Babel catalogs and formats).

Each kind has a short title (inbox heading, e-mail subject) and a body (SMS, WhatsApp,
e-mail and inbox text). The English strings here are the gettext message ids; Hindi and
Marathi live in ``locale/<lang>/LC_MESSAGES/notifications.po`` (read with Babel's PO
reader, so no compile step). Amounts and dates are formatted with Babel's Indian locales
(``₹1,23,456.78``; ``3 दिस॰ 2026``).

Parameters follow one convention: ``<name>_minor`` with ``currency`` is money (shown as
``<name>``), ISO dates stay dates, ``account`` is masked to its last four digits (SMS go
to phones that others may see).
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency

LANGUAGES: dict[str, str] = {"en": "en_IN", "hi": "hi_IN", "mr": "mr_IN"}
LOCALE_DIR = Path(__file__).with_name("locale")

# kind -> (title, body); ``{name}`` placeholders filled from the formatted params.
TEMPLATES: dict[str, tuple[str, str]] = {
    "debit": ("Money debited",
              "{amount} debited from your account {account} on {date}. Balance {balance}. "
              "Not you? Call the bank at once."),
    "credit": ("Money credited", "{amount} credited to your account {account} on {date}. Balance {balance}."),
    "emi_due": ("EMI due soon", "Your EMI of {amount} on loan {loan} is due on {due_date}."),
    "emi_overdue": ("EMI overdue",
                    "Your EMI of {amount} on loan {loan} is overdue since {due_date}. Please pay it to avoid charges."),
    "fd_maturing": ("Deposit maturing", "Your deposit {account} of {amount} matures on {maturity_date}."),
    "fd_matured": ("Deposit matured", "Your deposit {account} matured on {maturity_date}: {amount}."),
    "kyc_due": ("KYC update due", "Your KYC details are due for update by {due_date}. Please visit your branch."),
    "new_device_sign_in": ("New sign-in", "Your account was signed in to from a new device ({device}). "
                           "Not you? Call the bank at once."),
    "mobile_changed": ("Mobile number changed", "The mobile number of your bank account was changed to {mobile}. "
                       "Not you? Call the bank at once."),
    "password_changed": ("Password changed", "Your password was changed. Not you? Call the bank at once."),
    "email_changed": ("E-mail changed", "The e-mail address of your bank account was changed to {email}. "
                      "Not you? Call the bank at once."),
    "webhook_disabled": ("Webhook disabled", "Webhook {name} of {client} was disabled after a day of failed deliveries."),
    "standing_instruction_failed": ("Standing instruction failed",
                                    "Your standing instruction of {amount} due on {due_on} could not be paid: {reason}."),
    "inoperative_notice": ("Account becoming inoperative",
                           "Your account {account_number} has had no transaction since {last_activity_on} and becomes "
                           "inoperative on {inoperative_on}. Use it or visit your branch to keep it active."),
    "message": ("Message from the bank", "{text}"),
}
GENERIC = ("Notification", "{kind}")


@dataclass(frozen=True, slots=True)
class Rendered:
    """A notification in one language: ``title`` (subject) and ``body``."""

    title: str
    body: str


@lru_cache(maxsize=8)
def _catalog(language: str) -> dict[str, str]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "notifications.po"
    if language == "en" or not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def translate(message: str, language: str) -> str:
    """``message`` (an English template) in ``language``, or as written when untranslated."""
    return _catalog(language).get(message, message)


def mask_account(number: str) -> str:
    """``XX1234``: the last four characters of an account number."""
    return "XX" + number[-4:] if len(number) > 4 else number


def _format_params(params: dict[str, Any], language: str) -> dict[str, str]:
    locale = LANGUAGES.get(language, "en_IN")
    currency = str(params.get("currency", "INR"))
    out: dict[str, str] = {}
    for key, value in params.items():
        if key.endswith("_minor") and isinstance(value, int):
            # Minor units -> major with Decimal (exact), shown by Babel's currency format.
            out[key[: -len("_minor")]] = format_currency(Decimal(value).scaleb(-2), currency, locale=locale)
        elif key in ("account", "account_number") and isinstance(value, str):
            out[key] = mask_account(value)
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                out[key] = format_date(date.fromisoformat(value), format="medium", locale=locale)
            except ValueError:
                out[key] = value
        else:
            out[key] = str(value)
    return out


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: str, params: dict[str, Any] | str, language: str = "en") -> Rendered:
    """Title and body of a ``kind`` notification with ``params`` (a dict or its JSON) in ``language``.

    Unknown kinds get a generic text; a missing parameter is left empty rather than failing
    (a message with a gap beats no message). Never raises for bad params.
    """
    if isinstance(params, str):
        try:
            params = json.loads(params)
        except ValueError:
            params = {}
    if not isinstance(params, dict):
        params = {}
    title, body = TEMPLATES.get(kind, GENERIC)
    values = _Lenient(_format_params(params, language))
    values.setdefault("kind", kind.replace("_", " "))
    formatter = string.Formatter()
    return Rendered(
        title=formatter.vformat(translate(title, language), (), values),
        body=formatter.vformat(translate(body, language), (), values).strip(),
    )
