"""Confirm what the member reviewed: send exactly that, at most once, with a one-time code if asked.

A money page's Review freezes the operation's variables, an idempotency key among them
(``Confirmation.review``); Confirm sends them unchanged (``Confirmation.confirm``). When the API
answers ``STEP_UP_REQUIRED`` (a large payment, closing a loan), the member is asked for a one-time
code (``ask_code``) and the same variables go again with it, under the same key. A failure is
shown through the page's ``say`` and Confirm is enabled again (a retry with the same key cannot
pay twice), unless the page says the refusal makes the review stale; then the member reviews anew.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from nicegui import ui

from ui import frame
from ui.api import Api, ApiError, SignedOut
from ui.i18n import _

REQUEST_CODE = "mutation RequestStepUpCode { requestStepUpCode { challengeToken method sentTo userErrors { code message } } }"


async def ask_code(api: Api) -> tuple[str, str] | None:
    """Ask for a step-up code (the authenticator app's, or one sent by SMS); (challenge, code) or None."""
    try:
        data = await api.run(REQUEST_CODE)
    except SignedOut:
        frame.leave("expired")
        return None
    except ApiError as exc:
        ui.notify(exc.for_person(), type="negative")
        return None
    issued = data["requestStepUpCode"]
    if issued["userErrors"]:
        ui.notify(issued["userErrors"][0]["message"], type="negative")
        return None
    where = (_("Enter the code from your authenticator app.") if issued["method"] == "totp"
             else _("Enter the code sent to {to}.").format(to=issued["sentTo"]))
    with ui.dialog() as dialog, ui.card().classes("w-80"):
        ui.label(_("Confirm it is you")).classes("text-lg font-medium")
        ui.label(where).classes("text-sm text-slate-600")
        code = ui.input(_("6-digit code")).props("outlined inputmode=numeric maxlength=6 autofocus").mark("step-up-code")
        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=lambda: dialog.submit(None)).props("flat")
            ui.button(_("Confirm"), on_click=lambda: dialog.submit((code.value or "").strip())).mark("step-up-confirm")
    entered = await dialog
    dialog.delete()
    return (issued["challengeToken"], entered) if entered else None


class Confirmation:
    """One reviewed money operation and its Confirm button.

    ``document`` is the mutation and ``field`` its root field; its variables go as ``input``
    (``as_input``) or one by one. ``say`` shows a failure on the page; ``again`` is appended to a
    network or server error to tell the member that confirming again is safe. ``step_up``: the
    operation takes a ``stepUp`` and may ask for a code. ``stale_on``: error codes after which the
    reviewed variables must not be sent again (Confirm stays disabled); ``None`` for any error.
    ``explain`` words one user error for the member (default: the API's message).
    """

    def __init__(self, api: Api, document: str, field: str, *, say: Callable[[str], None], again: str,
                 as_input: bool = True, step_up: bool = True, stale_on: Collection[str] | None = (),
                 explain: Callable[[dict[str, Any]], str] = lambda error: error["message"]) -> None:
        self.api, self.document, self.field = api, document, field
        self.say, self.again, self.explain = say, again, explain
        self.as_input, self.step_up, self.stale_on = as_input, step_up, stale_on
        self.reviewed: dict[str, Any] | None = None
        self.button: ui.button | None = None

    def review(self, variables: dict[str, Any]) -> None:
        """Freeze ``variables`` (with their idempotency key) as what Confirm will send."""
        self.reviewed = variables

    def forget(self) -> None:
        """Nothing to confirm any more."""
        self.reviewed = None

    def form_changed(self, box: ui.element, mark: str) -> None:
        """The form changed after Review: nothing to confirm any more, and ``box`` (the review) says so."""
        if self.reviewed is None:
            return
        self.reviewed = None
        box.clear()
        with box:
            ui.label(_("Changed: review again before confirming.")).classes("text-sm text-amber-800").mark(mark)

    async def confirm(self) -> dict[str, Any] | None:
        """Send the reviewed variables; the payload when the API accepted them, else None (the
        failure was shown, or the member cancelled the code, or the session ended)."""
        reviewed = self.reviewed
        if reviewed is None or self.button is None:
            return None
        self.button.disable()
        code: tuple[str, str] | None = None
        while True:
            variables = dict(reviewed)
            if code is not None:
                variables["stepUp"] = {"challengeToken": code[0], "code": code[1]}
            try:
                data = await self.api.run(self.document, **({"input": variables} if self.as_input else variables))
            except SignedOut:
                frame.leave("expired")
                return None
            except ApiError as exc:
                self.say(exc.for_person() + " " + self.again)
                self.button.enable()
                return None
            payload = data[self.field]
            codes = [e["code"] for e in payload["userErrors"]]
            if self.step_up and code is None and "STEP_UP_REQUIRED" in codes:
                code = await ask_code(self.api)
                if code is None:
                    self.button.enable()
                    return None
                continue
            if codes:
                self.say(" ".join(self.explain(e) for e in payload["userErrors"]))
                if self.stale_on is None or set(codes) & set(self.stale_on):
                    self.reviewed = None
                else:
                    self.button.enable()
                return None
            self.reviewed = None
            return payload
