"""A `coopbank demo` to photograph: the child process, its printed credentials, and signing in.

Used by ``scripts/screenshots.py`` (which puts the repository on ``sys.path`` first).
"""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyotp

from tests.ui.browser import button, field, wait_text


class Demo:
    """A `coopbank demo` child process whose output is collected (credentials, sign-in codes)."""

    def __init__(self, workdir: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.workdir = workdir
        self.output = ""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            sim_port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coopbank.cli", "demo", "--port", str(self.port), "--sim-port", str(sim_port)], cwd=workdir,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 600  # the full Berka import on a busy 2-core machine
        while "NiceGUI ready" not in self.output and "Serving at" not in self.output:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"demo did not start:\n{self.output[-3000:]}")
            time.sleep(0.2)
        self.base = f"http://127.0.0.1:{self.port}"
        import urllib.request

        while True:  # "Serving at" is printed before the server (and the gateway simulator) is up
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline + 60:
                raise RuntimeError(f"demo did not serve:\n{self.output[-3000:]}")
            time.sleep(0.3)
        time.sleep(1.0)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output += line

    def totp(self, username: str) -> str:
        secret = re.search(rf"login {re.escape(username)}\s.*TOTP secret (\w+)", self.output).group(1)
        return secret

    def member_logins(self) -> list[str]:
        return re.findall(r"member · .*login (\d{8}) or", self.output)

    def last_code(self) -> str:
        return re.findall(r"\[sms\].*?: (\d{6}) is your", self.output)[-1]

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.workdir / "coopbank.sqlite3")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_USED_CODES: dict[str, str] = {}  # staff user -> the last one-time code this script signed in with


def sign_in(driver, demo: Demo, *, staff: str | None = None, member: str | None = None) -> None:  # noqa: ANN001
    driver.get(f"{demo.base}/signin")
    wait_text(driver, "Member number or mobile")
    if staff:
        button(driver, "Staff").click()
        wait_text(driver, "Username")
        field(driver, "Username").send_keys(staff)
        field(driver, "Password").send_keys(f"coopbank {staff.removeprefix('demo-')} pass")
    else:
        field(driver, "Member number or mobile").send_keys(member)
        field(driver, "Password").send_keys("coopbank member pass 1")
    button(driver, "Continue").click()
    wait_text(driver, "authenticator app" if staff else "We sent a code")
    time.sleep(0.3)
    if staff:
        totp = pyotp.TOTP(demo.totp(staff))
        # the bank refuses a one-time code used before (replay): a second sign-in of the same
        # user within one 30-second window waits for the next code
        while totp.now() == _USED_CODES.get(staff):
            time.sleep(1)
        code = _USED_CODES[staff] = totp.now()
    else:
        code = demo.last_code()
    field(driver, "6-digit code").send_keys(code)
    button(driver, "Sign in").click()
    time.sleep(1.0)
