"""UPI payment requests as QR codes: ``upi://pay?pa=…&pn=…&cu=INR[&am=…]`` (NPCI's deep-link spec).

A savings account's UPI address is ``<account number>@<handle>`` (setting
``payments.upi_handle``). The amount, when asked for, is in rupees with two decimals.
Collect requests between persons are banned from 1 Oct 2025, so a member asks to be
paid by showing this QR (or link) instead.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import segno

from bankcore.money import Money


def account_vpa(account_number: str, handle: str) -> str:
    """The UPI address of a bank account: ``001000000018@coopbank``."""
    return f"{account_number}@{handle}".lower()


def upi_uri(*, vpa: str, name: str, amount: Money | None = None, note: str | None = None) -> str:
    """The ``upi://pay`` link for paying ``vpa`` (payee name ``name``), optionally a fixed ``amount`` in INR."""
    parts = [f"pa={quote(vpa, safe='@.-_')}", f"pn={quote(' '.join(name.split())[:50], safe='')}"]
    if amount is not None:
        if amount.currency != "INR":
            raise ValueError("UPI takes INR only")
        if amount.amount_minor <= 0:
            raise ValueError("a UPI amount must be positive")
        parts.append(f"am={amount.to_plain()}")
    parts.append("cu=INR")
    if note:
        parts.append(f"tn={quote(' '.join(note.split())[:50], safe='')}")
    return "upi://pay?" + "&".join(parts)


def qr_svg(uri: str, *, scale: int = 4) -> str:
    """The QR code of ``uri`` as an SVG document (error correction M, quiet zone kept)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def qr_png(uri: str, *, scale: int = 6) -> bytes:
    """The QR code of ``uri`` as PNG bytes (for the statement PDF)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="png", scale=scale)
    return buffer.getvalue()
