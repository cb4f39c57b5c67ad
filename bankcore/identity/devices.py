"""Known devices: a notice when a member or staff user signs in from a device not seen before.

A device is told apart by a fingerprint: the browser's User-Agent with its version
numbers removed (an update of Chrome is the same device) together with the device id the
client keeps (the web app's ``coopbank_device`` cookie, an app's ``X-Device-Id`` header).
Clearing the cookie, or another browser, makes a new device, as with the banks and mail
providers that send such notices.

The first device a person ever signs in from is recorded without a notice: portal access
was just granted at the branch (or the password set with an SMS code), so a notice would
only alarm. Every later new device notifies the member (inbox, and SMS / e-mail as they
chose: ``new_device_sign_in``) or the staff user (inbox), once per device.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from tortoise.transactions import in_transaction

from bankcore.identity.clock import utcnow
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import KnownDevice, PrincipalKind

DEVICE_ID_MAX = 64
_VERSION = re.compile(r"[\d._]+")
_BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
             ("Chrome", "Chrome"), ("Safari", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def clean_device_id(value: str | None) -> str | None:
    """A client's device id if it looks like one (printable, at most 64 characters), else None."""
    text = (value or "").strip()
    return text if text and len(text) <= DEVICE_ID_MAX and text.isprintable() else None


def coarse_user_agent(user_agent: str | None) -> str:
    """The User-Agent without version numbers, lower case, spaces collapsed."""
    return " ".join(_VERSION.sub("", (user_agent or "").lower()).split())


def describe_device(user_agent: str | None) -> str:
    """What a person recognises: ``Chrome on Android``; else the start of the User-Agent, or ``unknown device``."""
    text = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in text), None)
    system = next((name for key, name in _SYSTEMS if key in text), None)
    if browser and system:
        return f"{browser} on {system}"
    return " ".join(text.split())[:60] or "unknown device"


def fingerprint(*, user_agent: str | None, device_id: str | None) -> str:
    """SHA-256 hex of the coarse User-Agent and the device id (either may be missing)."""
    return hashlib.sha256(f"{coarse_user_agent(user_agent)}|{clean_device_id(device_id) or ''}".encode()).hexdigest()


async def remember_device(*, kind: PrincipalKind, principal_id: int, user_agent: str | None, device_id: str | None,
                          client_address: str | None = None, now: datetime | None = None) -> bool:
    """Record that ``kind``/``principal_id`` signed in from this device; True when it was new
    and a notice was written (never for the first device, nor for partners).

    One transaction: the device row (inserted, or its last sighting updated) and the notice
    commit together; a device seen twice at once is inserted once (unique fingerprint per
    person), so at most one notice.
    """
    if kind is PrincipalKind.PARTNER:
        return False
    now = now or utcnow()
    key = fingerprint(user_agent=user_agent, device_id=device_id)
    label = describe_device(user_agent)
    address = (client_address or "").strip()[:64] or None
    async with in_transaction() as conn:
        m = placeholders(conn, 7)
        inserted = await fetch(
            conn,
            "INSERT INTO known_device (principal_kind, principal_id, fingerprint, label, first_seen_at, last_seen_at, "
            f"last_address) VALUES ({', '.join(m)}) "
            "ON CONFLICT (principal_kind, principal_id, fingerprint) DO NOTHING RETURNING id",
            [kind.value, principal_id, key, label, now, now, address],
        )
        if not inserted:
            await KnownDevice.filter(principal_kind=kind, principal_id=principal_id, fingerprint=key).using_db(
                conn).update(last_seen_at=now, last_address=address)
            return False
        others = await KnownDevice.filter(principal_kind=kind, principal_id=principal_id).using_db(conn).exclude(
            id=inserted[0]["id"]).exists()
        if not others:
            return False  # the first device: nothing to compare with
        from bankcore.notifications import notify, notify_staff

        params = {"device": label, "address": address or "", "at": now.isoformat(timespec="minutes")}
        dedupe = f"new_device:{kind.value}:{principal_id}:{key[:32]}"
        if kind is PrincipalKind.MEMBER:
            await notify(member_id=principal_id, kind="new_device_sign_in", params=params, dedupe_key=dedupe, conn=conn)
        else:
            await notify_staff(staff_id=principal_id, kind="new_device_sign_in", params=params, dedupe_key=dedupe,
                               conn=conn)
    return True
