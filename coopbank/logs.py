"""Structured logs: one JSON object per line, each carrying the request id.

Every HTTP request and WebSocket gets an id (the client's ``X-Request-ID`` when it is a
plain token of at most 64 characters, else a fresh one), echoed in the response's
``X-Request-ID`` header and attached to every log record written while it is handled, so
a support desk can find one member's failed request among many.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

#: The id of the request being handled in this task ("-" outside any request).
request_id: ContextVar[str] = ContextVar("request_id", default="-")

_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_for(given: str | None) -> str:
    """The client's id when it is safe to log and echo, else a fresh random one."""
    if given and _SAFE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (a filter on the handler, so all loggers get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(log_format: str = "json", level: int = logging.INFO) -> None:
    """Log to stderr as JSON lines (``json``) or readable text (``text``), with request ids."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}", style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        ))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # fontTools (fpdf2's font subsetter) logs a dozen INFO lines per PDF: library chatter, not events.
    logging.getLogger("fontTools").setLevel(max(level, logging.WARNING))
