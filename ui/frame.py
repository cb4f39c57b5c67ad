"""The shared page frame: who is signed in, the header, navigation per role, sign-out,
idle expiry, and the loading / empty / error states every page uses.

Navigation is derived from the API's policy table: a staff page lists the root fields it
cannot work without, and appears only for roles the policy allows them. A page opened by
URL anyway shows the refusal instead of its content (and the API would refuse too).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from ui import fmt
from ui.api import Api, ApiError, SignedOut
from ui.bell import bell
from ui.i18n import LANGUAGES, _, current_language, remember_language, restore_language
from ui.session import token_of

BANK_NAME = "coopbank"
DEFAULT_IDLE_S = 15 * 60  # staff default (ARCHITECTURE §4); the sign-in answer gives the real one
MEMBER = "member"
STAFF = "staff"
ANYONE_SIGNED_IN = "anyone"  # pages for members and staff alike (password and sessions)


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    icon: str
    needs: tuple[str, ...] = ()  # root fields; the item shows only if the role may call them all


MEMBER_NAV = (
    NavItem("/member", "Accounts", "account_balance_wallet"),
    NavItem("/member/transfer", "Transfer", "swap_horiz", ("transferFunds",)),
    NavItem("/member/add-money", "Add money", "add_card", ("createPaymentOrder",)),
    NavItem("/member/send", "Send to another bank", "send", ("createPayout",)),
    NavItem("/member/statements", "Statements", "receipt_long"),
    NavItem("/member/instructions", "Standing instructions", "event_repeat", ("standingInstructions", "createStandingInstruction")),
    NavItem("/member/loans", "Loans", "request_quote"),
    NavItem("/member/deposits", "Deposits", "savings"),
    NavItem("/member/shares", "Shares", "pie_chart", ("shareHolding",)),
    NavItem("/member/profile", "Profile", "person"),
    NavItem("/member/inbox", "Notifications", "notifications", ("notifications",)),
    NavItem("/security", "Password and sessions", "lock", ("mySessions", "changePassword")),
)

STAFF_NAV = (
    NavItem("/staff/cashier", "Counter", "point_of_sale", ("depositCash", "withdrawCash", "cashTotals")),
    NavItem("/staff/clerk", "Members", "person_add", ("registerMember", "openAccount", "members")),
    NavItem("/staff/approvals", "Approvals", "fact_check", ("pendingApprovals", "approveReversal")),
    NavItem("/staff/branch", "Branch overview", "insights", ("branchOverview",)),
    NavItem("/staff/books", "Books", "menu_book", ("ledgerAccounts", "trialBalance", "journalEntries")),
    # every staff role has at least one report (clerks: KYC due; cashiers: the cash book)
    NavItem("/staff/reports", "Reports", "summarize"),
    NavItem("/staff/payments", "Gateway settlement", "account_balance", ("suspenseItems", "reconcileSettlement")),
    NavItem("/staff/shares", "Share register", "pie_chart", ("shareRegister",)),
    NavItem("/staff/dividends", "Dividends and year-end", "paid", ("dividends", "financialYearCloses")),
    NavItem("/staff/day-end", "Day-end", "event_available", ("dayEndRuns",)),
    NavItem("/staff/instructions", "Standing instructions", "event_repeat", ("standingInstructions", "createStandingInstruction")),
    NavItem("/staff/inoperative", "Inoperative accounts", "lock_clock", ("reactivateAccount",)),
    NavItem("/staff/deposits", "Deposits", "savings", ("deposits",)),
    NavItem("/staff/loans", "Loans", "request_quote", ("loans", "loanDemandList")),
    NavItem("/staff/admin", "Administration", "admin_panel_settings", ("staffUsers", "createStaffUser")),
    NavItem("/staff/settings", "Settings", "tune", ("settings",)),
    NavItem("/staff/audit", "Audit trail", "policy", ("auditEvents", "auditChainStatus")),
    NavItem("/staff/webhooks", "Partner webhooks", "webhook", ("webhooks", "webhookCreate")),
    NavItem("/staff/inbox", "Notifications", "notifications", ("notifications",)),
    NavItem("/security", "Password and sessions", "lock", ("mySessions", "changePassword")),
)


def may_all(api: Api, needs: tuple[str, ...]) -> bool:
    return all(api.may(f) for f in needs)


def home_of(api: Api) -> str:
    """Where a signed-in user starts: members their accounts, staff their first page (or, after an
    admin's password reset, the page to choose a new one)."""
    if api.must_change_password:
        return "/security"
    if api.kind == "member":
        return "/member"
    for item in STAFF_NAV:
        if may_all(api, item.needs):
            return item.path
    return "/staff/audit"


async def signed_in(request: Request) -> Api | None:
    """The user behind the request's session cookie, or None (not signed in, or no longer)."""
    api = await Api.for_token(token_of(request), client_address=client_address(request),
                              user_agent=request.headers.get("user-agent"))
    await follow_time_zone(api or Api())
    return api


# The bank's time zone is a setting: each process asks for it at most once a minute.
TIME_ZONE_TTL_S = 60.0
_time_zone_checked = -TIME_ZONE_TTL_S


async def follow_time_zone(api: Api) -> None:
    """Show times in the bank's time zone (GraphQL ``bankTimeZone``), refreshed at most every ``TIME_ZONE_TTL_S``."""
    global _time_zone_checked
    now = time.monotonic()
    if now - _time_zone_checked < TIME_ZONE_TTL_S:
        return
    _time_zone_checked = now
    try:
        fmt.set_time_zone((await api.run("query BankTimeZone { bankTimeZone }"))["bankTimeZone"])
    except (ApiError, SignedOut):
        pass  # keep the zone in force; the page itself will say what is wrong


def client_address(request: Request) -> str | None:
    """The browser's IP address (behind a trusted proxy, the one it forwarded)."""
    return request.client.host if request.client else None


def to_sign_in(reason: str = "expired") -> RedirectResponse:
    return RedirectResponse(f"/session/end?reason={reason}", status_code=303)


# Clients already on their way to sign-in: the first reason given is the one shown
# (signing out ends the page's live subscription too, which would say "expired").
_leaving: weakref.WeakSet = weakref.WeakSet()


def leave(reason: str = "expired") -> None:
    """From an event handler: drop the cookie and land on sign-in."""
    client = ui.context.client
    if client in _leaving:
        return
    _leaving.add(client)
    ui.navigate.to(f"/session/end?reason={reason}")


async def sign_out(api: Api, reason: str = "signed-out") -> None:
    """End the session at the API too (not just drop the cookie), then land on sign-in."""
    # Claim the way out first: the revocation below also ends the page's live updates,
    # whose handler would otherwise send the user off with "expired".
    _leaving.add(ui.context.client)
    try:
        await api.run("mutation SignOut { signOut { signedOut } }")
    except (SignedOut, ApiError):
        pass  # gone already: the cookie is dropped by /session/end either way
    ui.navigate.to(f"/session/end?reason={reason}")


# Hindi and Marathi on a device without a Devanagari font (many desktops, headless browsers): the
# app serves Noto Sans Devanagari itself; the browser fetches it only for Devanagari characters.
app.add_static_files("/fonts", str(Path(__file__).with_name("fonts")))
DEVANAGARI_FONT_CSS = """<style>
@font-face { font-family: 'Coopbank Devanagari'; font-weight: 400; unicode-range: U+0900-097F, U+1CD0-1CFF, U+A8E0-A8FF;
  src: local('Noto Sans Devanagari'), url('/fonts/NotoSansDevanagari-Regular.ttf') format('truetype'); }
@font-face { font-family: 'Coopbank Devanagari'; font-weight: 500 900; unicode-range: U+0900-097F, U+1CD0-1CFF, U+A8E0-A8FF;
  src: local('Noto Sans Devanagari Bold'), url('/fonts/NotoSansDevanagari-Bold.ttf') format('truetype'); }
body { font-family: Roboto, -apple-system, 'Helvetica Neue', Helvetica, Arial, 'Coopbank Devanagari', sans-serif; }
</style>"""


def shell(api: Api, title: str, *, audience: str, needs: tuple[str, ...] = ()) -> bool:
    """Draw header and navigation; False (after drawing the refusal) when this user may not use the page."""
    if _has_user_storage():
        restore_language(api.kind, api.principal_id)
    ui.page_title(f"{_(title)} · {BANK_NAME}")
    ui.colors(primary="#1f5f8b", secondary="#2e7d32", accent="#f9a825")
    ui.add_head_html(DEVANAGARI_FONT_CSS)
    nav = MEMBER_NAV if api.kind == "member" else STAFF_NAV
    visible = [item for item in nav if may_all(api, item.needs)]
    with ui.header(elevated=True).classes("items-center gap-1 px-2 py-1"):
        ui.button(icon="menu", on_click=lambda: drawer.toggle()).props("flat round dense color=white").mark("menu")
        ui.label(BANK_NAME).classes("text-lg font-semibold tracking-wide")
        ui.space()
        if api.kind == "staff":
            _business_date_label(api)
        ui.label(_who(api)).classes("text-sm opacity-90 hidden sm:block").mark("who")
        bell(api)
        language_menu(api)
        ui.button(icon="logout", on_click=lambda: sign_out(api)).props("flat round dense color=white").tooltip(
            _("Sign out")).mark("sign-out")
    with ui.left_drawer(value=None).props("width=230 breakpoint=1023").classes("bg-slate-50") as drawer:
        ui.label(_who(api)).classes("text-xs text-slate-500 px-2 pt-2")
        with ui.list().classes("w-full"):
            for item in visible:
                with ui.item(on_click=lambda p=item.path: ui.navigate.to(p)).classes("rounded").mark(f"nav {item.path}"):
                    with ui.item_section().props("avatar"):
                        ui.icon(item.icon, color="primary")
                    with ui.item_section():
                        ui.item_label(_(item.label))
            if api.kind == "staff":
                with ui.item(on_click=lambda: ui.navigate.to("/graphql", new_tab=True)).mark("graphiql"):
                    with ui.item_section().props("avatar"):
                        ui.icon("code", color="primary")
                    with ui.item_section():
                        ui.item_label(_("GraphiQL explorer"))
    _idle_watch(api)
    ui.label(_(title)).classes("text-xl font-semibold text-slate-800 px-1")
    if api.must_change_password and audience != ANYONE_SIGNED_IN:
        refusal(_("Choose a new password first: an administrator set a temporary one."))
        ui.button(_("Choose a new password"), on_click=lambda: ui.navigate.to("/security")).mark("to-security")
        return False
    wrong_audience = audience != ANYONE_SIGNED_IN and (audience == MEMBER) != (api.kind == "member")
    if wrong_audience or not may_all(api, needs):
        refusal(_("This page is not available for your role."))
        return False
    return True


# Each browser tab's header label, so that a page that moves the business date (day-end) can
# show the new one without a reload.
_HEADER_DATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _business_date_label(api: Api) -> None:
    """The bank's business date in the staff header (not the wall clock: day-end moves it)."""
    label = ui.label("").classes("text-xs sm:text-sm opacity-90 whitespace-nowrap").mark("business-date")
    _HEADER_DATES[ui.context.client] = label

    async def fill() -> None:
        try:
            show_business_date(await business_date(api))
        except (SignedOut, ApiError):
            pass  # the page itself handles a dead session

    ui.timer(0, fill, once=True)


def show_business_date(day: date) -> None:
    """Show ``day`` as the business date in this tab's staff header (no header: nothing to do)."""
    label = _HEADER_DATES.get(ui.context.client)
    if label is not None:
        label.text = _("Business date {day}").format(day=fmt.day(day))


async def business_date(api: Api) -> date:
    """The bank's business date, for pages that count "the last N days" back from it.

    Raises ``SignedOut`` / ``ApiError`` as ``Api.run`` does.
    """
    data = await api.run("query BusinessDate { businessDate }")
    return date.fromisoformat(data["businessDate"])


def _who(api: Api) -> str:
    return _("Member") if api.kind == "member" else _("Staff · {role}").format(role=api.role.value)


def language_menu(api: Api) -> None:
    """The header's language choice (English, Hindi, Marathi), remembered for this user."""

    def choose(language: str) -> None:
        if api.kind is not None and api.principal_id is not None:
            remember_language(api.kind, api.principal_id, language)
        else:
            app.storage.user["language"] = language
        ui.navigate.reload()

    current = current_language()
    with ui.button(icon="translate").props("flat round dense color=white").tooltip(_("Language")).mark("language"):
        with ui.menu():
            for code, name in LANGUAGES.items():
                ui.menu_item(name, on_click=lambda c=code: choose(c)).mark(f"language {code}").classes(
                    "font-semibold" if code == current else "")


def _idle_watch(api: Api) -> None:
    idle_s = int(app.storage.user.get("idle_s", DEFAULT_IDLE_S)) if _has_user_storage() else DEFAULT_IDLE_S

    async def check() -> None:
        if time.monotonic() - api.last_activity > idle_s:
            await sign_out(api, "idle")

    ui.timer(30, check).mark("idle-watch")


def _has_user_storage() -> bool:
    try:
        app.storage.user  # noqa: B018 - raises without a storage secret or request
    except (RuntimeError, AssertionError):
        return False
    return True


def body() -> ui.column:
    """The page's content column: full width on a phone, centred and bounded on a desktop."""
    return ui.column().classes("w-full max-w-screen-lg mx-auto gap-4 p-2 sm:p-4")


def tabs() -> ui.tabs:
    """A page's tab bar. On a phone its tabs may not all fit: the arrows then stand outside the
    strip (inside it they covered the first and last labels' letters) and show on touch screens
    too, where Quasar hides them by default and nothing said that more tabs lie beyond the edge."""
    return ui.tabs().classes("w-full").props("outside-arrows mobile-arrows")


def loading() -> ui.row:
    with ui.row().classes("items-center gap-2 text-slate-500") as row:
        ui.spinner(size="md")
        ui.label(_("Loading…"))
    return row


def secret(value: str, mark: str = "secret") -> None:
    """A secret shown once (a TOTP secret, an API client's or a webhook's secret): wrapped, never
    clipped on a 360 px phone, selectable, with a copy button beside it."""
    with ui.row().classes("w-full max-w-full items-center gap-1 no-wrap"):
        ui.label(value).classes("font-mono text-sm select-all break-all grow min-w-0").mark(mark)

        def copy() -> None:
            ui.clipboard.write(value)
            ui.notify(_("Copied"))

        ui.button(icon="content_copy", on_click=copy).props(f'flat dense round aria-label="{_("Copy")}"').mark(
            f"copy {mark}").tooltip(_("Copy"))


def empty(text: str) -> None:
    with ui.row().classes("items-center gap-2 text-slate-500 p-4").mark("empty"):
        ui.icon("inbox")
        ui.label(text)


def error(text: str) -> None:
    with ui.row().classes("items-center gap-2 text-red-700 p-2").mark("error"):
        ui.icon("error_outline")
        ui.label(text)


def refusal(text: str) -> None:
    with ui.card().classes("w-full bg-amber-50").mark("refusal"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("block", color="orange")
            ui.label(text).classes("text-amber-900")


async def call(api: Api, document: str, on_error: Callable[[str], None] | None = None, **variables) -> dict | None:
    """Run an operation for a page; a dead session leaves for sign-in, a refusal is shown."""
    try:
        return await api.run(document, **variables)
    except SignedOut:
        leave("expired")
    except ApiError as exc:
        (on_error or error)(exc.for_person())
    return None


async def section(api: Api, container: ui.element, draw: Callable[[], Awaitable[None]]) -> None:
    """Replace ``container``'s content: a spinner while ``draw`` runs, then its result or an error."""
    container.clear()
    with container:
        spinner = loading()
    try:
        with container:
            await draw()
    except SignedOut:
        leave("expired")
    except ApiError as exc:
        with container:
            error(exc.for_person())
    finally:
        spinner.delete()


def date_input(label: str, value: date | None = None) -> ui.input:
    """A DD-MM-YYYY field with a calendar (the browser's own date input follows the OS locale)."""
    field = ui.input(label, value=value.strftime("%d-%m-%Y") if value else "",
                     validation={"DD-MM-YYYY": lambda v: not v or fmt.parse_day(v) is not None}).props(
        'outlined dense mask="##-##-####" inputmode=numeric').classes("w-40")
    with field.add_slot("append"):
        icon = ui.icon("event").classes("cursor-pointer")
    with field, ui.menu().props("no-parent-event") as menu:
        ui.date(mask="DD-MM-YYYY", on_change=menu.close).bind_value(field)
    icon.on("click", menu.open)
    return field
