"""Counting the statements a piece of code sends to the database (round trips on PostgreSQL).

PostgreSQL: every message exchange asyncpg makes — a query, a ``BEGIN``/``COMMIT``, the
pool's reset on release — is one call of ``Connection.execute`` without arguments, of
``_execute`` (the extended protocol behind ``fetch``/``execute`` with arguments) or of
``_executemany``. SQLite: every statement handed to aiosqlite. Nothing is mocked: the calls
go through, they are only counted (with the SQL, for a useful failure message).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import aiosqlite
import asyncpg.connection


class Sent(list):
    """The statements sent, in order."""

    def __str__(self) -> str:
        return "\n".join(f"{i + 1}. {' '.join(sql.split())[:160]}" for i, sql in enumerate(self))


@contextlib.contextmanager
def counting_round_trips() -> Iterator[Sent]:
    sent = Sent()
    patches: list[tuple[Any, str, Any]] = []

    def wrap(cls: Any, name: str, counts: Any) -> None:
        original = getattr(cls, name)

        async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            query = counts(args, kwargs)
            if query is not None:
                sent.append(query)
            return await original(self, *args, **kwargs)

        patches.append((cls, name, original))
        setattr(cls, name, counted)

    pg = asyncpg.connection.Connection
    # execute(query) with no arguments is one simple-protocol exchange; with arguments it goes through _execute.
    wrap(pg, "execute", lambda a, k: a[0] if len(a) == 1 and not k.get("args") else None)
    wrap(pg, "_execute", lambda a, k: a[0])
    wrap(pg, "_executemany", lambda a, k: a[0])
    for name in ("execute", "execute_fetchall", "execute_insert", "executemany", "executescript"):
        wrap(aiosqlite.Connection, name, lambda a, k: str(a[0]) if a else "?")
    try:
        yield sent
    finally:
        for cls, name, original in reversed(patches):
            setattr(cls, name, original)
