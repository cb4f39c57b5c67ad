"""The web app is an honest client of the API: nothing in ui/ imports bankcore or tortoise."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
FORBIDDEN = ("bankcore", "tortoise")


def test_ui_imports_neither_bankcore_nor_tortoise() -> None:
    offenders = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(UI.parent)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders, offenders


def test_operation_documents_are_named() -> None:
    unnamed = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if text.startswith(("query", "mutation", "subscription")) and "{" in text:
                    head = text.split("{", 1)[0].split("(", 1)[0].split()
                    if len(head) < 2:
                        unnamed.append(f"{path.name}: {text[:40]}")
    assert not unnamed, unnamed


def test_pages_take_their_dates_from_the_business_date_not_the_wall_clock() -> None:
    # A demo runs in 2025-26 and an imported bank in its own years: a default of date.today()
    # lands a user on an empty period. Pages ask GraphQL's businessDate (ui.frame.business_date).
    offenders = [f"{path.relative_to(UI.parent)}:{n}" for path in UI.rglob("*.py")
                 for n, line in enumerate(path.read_text().splitlines(), start=1)
                 if "date.today()" in line or "datetime.today()" in line]
    assert not offenders, offenders
