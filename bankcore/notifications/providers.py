"""Provider adapters: how a message leaves the bank on each channel.

A provider has ``async send(message) -> str | None`` (the provider's message id, if any).
It raises ``PermanentFailure`` for an answer that retrying cannot fix (a malformed
number, a refused address: the delivery is given up at once) and any other exception
for a failure worth retrying (network, timeouts, 5xx, 429). Adapters:

- ``ConsoleProvider`` (development, the default): writes the message to the log;
- ``SmtpProvider``: e-mail through an SMTP server (stdlib ``smtplib`` in a thread, STARTTLS);
- ``HttpSmsProvider``: a generic HTTP SMS gateway (POST JSON ``{to, text, sender}`` with a
  bearer token), which most Indian aggregators accept or can be put behind;
- ``WhatsAppCloudProvider``: WhatsApp Business Cloud API (``POST /{phone-number-id}/messages``).

Chosen per channel from the environment by ``providers_from_env``:
``COOPBANK_SMS_PROVIDER`` (``console`` | ``http``), ``COOPBANK_EMAIL_PROVIDER``
(``console`` | ``smtp``), ``COOPBANK_WHATSAPP_PROVIDER`` (``console`` | ``http``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import httpx

from bankcore.models import DeliveryChannel

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The provider refused the message for good (bad address, rejected content)."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message to send: ``destination`` is an E.164 number or an e-mail address."""

    channel: DeliveryChannel
    destination: str
    subject: str
    body: str
    reference: str  # our delivery id, for the provider's idempotency / the log


class Provider(Protocol):
    async def send(self, message: OutgoingMessage) -> str | None: ...


@dataclass
class ConsoleProvider:
    """Writes each message to the log at INFO (``bankcore.notifications.providers``), and keeps
    the last messages in ``sent`` (for the demo and tests)."""

    sent: list[OutgoingMessage] = field(default_factory=list)

    async def send(self, message: OutgoingMessage) -> str | None:
        log.info("%s to %s: %s", message.channel.value.upper(), message.destination, message.body)
        self.sent.append(message)
        del self.sent[:-200]
        return f"console-{message.reference}"


def _classify_http(response: httpx.Response) -> None:
    if response.status_code < 300:
        return
    if response.status_code == 429 or response.status_code >= 500:
        raise RuntimeError(f"gateway answered {response.status_code}")
    raise PermanentFailure(f"gateway refused the message ({response.status_code}): {response.text[:120]}")


@dataclass
class HttpSmsProvider:
    """A generic HTTP SMS gateway: ``POST url`` with JSON ``{"to", "text", "sender", "reference"}``
    and ``Authorization: Bearer token``; a 2xx answer's JSON ``id`` (if any) is the provider id.
    4xx (but 429) are permanent; 429, 5xx and network errors are retried by the worker."""

    url: str
    token: str = ""
    sender: str = "COOPBK"
    timeout_s: float = 10.0
    transport: httpx.AsyncBaseTransport | None = None

    async def send(self, message: OutgoingMessage) -> str | None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport) as client:
            response = await client.post(self.url, headers=headers, json={
                "to": message.destination, "text": message.body, "sender": self.sender, "reference": message.reference,
            })
        _classify_http(response)
        try:
            return str(response.json().get("id") or "") or None
        except ValueError:
            return None


@dataclass
class WhatsAppCloudProvider:
    """WhatsApp Business Cloud API: ``POST {url}`` (``https://graph.facebook.com/v21.0/<phone-number-id>/messages``)
    with a text message. Business-initiated messages outside a 24-hour window need approved
    templates at Meta; this adapter sends text, which suits replies and test numbers."""

    url: str
    token: str
    timeout_s: float = 10.0
    transport: httpx.AsyncBaseTransport | None = None

    async def send(self, message: OutgoingMessage) -> str | None:
        async with httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport) as client:
            response = await client.post(self.url, headers={"Authorization": f"Bearer {self.token}"}, json={
                "messaging_product": "whatsapp", "to": message.destination.lstrip("+"), "type": "text",
                "text": {"body": message.body},
            })
        _classify_http(response)
        try:
            return str(response.json()["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            return None


@dataclass
class SmtpProvider:
    """E-mail through SMTP: ``host:port``, STARTTLS unless ``starttls`` is false, optional login.
    A refused recipient is permanent; connection errors are retried."""

    host: str
    port: int = 587
    sender: str = "alerts@coopbank.local"
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout_s: float = 15.0

    def _send_sync(self, message: OutgoingMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.destination
        email["Subject"] = message.subject
        email["X-Coopbank-Reference"] = message.reference
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            try:
                smtp.send_message(email)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                raise PermanentFailure(f"SMTP refused the message: {exc}") from exc

    async def send(self, message: OutgoingMessage) -> str | None:
        await asyncio.to_thread(self._send_sync, message)
        return None


def providers_from_env(env: Mapping[str, str] | None = None) -> dict[DeliveryChannel, Provider]:
    """The provider of each channel as configured in the environment (console by default).

    Raises ``ValueError`` naming the variable when a provider is chosen without its settings.
    """
    env = os.environ if env is None else env
    console = ConsoleProvider()
    chosen: dict[DeliveryChannel, Provider] = {}

    def need(name: str) -> str:
        value = env.get(name, "")
        if not value:
            raise ValueError(f"{name} must be set for the chosen notification provider")
        return value

    sms = env.get("COOPBANK_SMS_PROVIDER", "console")
    if sms == "http":
        chosen[DeliveryChannel.SMS] = HttpSmsProvider(url=need("COOPBANK_SMS_URL"), token=env.get("COOPBANK_SMS_TOKEN", ""),
                                                      sender=env.get("COOPBANK_SMS_SENDER", "COOPBK"))
    elif sms == "console":
        chosen[DeliveryChannel.SMS] = console
    else:
        raise ValueError("COOPBANK_SMS_PROVIDER must be console or http")
    email = env.get("COOPBANK_EMAIL_PROVIDER", "console")
    if email == "smtp":
        chosen[DeliveryChannel.EMAIL] = SmtpProvider(
            host=need("COOPBANK_SMTP_HOST"), port=int(env.get("COOPBANK_SMTP_PORT", "587")),
            sender=env.get("COOPBANK_SMTP_FROM", "alerts@coopbank.local"), username=env.get("COOPBANK_SMTP_USERNAME", ""),
            password=env.get("COOPBANK_SMTP_PASSWORD", ""), starttls=env.get("COOPBANK_SMTP_STARTTLS", "1") != "0",
        )
    elif email == "console":
        chosen[DeliveryChannel.EMAIL] = console
    else:
        raise ValueError("COOPBANK_EMAIL_PROVIDER must be console or smtp")
    whatsapp = env.get("COOPBANK_WHATSAPP_PROVIDER", "console")
    if whatsapp == "http":
        chosen[DeliveryChannel.WHATSAPP] = WhatsAppCloudProvider(url=need("COOPBANK_WHATSAPP_URL"),
                                                                 token=need("COOPBANK_WHATSAPP_TOKEN"))
    elif whatsapp == "console":
        chosen[DeliveryChannel.WHATSAPP] = console
    else:
        raise ValueError("COOPBANK_WHATSAPP_PROVIDER must be console or http")
    return chosen


_providers: dict[DeliveryChannel, Provider] | None = None


def providers() -> dict[DeliveryChannel, Provider]:
    """The process's providers (read from the environment on first use)."""
    global _providers
    if _providers is None:
        _providers = providers_from_env()
    return _providers


def use_providers(chosen: dict[DeliveryChannel, Provider] | None) -> dict[DeliveryChannel, Provider] | None:
    """Replace the process's providers (None: read the environment again); returns the previous ones."""
    global _providers
    previous, _providers = _providers, chosen
    return previous
