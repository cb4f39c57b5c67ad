"""``ui.confirm.Confirmation`` without a page: what Confirm sends, and what a refusal leaves behind.

The flows that use it (Pay EMI, close a loan, send money) are tested through the User fixture
(tests/ui/test_loans_ui.py, test_payments_ui.py); these cover the branches those happy paths do
not reach, with a stand-in API and button, in milliseconds.
"""

from __future__ import annotations

import pytest

import ui.confirm
from ui.api import ApiError
from ui.confirm import Confirmation

REVIEWED = {"loanNumber": "L1", "idempotencyKey": "close-1"}


class FakeApi:
    """Answers each run with the next of ``answers`` (a payload's userErrors codes, or an exception)."""

    def __init__(self, *answers: list[str] | Exception) -> None:
        self.answers = list(answers)
        self.sent: list[dict] = []

    async def run(self, document: str, **variables: object) -> dict:
        self.sent.append(variables)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return {"closeLoan": {"userErrors": [{"code": c, "message": f"no: {c}"} for c in answer], "closed": not answer}}


class FakeButton:
    def __init__(self) -> None:
        self.enabled = True

    def disable(self) -> None:
        self.enabled = False

    def enable(self) -> None:
        self.enabled = True


def confirmation(api: FakeApi, said: list[str], **options: object) -> Confirmation:
    c = Confirmation(api, "mutation CloseLoan { x }", "closeLoan", say=said.append, again="Again is safe.",
                     as_input=False, **options)
    c.button = FakeButton()
    c.review(dict(REVIEWED))
    return c


async def test_a_step_up_sends_the_same_variables_and_key_again_with_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    async def code(api: object) -> tuple[str, str]:
        return ("challenge", "123456")

    monkeypatch.setattr(ui.confirm, "ask_code", code)
    api, said = FakeApi(["STEP_UP_REQUIRED"], []), []
    c = confirmation(api, said)
    assert await c.confirm() == {"userErrors": [], "closed": True}
    assert api.sent == [REVIEWED, {**REVIEWED, "stepUp": {"challengeToken": "challenge", "code": "123456"}}]
    assert c.reviewed is None and not said


async def test_a_cancelled_code_sends_nothing_more_and_confirm_works_again(monkeypatch: pytest.MonkeyPatch) -> None:
    async def cancelled(api: object) -> None:
        return None

    monkeypatch.setattr(ui.confirm, "ask_code", cancelled)
    api, said = FakeApi(["STEP_UP_REQUIRED"]), []
    c = confirmation(api, said)
    assert await c.confirm() is None
    assert len(api.sent) == 1 and c.button.enabled and c.reviewed == REVIEWED


async def test_a_server_error_says_a_retry_is_safe_and_keeps_the_review() -> None:
    api, said = FakeApi(ApiError(["INTERNAL"], ["The bank could not answer."]), []), []
    c = confirmation(api, said)
    assert await c.confirm() is None
    assert said == ["The bank could not answer. Again is safe."] and c.button.enabled
    assert await c.confirm() is not None
    assert api.sent == [REVIEWED, REVIEWED]  # the same key both times: it cannot pay twice


@pytest.mark.parametrize(("codes", "stale_on", "step_up", "stale"), [
    (["QUOTE_CHANGED"], ("QUOTE_CHANGED",), True, True),
    (["INSUFFICIENT_FUNDS"], ("QUOTE_CHANGED",), True, False),
    (["INSUFFICIENT_FUNDS"], None, True, True),
    (["STEP_UP_REQUIRED"], None, False, True),  # an operation without step-up shows it like any refusal
])
async def test_a_refusal_is_shown_and_ends_the_review_only_when_it_makes_it_stale(
        codes: list[str], stale_on: tuple[str, ...] | None, step_up: bool, stale: bool) -> None:
    api, said = FakeApi(codes), []
    c = confirmation(api, said, stale_on=stale_on, step_up=step_up)
    assert await c.confirm() is None
    assert said == [f"no: {codes[0]}"] and len(api.sent) == 1
    assert (c.reviewed is None, c.button.enabled) == (stale, not stale)
