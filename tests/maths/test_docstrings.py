"""Every public function and class of the maths modules documents itself."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "bankcore.interest.rates",
    "bankcore.interest.rounding",
    "bankcore.interest.daycount",
    "bankcore.interest.savings",
    "bankcore.loans.dates",
    "bankcore.loans.emi",
    "bankcore.loans.schedule",
    "bankcore.loans.schedule_types",
    "bankcore.loans.schedule_changes",
    "bankcore.loans.amortise",
    "bankcore.loans.broken_period",
    "bankcore.loans.allocation",
    "bankcore.loans.penal",
    "bankcore.deposits.term",
    "bankcore.deposits.tds",
    "bankcore.classification.overdue",
    "bankcore.classification.npa",
    "bankcore.classification.provisioning",
]


@pytest.mark.parametrize("name", MODULES)
def test_public_api_has_docstrings(name):
    module = importlib.import_module(name)
    assert module.__doc__ and len(module.__doc__) > 40
    for attr, value in vars(module).items():
        if attr.startswith("_") or getattr(value, "__module__", None) != name:
            continue
        if inspect.isfunction(value) or (inspect.isclass(value) and not issubclass(value, str)):
            assert value.__doc__, f"{name}.{attr} has no docstring"


@pytest.mark.parametrize("name", MODULES)
def test_no_orm_and_no_float(name):
    source = inspect.getsource(importlib.import_module(name))
    assert "tortoise" not in source
    assert "float(" not in source
