"""The member dashboard in Hindi on a 360 px phone, in headless Chromium: chosen in the header,
drawn in Devanagari with the Indian amount format, nothing wider than the screen.

Skipped (with the reason) where chromium, chromedriver or selenium are missing. Set
COOPBANK_SCREENSHOTS to a folder to keep the screenshot.
"""

from __future__ import annotations

import os
from pathlib import Path


from tests.live.server import serve
from tests.ui.browser import browser_test, chrome, wait_text
from tests.ui.test_browser import MEMBER_PASSWORD, _portal_member, _sign_in

pytestmark = browser_test("sqlite")


async def test_the_member_dashboard_in_hindi_fits_a_360_px_phone(db: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    from tests.ledger.factory import small_bank

    await small_bank()
    number, _account, secret = await _portal_member("Asha Rao", "123456.78")
    with serve(db) as base:
        driver = chrome(360, 780)
        try:
            _sign_in(driver, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret)
            wait_text(driver, "₹1,23,456.78")  # (a server's storage may remember a language from an earlier run)
            driver.find_element(By.XPATH, "//button[.//i[normalize-space()='translate']]").click()
            wait_text(driver, "हिन्दी")
            driver.find_element(By.XPATH, "//*[contains(@class,'q-item') and contains(., 'हिन्दी')]").click()
            wait_text(driver, "मेरे खाते", timeout=20)
            wait_text(driver, "₹1,23,456.78")
            assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
            folder = Path(os.environ.get("COOPBANK_SCREENSHOTS") or tmp_path)
            driver.save_screenshot(str(folder / "member-dashboard-hi-phone.png"))
        finally:
            driver.quit()
