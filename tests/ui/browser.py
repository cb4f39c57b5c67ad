"""Headless Chromium for the end-to-end tests and the screenshot script (selenium)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=en-IN")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "chromium is not installed (apt-get install -y chromium)"
    if not shutil.which("chromedriver"):
        return "chromedriver is not installed (apt-get install -y chromium-driver)"
    return None


# A wait returns as soon as its condition holds, so a generous ceiling costs nothing when the
# page is quick and keeps a loaded CI machine (first page load compiles NiceGUI's assets) from
# failing a correct flow. Waits never assert that something stays absent.
WAIT_FLOOR_S = float(os.environ.get("COOPBANK_BROWSER_WAIT_S", "30"))


def browser_test(backend: str) -> list[pytest.MarkDecorator]:
    """Marks for a headless-Chromium test module: skipped without Chromium, run on ``backend`` only.

    A browser flow exercises the pages and the server, not the database dialect (every service it
    calls is tested on both backends without a browser), so each flow runs once per CI run; the
    flows are shared between the SQLite and the PostgreSQL run to keep CI under 15 minutes.
    """
    from tests.conftest import BACKEND

    return [
        pytest.mark.chromium,
        pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or ""),
        pytest.mark.skipif(BACKEND != backend,
                           reason=f"browser flows run once, on the {backend} run (COOPBANK_TEST_DATABASE={backend})"),
    ]


def chrome(width: int = 1280, height: int = 800, downloads: Path | None = None):  # noqa: ANN201
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, for CSP checks
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    if downloads is not None:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_window_size(width, height)
    return driver


def _find(driver, xpath: str, timeout: float = 10.0):  # noqa: ANN001, ANN201
    """The visible element at ``xpath``, waiting for it: pages draw after their first request."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def visible(d):  # noqa: ANN001, ANN202
        shown = [e for e in d.find_elements(By.XPATH, xpath) if e.is_displayed()]
        return shown[0] if shown else False

    return WebDriverWait(driver, max(timeout, WAIT_FLOOR_S), poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException,)).until(visible)


def field(driver, label: str):  # noqa: ANN001, ANN201
    """The input of the Quasar field labelled ``label``."""
    return _find(driver, f"//label[.//div[contains(@class,'q-field__label') and normalize-space()='{label}']]"
                         "//*[self::input or self::textarea]")


def button(driver, text: str):  # noqa: ANN001, ANN201
    return _find(driver, f"//button[.//span[normalize-space()='{text}']]")


def wait_text(driver, text: str, timeout: float = 10.0) -> None:  # noqa: ANN001
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # Vue re-renders replace elements under us: a stale or missing body just means "look again".
    from selenium.common.exceptions import TimeoutException

    try:
        WebDriverWait(driver, max(timeout, WAIT_FLOOR_S), poll_frequency=0.05,
                      ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
            lambda d: text in d.find_element(By.TAG_NAME, "body").text)
    except TimeoutException:
        # Say what the page showed instead: a bare TimeoutException tells nothing.
        shown = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"{text!r} not shown on {driver.current_url} within the wait; "
                             f"the page shows:\n{shown[:1500]}") from None


def click_tab(driver, label: str) -> None:  # noqa: ANN001
    """Switch a Quasar tab bar to the tab labelled ``label`` and wait until it is the selected one.

    The tab is the element whose class list holds ``q-tab`` itself: ``contains(@class, 'q-tab')``
    also matches the bar around it (``q-tabs``, first in the document), and a click on the bar
    switches nothing, or, at its centre, whichever tab happens to lie there. Clicked by script:
    on a phone the tab may lie outside the bar's visible strip (a user swipes the strip, or holds
    an arrow down; Quasar's arrows scroll only while pressed, so WebDriver's instant click on one
    moves nothing).
    """
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    xpath = (f"//*[contains(concat(' ', normalize-space(@class), ' '), ' q-tab ') and @role='tab'"
             f" and .//*[normalize-space()='{label}']]")
    wait = WebDriverWait(driver, WAIT_FLOOR_S, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))
    tab = wait.until(lambda d: d.find_element(By.XPATH, xpath))
    driver.execute_script("arguments[0].click()", tab)
    wait.until(lambda d: d.find_element(By.XPATH, xpath).get_attribute("aria-selected") == "true")
