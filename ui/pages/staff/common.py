"""Helpers the staff pages share: the guarded page opening and small display pieces."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

from ui import frame
from ui.api import Api


async def open_staff_page(request: Request, title: str, path: str) -> Api | RedirectResponse | None:
    """Sign-in check and frame for the staff page at ``path``; None when the role may not use it."""
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    needs = next(item.needs for item in frame.STAFF_NAV if item.path == path)
    return api if frame.shell(api, title, audience=frame.STAFF, needs=needs) else None
