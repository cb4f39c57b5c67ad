"""Writing service objects into the answer as the generic executor writes them: the same values the
types' fields give (enums by name, dates in ISO form, ``Money`` as amount and currency)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from bankcore.models import AccountStatus, EntryType, ProductKind
from graphql_api.fast_exec.plan import FIELDS, Selection

def money_answer(money: Any, plan: tuple[Selection, ...]) -> dict[str, Any] | None:
    if money is None:
        return None
    return {s.key: money.amount if s.name == "amount" else money.currency for s in plan}


def leaf_answer(obj: Any, name: str) -> Any:
    value = getattr(obj, SNAKE[name])
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, str) and name in _ENUM_FIELDS:  # a service may hand over the enum's value
        return _ENUM_FIELDS[name](value).name
    if isinstance(value, date):
        return value.isoformat()
    return value


_ENUM_FIELDS = {"entryType": EntryType, "status": AccountStatus, "kind": ProductKind}
SNAKE = {name: "".join("_" + c.lower() if c.isupper() else c for c in name)
          for fields in FIELDS.values() for name in fields}


def object_answer(obj: Any, plan: tuple[Selection, ...]) -> dict[str, Any]:
    """An object whose selected fields are plain attributes (no resolver, no database)."""
    out = {}
    for s in plan:
        if s.plan is None:
            out[s.key] = leaf_answer(obj, s.name)
        elif FIELDS_OF_MONEY.get(s.name):
            out[s.key] = money_answer(getattr(obj, SNAKE[s.name]), s.plan)
        else:
            value = getattr(obj, SNAKE[s.name])
            out[s.key] = [object_answer(item, s.plan) for item in value] if isinstance(value, list) else object_answer(value, s.plan)
    return out


FIELDS_OF_MONEY = {name: True for fields in FIELDS.values() for name, child in fields.items() if child == "Money"}
