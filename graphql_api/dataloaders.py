"""Dataloaders: the objects a page of results refers to, read in one query per kind.

A page of 50 accounts asking for ``product``, ``branch`` and ``holders`` reads them in
three queries (``id IN (...)``), not 150: Strawberry resolves the fields of a list's items
concurrently, and a loader gathers every key asked for in the same turn of the event loop.
Loaders live on the request's ``Context``. They batch but do not memoise (``cache=False``):
a WebSocket connection keeps one context for its whole life, and a subscription must see
a holder added an hour after it started.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from bankcore.models import AccountHolder, Branch, Product


async def _by_id(model: Any, ids: Sequence[int]) -> list[Any]:
    rows = {row.id: row for row in await model.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _products(ids: Sequence[int]) -> list[Product | None]:
    return await _by_id(Product, ids)


async def _branches(ids: Sequence[int]) -> list[Branch | None]:
    return await _by_id(Branch, ids)


async def _holders(account_ids: Sequence[int]) -> list[list[AccountHolder]]:
    """Each account's holders with their member, in the order they were added."""
    grouped: dict[int, list[AccountHolder]] = defaultdict(list)
    for holder in await AccountHolder.filter(account_id__in=set(account_ids)).select_related("member").order_by("id"):
        grouped[holder.account_id].append(holder)
    return [grouped.get(i, []) for i in account_ids]


class Loaders:
    """One set per request (``Context.loaders``)."""

    def __init__(self, *, max_batch_size: int | None = None) -> None:
        # max_batch_size=1 gives the one-query-per-object behaviour (the benchmark's "before").
        self.product: DataLoader[int, Product | None] = DataLoader(_products, cache=False, max_batch_size=max_batch_size)
        self.branch: DataLoader[int, Branch | None] = DataLoader(_branches, cache=False, max_batch_size=max_batch_size)
        self.holders: DataLoader[int, list[AccountHolder]] = DataLoader(_holders, cache=False,
                                                                         max_batch_size=max_batch_size)


def loaders_of(context: Any) -> Loaders:
    """The context's loaders, or a fresh set for a context that has none (any object)."""
    loaders = getattr(context, "loaders", None)
    return loaders if isinstance(loaders, Loaders) else Loaders()
