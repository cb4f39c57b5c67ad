"""The in-app inbox: a member's or staff user's notifications, unread count, reading, preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Notification, NotificationPreference
from bankcore.notifications.live import publish_inbox_changes
from bankcore.notifications.templates import LANGUAGES, render


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One notification as its reader sees it (rendered in ``language``)."""

    id: int
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whose inbox: ``kind`` is ``member`` or ``staff``."""

    kind: str
    id: int

    def filter(self) -> dict[str, int]:
        return {"member_id": self.id} if self.kind == "member" else {"staff_id": self.id}


async def language_of(recipient: Recipient) -> str:
    if recipient.kind != "member":
        return "en"
    pref = await NotificationPreference.get_or_none(member_id=recipient.id)
    return pref.language if pref else "en"


async def inbox(recipient: Recipient, *, first: int = 20, before_id: int | None = None, unread_only: bool = False,
                language: str | None = None) -> list[InboxItem]:
    """The recipient's newest ``first`` (1–100) notifications before id ``before_id``, newest first."""
    first = max(1, min(first, 100))
    query = Notification.filter(**recipient.filter())
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    rows = await query.order_by("-id").limit(first)
    language = language or await language_of(recipient)
    out = []
    for row in rows:
        text = render(row.kind, row.params, language)
        out.append(InboxItem(id=row.id, kind=row.kind, title=text.title, body=text.body, created_at=row.created_at,
                             read_at=row.read_at))
    return out


async def unread_count(recipient: Recipient) -> int:
    """How many of the recipient's notifications are unread."""
    return await Notification.filter(**recipient.filter(), read_at__isnull=True).count()


async def mark_read(recipient: Recipient, *, ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Mark the recipient's notifications ``ids`` (None: all) read; returns how many changed.

    Ids of other people's notifications are ignored (never an error: no oracle).
    """
    query = Notification.filter(**recipient.filter(), read_at__isnull=True)
    if ids is not None:
        if len(ids) > 500:
            raise DomainError(ErrorCode.INVALID_INPUT, "at most 500 notifications at a time", field="ids")
        query = query.filter(id__in=ids)
    changed = await query.update(read_at=now or datetime.now(UTC))
    if changed:
        publish_inbox_changes(**({"members": {recipient.id}} if recipient.kind == "member" else {"staff": {recipient.id}}))
    return changed


@dataclass(frozen=True, slots=True)
class Preferences:
    """A member's notification choices (defaults when never set)."""

    language: str = "en"
    sms: bool = True
    email: bool = True
    whatsapp: bool = False
    credit_threshold_minor: int | None = None


async def preferences(*, member_id: int) -> Preferences:
    pref = await NotificationPreference.get_or_none(member_id=member_id)
    if pref is None:
        return Preferences()
    return Preferences(language=pref.language, sms=pref.sms, email=pref.email, whatsapp=pref.whatsapp,
                       credit_threshold_minor=pref.credit_threshold_minor)


async def set_preferences(*, member_id: int, language: str, sms: bool, email: bool, whatsapp: bool,
                          credit_threshold_minor: int | None) -> Preferences:
    """Save a member's choices. Debit alerts still go by SMS when ``sms`` is off (RBI).

    Raises ``DomainError(INVALID_INPUT)`` for an unknown language (field ``language``) or a
    negative threshold (field ``creditAlertThreshold``).
    """
    if language not in LANGUAGES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"language must be one of {', '.join(LANGUAGES)}", field="language")
    if credit_threshold_minor is not None and not 0 <= credit_threshold_minor <= 10**15:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "the threshold must be zero or more", field="creditAlertThreshold")
    values = dict(language=language, sms=sms, email=email, whatsapp=whatsapp, credit_threshold_minor=credit_threshold_minor,
                  updated_at=datetime.now(UTC))
    await NotificationPreference.update_or_create(defaults=values, member_id=member_id)
    return await preferences(member_id=member_id)
