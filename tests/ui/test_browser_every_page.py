"""Every page in headless Chromium on a 360 px phone, in one walk (issue 8, item 6; issue 9, item 8):

* under the pages' Content-Security-Policy nothing is refused, and no page logs a console error;
* nothing is wider than the screen, and every table either fits or scrolls sideways inside its
  own card (never clipped).

One walk checks both: the CSP does not depend on the screen's width, and each page load is the
costly part (a server render plus the browser's), so a second walk at desktop width bought nothing.
Set COOPBANK_SCREENSHOTS to a folder to keep one screenshot per page.
"""

from __future__ import annotations

import os
from pathlib import Path

from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import open_session
from bankcore.models import Member, PrincipalKind, StaffRole, StaffUser
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import serve
from tests.ui.browser import WAIT_FLOOR_S, browser_test, chrome, click_tab, wait_text

pytestmark = browser_test("sqlite")

# For each table: does it fit, or else may its body scroll sideways (Quasar's .q-table__middle)?
# Anything whose right edge passes the screen is clipped.
LAYOUT = """
const width = document.documentElement.clientWidth;
const problems = [];
if (document.documentElement.scrollWidth > width) problems.push('page ' + document.documentElement.scrollWidth);
for (const t of document.querySelectorAll('.q-table__container')) {
  const box = t.getBoundingClientRect();
  if (box.width === 0) continue;  // a hidden tab
  if (box.right > width + 1) problems.push('table passes the screen: ' + Math.round(box.right));
  const middle = t.querySelector('.q-table__middle');
  if (middle && middle.scrollWidth > middle.clientWidth + 1) {
    const overflow = getComputedStyle(middle).overflowX;
    if (overflow !== 'auto' && overflow !== 'scroll') problems.push('table clipped (overflow ' + overflow + ')');
  }
}
for (const s of document.querySelectorAll('.font-mono.select-all')) {
  if (s.scrollWidth > s.clientWidth + 1 || s.getBoundingClientRect().right > width + 1) problems.push('secret clipped');
}
return problems;
"""

# How many of the first tab bar's shown arrows lie over its strip of tabs (covering their labels).
ARROWS_OVER_TABS = """
const bar = document.querySelector('.q-tabs');
const strip = bar.querySelector('.q-tabs__content').getBoundingClientRect();
return [...bar.querySelectorAll('.q-tabs__arrow')].map(a => a.getBoundingClientRect())
  .filter(r => r.width > 0 && r.right > strip.left + 1 && r.left < strip.right - 1).length;
"""

# Counts the page's DOM changes from the moment it is installed (NiceGUI's Vue app is mounted by then).
WATCH = """
window.__changed = performance.now();
new MutationObserver(() => { window.__changed = performance.now(); })
  .observe(document.getElementById('app'), {subtree: true, childList: true, attributes: true, characterData: true});
"""
# Settled: the socket's handshake is done (so the server-side timers that fill a section after the
# first paint have been started), no section shows its spinner (one inside a closed expansion
# never stops: its image loads when opened), and the page has not changed for
# QUIET_MS. A late section update after that would only be missed by the layout check, never hide
# a console error: the console is read again after the last page.
QUIET_MS = 400
SETTLED = f"""
return window.did_handshake === true && window.__changed !== undefined
  && ![...document.querySelectorAll('#app .q-spinner')].some(s => s.getClientRects().length)
  && performance.now() - window.__changed > {QUIET_MS};
"""
# What kept a page from settling, for the failure message.
STATE = """
return {handshake: window.did_handshake, spinners: [...document.querySelectorAll('#app .q-spinner')]
  .filter(s => s.getClientRects().length).map(
  s => s.parentElement.outerHTML.slice(0, 300)), quiet_ms: performance.now() - window.__changed};
"""


def _open(driver, url: str) -> None:  # noqa: ANN001
    """Load ``url`` and wait until it has drawn and settled."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, WAIT_FLOOR_S, poll_frequency=0.05).until(
        lambda d: d.execute_script("return !!document.querySelector('#app .q-layout, #app .nicegui-content')"))
    _settle(driver, url)


def _settle(driver, what: str) -> None:  # noqa: ANN001
    """Wait until the page has not changed for QUIET_MS (and draws no spinner)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script(WATCH)
    try:
        WebDriverWait(driver, WAIT_FLOOR_S, poll_frequency=0.1).until(lambda d: d.execute_script(SETTLED))
    except TimeoutException:
        state = driver.execute_script(STATE)
        raise AssertionError(f"{what} did not settle within {WAIT_FLOOR_S} s: {state}") from None


def _console_errors(driver) -> list[str]:  # noqa: ANN001
    """Console errors and CSP refusals logged since the last call (the browser hands each entry over once)."""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]


async def test_every_page_on_a_360_px_phone_loads_under_the_csp_and_clips_nothing(db: str) -> None:
    # given an admin (every staff page draws for them, or its refusal), an accountant (the books,
    # reports and settlement tables an admin may not see) and a member with an account
    from ui.frame import MEMBER_NAV, STAFF_NAV

    await small_bank()
    number = await make_member("Asha Rao")
    account = await make_account("SB0", owner=number, deposit="123456.78")
    member = await Member.get(member_number=number)
    admin = await StaffUser.create(username="phone-admin", full_name="Phone Admin", role=StaffRole.ADMIN,
                                   password_hash="x", active=True)
    accountant = await StaffUser.create(username="phone-acct", full_name="Phone Accountant", role=StaffRole.ACCOUNTANT,
                                        password_hash="x", active=True)
    people = [
        ("admin", (await open_session(kind=PrincipalKind.STAFF, principal_id=admin.id, now=utcnow())).token,
         [i.path for i in STAFF_NAV]),
        ("accountant", (await open_session(kind=PrincipalKind.STAFF, principal_id=accountant.id, now=utcnow())).token,
         ["/staff/books", "/staff/reports", "/staff/payments"]),
        ("member", (await open_session(kind=PrincipalKind.MEMBER, principal_id=member.id, now=utcnow())).token,
         [i.path for i in MEMBER_NAV] + [f"/member/accounts/{account}"]),
    ]
    screenshots = Path(os.environ["COOPBANK_SCREENSHOTS"]) if os.environ.get("COOPBANK_SCREENSHOTS") else None
    clipped: dict[str, list[str]] = {}
    console: dict[str, list[str]] = {}
    visited: list[str] = []

    def check(name: str) -> None:
        if found := driver.execute_script(LAYOUT):
            clipped[name] = found
        if errors := _console_errors(driver):
            console[name] = errors
        visited.append(name)
        if screenshots is not None:
            driver.save_screenshot(str(screenshots / f"phone-{name.replace(' /', '-').replace('/', '-')}.png"))

    with serve(db) as base:
        driver = chrome(360, 780)
        try:
            # when each of them opens each of their pages (the sign-in page first, signed out)
            _open(driver, f"{base}/signin")
            check("anyone /signin")
            for who, token, paths in people:
                driver.delete_all_cookies()
                driver.add_cookie({"name": "coopbank_token", "value": token, "path": "/"})
                for path in paths:
                    _open(driver, base + path)
                    check(f"{who} {path}")
                if who == "admin":
                    # a tab beyond a phone's tab bar: reached, and its cards fit (the KYC tab's
                    # risk-category card is a checker's, so an admin sees it)
                    _open(driver, f"{base}/staff/clerk")
                    click_tab(driver, "KYC documents")
                    wait_text(driver, "Change a member's risk category")
                    _settle(driver, "the KYC tab")
                    check("admin /staff/clerk KYC tab")
                    covering = driver.execute_script(ARROWS_OVER_TABS)
            if late := _console_errors(driver):
                console["after the last page"] = late
        finally:
            driver.quit()
    # then no page met a CSP refusal (or any other console error), and none clipped anything;
    # the tab bar's arrows stand beside its tabs, not over their labels
    assert covering == 0, f"{covering} tab-bar arrow(s) drawn over the tabs"
    assert not console, console
    assert not clipped, clipped
    assert len(visited) == 1 + len(STAFF_NAV) + 1 + 3 + len(MEMBER_NAV) + 1
