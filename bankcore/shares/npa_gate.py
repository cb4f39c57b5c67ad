"""The bank's net NPA ratio, which gates a dividend (RBI: UCBs declare dividend only with net NPA below 5 %).

    net NPA       = gross NPA - provisions held on NPAs
    net advances  = gross advances - provisions held on NPAs
    net NPA ratio = net NPA / net advances

Gross advances are the principal outstanding of every loan (its ledger balance); gross
NPA that of loans whose asset class is an NPA class (sub-standard, doubtful, loss:
``bankcore.classification.npa.AssetClass.is_npa``). The classification and provisions
are the loans domain's day-end results on the ``loan`` row (``asset_class``,
``provision_minor``); a bank whose loans are not classified has no NPA to report, and the
ratio is then 0. Source: RBI master circular on IRAC norms for UCBs (net NPA, Annex).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from tortoise.connection import get_connection

from bankcore.classification.npa import AssetClass
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import Loan

NPA_CLASSES = tuple(c.name for c in AssetClass if c.is_npa)


def net_npa_ratio_bps(*, gross_advances_minor: int, gross_npa_minor: int, npa_provisions_minor: int) -> int:
    """Net NPA / net advances in basis points, rounded half up; 0 with no advances.

    Provisions above the gross NPA leave a net NPA of 0 (never negative).
    """
    net_advances = gross_advances_minor - npa_provisions_minor
    net_npa = max(0, gross_npa_minor - npa_provisions_minor)
    if net_advances <= 0 or net_npa == 0:
        return 0
    return int((Decimal(net_npa) * 10_000 / Decimal(net_advances)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def net_npa_bps(*, currency: str) -> int:
    """The bank's net NPA ratio now, in basis points, over its loans in ``currency``."""
    conn = get_connection("default")
    mark = placeholders(conn, 1)[0]
    classified = "asset_class" in Loan._meta.fields_map and "provision_minor" in Loan._meta.fields_map
    if classified:
        classes = ", ".join(f"'{c}'" for c in NPA_CLASSES)
        npa = f"CASE WHEN l.asset_class IN ({classes}) THEN la.balance_minor ELSE 0 END"
        prov = f"CASE WHEN l.asset_class IN ({classes}) THEN l.provision_minor ELSE 0 END"
    else:
        npa = prov = "0"
    rows = await fetch(
        conn,
        f"SELECT COALESCE(SUM(CASE WHEN la.balance_minor > 0 THEN la.balance_minor ELSE 0 END), 0) AS gross, "
        f"COALESCE(SUM(CASE WHEN la.balance_minor > 0 THEN {npa} ELSE 0 END), 0) AS npa, "
        f"COALESCE(SUM(CASE WHEN la.balance_minor > 0 THEN {prov} ELSE 0 END), 0) AS prov "
        "FROM loan l JOIN account a ON a.id = l.account_id JOIN ledger_account la ON la.id = a.ledger_account_id "
        f"WHERE la.currency = {mark}",
        [currency],
    )
    row = rows[0]
    return net_npa_ratio_bps(gross_advances_minor=int(row["gross"]), gross_npa_minor=int(row["npa"]),
                             npa_provisions_minor=int(row["prov"]))
