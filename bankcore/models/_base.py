"""The base of every bank model: Tortoise's ``Model`` without its start-up source scan."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model as TortoiseModel
from tortoise.models import ModelMeta


class _BankModelMeta(ModelMeta):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]):  # noqa: ANN204, N804
        # Tortoise reads every model class's source with inspect.getsource to find `#:` field
        # comments (none here: fields carry `description=`). That was 0.2 s of CPU at every process
        # start (each server, CLI command and test process). `_no_comments` is Tortoise's own switch.
        attrs.setdefault("_no_comments", True)
        return super().__new__(mcs, name, bases, attrs)


class Model(TortoiseModel, metaclass=_BankModelMeta):
    """Tortoise's ``Model`` for the bank's tables (abstract: no table of its own)."""

    class Meta:
        abstract = True
