"""Every page on a 360 px phone, in headless Chromium (issue 9, item 8): nothing wider than the
screen, and every table either fits or scrolls sideways inside its own card (never clipped).

Set COOPBANK_SCREENSHOTS to a folder to keep one screenshot per page.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import open_session
from bankcore.models import Member, PrincipalKind, StaffRole, StaffUser
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import serve
from tests.ui.browser import browser_test, chrome

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


def _settle(driver) -> None:  # noqa: ANN001
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30, poll_frequency=0.1).until(
        lambda d: d.execute_script("return !!document.querySelector('#app .q-layout, #app .nicegui-content')"))
    time.sleep(1.0)  # sections fill after the first paint


async def test_no_page_clips_a_table_on_a_360_px_phone(db: str, tmp_path: Path) -> None:
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
    folder = Path(os.environ.get("COOPBANK_SCREENSHOTS") or tmp_path)
    problems: dict[str, list[str]] = {}
    with serve(db) as base:
        driver = chrome(360, 780)
        try:
            driver.get(f"{base}/signin")
            for who, token, paths in people:
                driver.delete_all_cookies()
                driver.add_cookie({"name": "coopbank_token", "value": token, "path": "/"})
                for path in paths:
                    driver.get(base + path)
                    _settle(driver)
                    found = driver.execute_script(LAYOUT)
                    if found:
                        problems[f"{who} {path}"] = found
                    driver.save_screenshot(str(folder / f"phone-{who}{path.replace('/', '-')}.png"))
        finally:
            driver.quit()
    assert not problems, problems
