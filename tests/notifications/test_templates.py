"""Templates per event in English, Hindi and Marathi (pure: no database)."""

from __future__ import annotations

import pytest

from bankcore.notifications.enqueue import KINDS
from bankcore.notifications.templates import TEMPLATES, mask_account, render, translate

STAFF_ONLY = {"webhook_disabled"}


def test_every_kind_has_a_template() -> None:
    assert set(KINDS) <= set(TEMPLATES)


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_every_member_template_is_translated(language: str) -> None:
    missing = [m for kind, pair in TEMPLATES.items() if kind not in STAFF_ONLY for m in pair
               if m != "{text}" and translate(m, language) == m]
    assert not missing


@pytest.mark.parametrize(("language", "amount", "day"), [
    ("en", "₹1,23,456.78", "3 Dec 2026"), ("hi", "₹1,23,456.78", "3 दिस॰ 2026"), ("mr", "₹123,456.78", "3 डिसें, 2026"),
])
def test_amounts_and_dates_are_formatted_for_the_language(language: str, amount: str, day: str) -> None:
    text = render("emi_due", {"amount_minor": 12_345_678, "currency": "INR", "loan": "L-1", "due_date": "2026-12-03"},
                  language)
    assert amount in text.body and day in text.body


def test_missing_params_and_unknown_kinds_never_fail() -> None:
    assert render("debit", {}).body.startswith(" debited") or "debited" in render("debit", {}).body
    generic = render("loan_sanctioned", '{"x": 1}')
    assert generic.title == "Notification" and generic.body == "loan sanctioned"
    assert render("message", "not json").body == ""


def test_account_numbers_are_masked() -> None:
    assert mask_account("001SB000123") == "XX0123"
    assert "001SB000123" not in render("credit", {"account": "001SB000123", "amount_minor": 100}).body
