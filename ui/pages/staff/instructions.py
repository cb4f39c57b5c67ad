"""Standing instructions at the branch: staff set one up for any account, see and cancel them."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import frame
from ui.api import Api
from ui.i18n import _
from ui.pages.member.instructions import InstructionsView
from ui.pages.staff.common import open_staff_page


@ui.page("/staff/instructions")
async def staff_instructions_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Standing instructions"), "/staff/instructions")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await InstructionsView(api, member=False).draw()
    return None
