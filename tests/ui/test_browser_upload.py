"""End to end in headless Chromium (`coopbank serve` in its own process): the upload cards' header
says what the bank accepts (not Quasar's "0.0B / 0.00%" before any file is chosen), and a scan
chosen through the page's own file input still reaches the member's KYC documents.

With ``COOPBANK_SCREENSHOTS=DIR`` the KYC tab is also saved there as PNGs.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from selenium.webdriver.common.by import By

from bankcore.models import KycDocument
from bankcore.services.members import register_member
from graphql_api.http import TOKEN_COOKIE
from tests.ledger.factory import small_bank
from tests.live.server import serve, staff_token
from tests.members.samples import image
from tests.ui.browser import WAIT_FLOOR_S, _find, browser_test, chrome, click_tab, field, wait_text

pytestmark = browser_test("sqlite")
SHOTS = os.environ.get("COOPBANK_SCREENSHOTS")

UPLOADER = "//div[contains(@class,'q-uploader') and .//*[normalize-space()='{0}']]"


def _header(driver, label: str, accepted: str) -> str:  # noqa: ANN001
    """The header's text once it names what is accepted (its slot draws after the header itself:
    a loaded CI run read the add button's icon alone), or as it is when the wait ends."""
    header = _find(driver, UPLOADER.format(label) + "//div[contains(@class,'q-uploader__header')]")
    deadline = time.monotonic() + WAIT_FLOOR_S
    while accepted not in header.text and time.monotonic() < deadline:
        time.sleep(0.1)
    return header.text


def _choose_language(driver, language: str) -> None:  # noqa: ANN001
    """Pick ``language`` from the header's language menu. A click that lands before the page's
    websocket is up opens nothing (a loaded CI run lost it once): the menu is asked for again."""
    from selenium.common.exceptions import TimeoutException

    for _ in range(3):
        _find(driver, "//button[.//i[normalize-space()='translate']]").click()
        try:
            _find(driver, f"//*[contains(@class,'q-item') and contains(., '{language}')]", timeout=5).click()
            return
        except TimeoutException:
            continue
    raise AssertionError(f"the language menu did not offer {language}")


def _assert_says_what_is_accepted(header: str, accepted: str) -> None:
    assert "0.0B" not in header and "0.00%" not in header, header
    assert accepted in header, header


async def test_the_upload_cards_say_what_they_accept_and_a_chosen_scan_is_uploaded(db: str, tmp_path: Path) -> None:
    await small_bank()
    clerk = await staff_token("clerk")
    accountant = await staff_token("accountant")
    member = await register_member(full_name="Anjali Rao", branch_code="001", registered_by="staff:1")
    scan = tmp_path / "pan.png"
    scan.write_bytes(image("PNG"))
    with serve(db, COOPBANK_DOCUMENT_STORE=str(tmp_path / "documents")) as base:
        for width, height, size in ((360, 780, "phone"), (1280, 800, "desktop")):
            driver = chrome(width, height)
            try:
                driver.get(f"{base}/healthz")
                driver.add_cookie({"name": TOKEN_COOKIE, "value": clerk, "path": "/"})
                driver.get(f"{base}/staff/clerk")
                click_tab(driver, "KYC documents")
                header = _header(driver, "Choose the scan", "PDF, JPEG or PNG, up to 5 MB")
                _assert_says_what_is_accepted(header, "PDF, JPEG or PNG, up to 5 MB")
                assert "Choose the scan" in header
                if size == "phone":  # the page's own file input (inside the header's add button) still uploads
                    field(driver, "Member number").send_keys(member.member_number)
                    field(driver, "Document number").send_keys("ABCPR1234F")
                    driver.find_element(By.XPATH, UPLOADER.format("Choose the scan") + "//input[@type='file']")\
                        .send_keys(str(scan))
                    wait_text(driver, "Uploaded PAN card XXXXXX234F")
                    _assert_says_what_is_accepted(_header(driver, "Choose the scan", "PDF, JPEG or PNG, up to 5 MB"),
                                                  "PDF, JPEG or PNG, up to 5 MB")
                if SHOTS:
                    Path(SHOTS).mkdir(parents=True, exist_ok=True)
                    time.sleep(1)  # the tab panel's slide-in has ended
                    driver.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top + window.scrollY - 200)",
                                          _find(driver, UPLOADER.format("Choose the scan")))
                    time.sleep(0.5)
                    driver.save_screenshot(str(Path(SHOTS) / f"upload-kyc-{size}.png"))
                driver.delete_all_cookies()
                driver.get(f"{base}/healthz")
                driver.add_cookie({"name": TOKEN_COOKIE, "value": accountant, "path": "/"})
                driver.get(f"{base}/staff/payments")
                wait_text(driver, "Suspense ageing")
                _assert_says_what_is_accepted(_header(driver, "Settlement CSV", "CSV file, up to 5 MB"), "CSV file, up to 5 MB")
            finally:
                driver.quit()
        # the header in Hindi and Marathi, on a 360 px phone: translated, and nothing wider than the screen
        for language, tab, title, accepted in (
                ("हिन्दी", "केवाईसी दस्तावेज़", "स्कैन चुनें", "PDF, JPEG या PNG, अधिकतम 5 MB"),
                ("मराठी", "केवायसी दस्तऐवज", "स्कॅन निवडा", "PDF, JPEG किंवा PNG, कमाल 5 MB")):
            driver = chrome(360, 780)
            try:
                driver.get(f"{base}/healthz")
                driver.add_cookie({"name": TOKEN_COOKIE, "value": clerk, "path": "/"})
                driver.get(f"{base}/staff/clerk")
                _choose_language(driver, language)
                click_tab(driver, tab)
                _assert_says_what_is_accepted(_header(driver, title, accepted), accepted)
                assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
                if SHOTS:
                    time.sleep(1)
                    driver.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top + window.scrollY - 200)",
                                          _find(driver, UPLOADER.format(title)))
                    time.sleep(0.5)
                    driver.save_screenshot(str(Path(SHOTS) / f"upload-kyc-{language}-phone.png"))
            finally:
                driver.quit()
    document = await KycDocument.get(member__member_number=member.member_number)
    assert document.content_type == "image/png"
