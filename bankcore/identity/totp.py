"""Time-based one-time passwords (RFC 6238) with pyotp, and enrolment QR codes with segno.

30-second steps, 6 digits, SHA-1: what every authenticator app understands. A code is
accepted for the current step and one step either side (RFC 6238 section 5.2 allows for
clock drift and typing time), and each step's code once only: the caller stores the
accepted step and refuses any step at or before it, which stops a code seen over a
shoulder from being replayed within its 90-second window.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno

TOTP_STEP_S = 30
TOTP_DIGITS = 6
# Steps either side of now that still count (RFC 6238 5.2).
TOTP_DRIFT_STEPS = 1
ISSUER = "coopbank"


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """What a person needs to set up an authenticator app.

    ``secret`` is base32 (for typing in), ``provisioning_uri`` the ``otpauth://`` URI, and
    ``qr_svg`` that URI as a QR code in inline SVG (to embed in a page) and ``qr_data_uri``
    the same as an SVG ``data:`` URI (for an ``<img src>``). Show once: each of them lets
    anyone generate codes.
    """

    secret: str
    provisioning_uri: str
    qr_svg: str
    qr_data_uri: str


def new_secret() -> str:
    """A random 160-bit base32 secret (RFC 4226 section 4 recommends 160 bits)."""
    return pyotp.random_base32(32)


def time_step(now: datetime) -> int:
    """The RFC 6238 time step of ``now``: whole ``TOTP_STEP_S`` intervals since the Unix epoch."""
    return int(now.timestamp()) // TOTP_STEP_S


def code_at(secret: str, step: int) -> str:
    """The code for ``step`` (for tests and for showing a freshly enrolled secret works)."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_S).at(step * TOTP_STEP_S)


def matching_step(secret: str, code: str, *, now: datetime, last_used_step: int | None) -> int | None:
    """The time step whose code equals ``code``, within ±1 step of ``now`` and after ``last_used_step``.

    Returns ``None`` when no unused step in the window matches. The caller must record the
    returned step atomically (refusing a step at or before the stored one) to make the
    code single-use. Comparison is constant-time.
    """
    code = code.strip().replace(" ", "")
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_S)
    current = time_step(now)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(totp.at(step * TOTP_STEP_S), code):
            return step
    return None


def enrolment(secret: str, *, account_name: str) -> TotpEnrolment:
    """Provisioning URI (issuer ``coopbank``) and QR code (SVG) for ``secret``.

    ``account_name`` is the label the app shows, e.g. the username.
    """
    uri = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_S).provisioning_uri(
        name=account_name, issuer_name=ISSUER
    )
    # Error correction M survives a smudged screen; scale 4 is legible on a phone camera.
    qr = segno.make(uri, error="m", micro=False)
    title = f"{ISSUER} authenticator setup"
    return TotpEnrolment(
        secret=secret, provisioning_uri=uri, qr_svg=qr.svg_inline(scale=4, title=title),
        qr_data_uri=qr.svg_data_uri(scale=4, title=title),
    )
