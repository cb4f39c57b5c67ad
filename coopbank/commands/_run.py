"""Running an async command body from the synchronous CLI."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on uvloop when available (≈30% faster for DB-bound work), else asyncio."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.run(main())
    return uvloop.run(main())
