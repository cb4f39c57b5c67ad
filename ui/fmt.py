"""How the UI shows money and dates: from the API's decimal strings, never through float.

INR uses Indian digit grouping (₹1,23,456.78: thousands, then pairs); other currencies
group by thousands and carry their ISO code (``CZK 1,234.50``). Dates are DD-MM-YYYY. Times
are shown in the bank's time zone (setting ``bank.time_zone``, Asia/Kolkata unless configured;
``set_time_zone``) with its abbreviation: ``21-11-2026 12:15 IST``, never the server's UTC.
The formatter is ours, not babel's, so the output does not change with babel's CLDR data
and the UI needs no extra dependency (the tests compare it with babel when installed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SYMBOLS = {"INR": "₹", "EUR": "€", "USD": "$", "GBP": "£"}
# Minor-unit places per currency; the API already sends exactly this many.
PLACES = {"JPY": 0, "KWD": 3, "BHD": 3, "OMR": 3}
DEFAULT_TIME_ZONE = "Asia/Kolkata"
_zone = ZoneInfo(DEFAULT_TIME_ZONE)


def set_time_zone(name: str) -> None:
    """Show times in IANA zone ``name`` from now on (the bank's setting, read through GraphQL by
    ``ui.frame``); an unknown name keeps the zone in force."""
    global _zone
    try:
        _zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass


def time_zone() -> ZoneInfo:
    """The zone times are shown in."""
    return _zone


def _local(value: datetime) -> datetime:
    # The API answers in UTC; a time without a zone is taken as UTC too.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(_zone)


def _group(digits: str, indian: bool) -> str:
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    step = 2 if indian else 3
    groups = []
    while head:
        groups.insert(0, head[-step:])
        head = head[:-step]
    return ",".join([*groups, tail])


def money(amount: str | Decimal | None, currency: str, *, sign: bool = False) -> str:
    """``"123456.78", "INR"`` -> ``₹1,23,456.78``; ``"-5446.6", "CZK"`` -> ``-CZK 5,446.60``.

    ``sign=True`` writes a leading + on positive amounts (for credits in a list).
    """
    if amount is None:
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    places = PLACES.get(currency, 2)
    quantised = value.quantize(Decimal(1).scaleb(-places)) if places else value.quantize(Decimal(1))
    negative = quantised < 0
    whole, _, fraction = f"{abs(quantised):f}".partition(".")
    text = _group(whole, indian=currency == "INR") + (f".{fraction}" if places else "")
    symbol = SYMBOLS.get(currency)
    body = f"{symbol}{text}" if symbol else f"{currency} {text}"
    if negative:
        return f"-{body}"
    return f"+{body}" if sign and quantised > 0 else body


def is_nonzero(m: dict | None) -> bool:
    """Whether a GraphQL ``Money`` (``{amount: Decimal string, currency}``) is present and not zero ("0", "0.00", ...)."""
    return m is not None and Decimal(m["amount"]) != 0


def money_of(m: dict | None, *, sign: bool = False) -> str:
    """A GraphQL ``Money`` object (``{"amount": "...", "currency": "INR"}``) as text."""
    if not m:
        return "—"
    return money(m["amount"], m["currency"], sign=sign)


def day(value: str | date | datetime | None) -> str:
    """ISO date (or datetime: its day in the bank's time zone) -> DD-MM-YYYY."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = _local(value)
    return value.strftime("%d-%m-%Y")


def moment(value: str | datetime | None) -> str:
    """ISO datetime -> ``DD-MM-YYYY HH:MM IST``: in the bank's time zone, labelled with its abbreviation."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = _local(value)
    return f"{local.strftime('%d-%m-%Y %H:%M')} {local.tzname()}"


def megabytes(size: int) -> str:
    """A size limit in MB (of 1024 x 1024 bytes), rounded down to a tenth: a file of the size shown
    always fits (``5242880`` -> ``5``, ``2500000`` -> ``2.3``)."""
    tenths = size * 10 // (1024 * 1024)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def parse_amount(text: str | None, places: int = 2) -> Decimal | None:
    """A positive amount typed by a person (``1,500.5`` -> ``1500.50``), or None if it is not one."""
    cleaned = (text or "").replace(",", "").replace("₹", "").strip()
    if not cleaned or not all(c.isdigit() or c == "." for c in cleaned) or cleaned.count(".") > 1:
        return None
    value = Decimal(cleaned)
    if value <= 0 or -value.as_tuple().exponent > places:
        return None
    return value.quantize(Decimal(1).scaleb(-places))


def parse_day(text: str | None) -> date | None:
    """``21-11-2026`` (as typed or picked) -> a date; None when it is not a real DD-MM-YYYY date."""
    try:
        return datetime.strptime((text or "").strip(), "%d-%m-%Y").date()
    except ValueError:
        return None
