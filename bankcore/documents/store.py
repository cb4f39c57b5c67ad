"""The document store: files kept under the SHA-256 of their content.

A key is always the 64-hex-digit SHA-256 of the bytes, computed here: a name a user typed
never becomes a path, and the same scan uploaded twice is kept once. ``DocumentStore`` is
the interface (``put`` / ``get``); ``LocalFolderStore`` keeps files in a folder (default
``./coopbank-documents``, or the folder named by ``COOPBANK_DOCUMENT_STORE``). Another store
(object storage, a DMS) plugs in with ``set_document_store``.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

ENV = "COOPBANK_DOCUMENT_STORE"
DEFAULT_FOLDER = "coopbank-documents"
_KEY = re.compile(r"^[0-9a-f]{64}$")


class DocumentMissing(Exception):
    """No document under this key, or what is stored no longer matches its hash."""


def content_key(data: bytes) -> str:
    """The key a document is stored under: the hex SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


class DocumentStore(Protocol):
    """Where documents live. Keys are content hashes (``content_key``)."""

    async def put(self, data: bytes) -> str:
        """Keep ``data``; return its key. Storing the same bytes again is a no-op."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes stored under ``key``. Raises ``DocumentMissing``."""
        ...


class LocalFolderStore:
    """Documents as files ``<root>/<key[:2]>/<key>``, written atomically (temporary file, fsync, rename)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise DocumentMissing(f"not a document key: {key[:80]!r}")
        return self.root / key[:2] / key

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read(self, key: str) -> bytes:
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            raise DocumentMissing(f"no document {key}") from None
        if content_key(data) != key:
            raise DocumentMissing(f"document {key} is damaged: its content no longer matches its hash")
        return data

    async def put(self, data: bytes) -> str:
        key = content_key(data)
        await asyncio.to_thread(self._write, key, data)
        return key

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)


_store: DocumentStore | None = None


def document_store() -> DocumentStore:
    """The process's document store: ``set_document_store``'s, else a ``LocalFolderStore`` on
    ``COOPBANK_DOCUMENT_STORE`` (default ``./coopbank-documents``)."""
    global _store
    if _store is None:
        _store = LocalFolderStore(os.environ.get(ENV, "").strip() or DEFAULT_FOLDER)
    return _store


def set_document_store(store: DocumentStore | None) -> DocumentStore | None:
    """Use ``store`` from now on (None: read the environment again); returns the previous one."""
    global _store
    previous, _store = _store, store
    return previous
