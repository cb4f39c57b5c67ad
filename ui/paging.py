"""Forward keyset paging for lists shown a page at a time (newest first): the API gives an
``endCursor``; going back means remembering the cursors already used."""

from __future__ import annotations


class CursorPages:
    """Mixin: ``filter``, ``older`` and ``previous`` over a stack of cursors; subclasses ``load``.

    ``self.cursors[-1]`` is the cursor of the page on show (None for the first);
    ``load`` sets ``self.end_cursor`` to the API's cursor when there is an older page.
    """

    cursors: list[str | None]
    end_cursor: str | None

    async def load(self) -> None:
        raise NotImplementedError

    async def filter(self) -> None:
        """New filters: back to the first page."""
        self.cursors = [None]
        await self.load()

    async def older(self) -> None:
        if self.end_cursor:
            self.cursors.append(self.end_cursor)
            await self.load()

    async def previous(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            await self.load()
