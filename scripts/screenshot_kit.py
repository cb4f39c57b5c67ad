"""What every screenshot needs: the two window sizes, shooting at both, scrolling and typing.

Used by ``scripts/screenshots.py`` (which puts the repository on ``sys.path`` first).
"""

from __future__ import annotations

import time
from pathlib import Path

from selenium.webdriver.common.keys import Keys

from tests.ui.browser import wait_text

SIZES = {"phone": (360, 780), "desktop": (1280, 800)}


def retype(element, text: str) -> None:  # noqa: ANN001
    """Replace what a field holds with ``text``, as a user selecting it all and typing would."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.BACKSPACE)
    element.send_keys(text)


def scroll_to(text: str):  # noqa: ANN201
    """A ``before`` step for ``shoot``: scroll the first card showing ``text`` to the top."""
    def go(driver) -> None:  # noqa: ANN001
        driver.execute_script(
            "const el = [...document.querySelectorAll('.q-card')].find(e => e.innerText.includes(arguments[0]));"
            "if (el) el.scrollIntoView({block: 'start'});", text)
    return go

def scroll_to_text(driver, text: str) -> None:  # noqa: ANN001
    """Scroll the innermost element showing ``text`` to the middle of the window (a phone shows little at once)."""
    driver.execute_script(
        "const all = [...document.querySelectorAll('#app *')].filter(e => e.innerText && e.innerText.includes(arguments[0]));"
        "const el = all[all.length - 1]; if (el) el.scrollIntoView({block: 'center'});", text)


def shoot(driver, out: Path, name: str, path: str | None = None, base: str = "", wait: str | None = None,  # noqa: ANN001
          before=None, settle: float = 1.0) -> None:  # noqa: ANN001
    """Save ``name-phone.png`` and ``name-desktop.png``: open ``path`` (if given) at each size,
    wait for ``wait``, run ``before(driver)``, let the page settle."""
    for size, (width, height) in SIZES.items():
        driver.set_window_size(width, height)
        if path is not None:
            driver.get(base + path)
        if wait:
            wait_text(driver, wait, timeout=15)
        if before is not None:
            before(driver)
        time.sleep(settle)
        driver.save_screenshot(str(out / f"{name}-{size}.png"))
        print(f"  {name}-{size}.png", flush=True)


def save(driver, out: Path, name: str) -> None:  # noqa: ANN001
    """Save the window as ``out/name.png`` once the last update has painted."""
    time.sleep(0.5)  # let the last update paint
    driver.save_screenshot(str(out / f"{name}.png"))
    print(f"  {name}.png", flush=True)
