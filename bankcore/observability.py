"""Counters and timings the bank exposes for monitoring (Prometheus, ``/metrics``).

The metrics are process-wide objects of ``prometheus_client``'s default registry; the
domain only increments them, the web layer (``coopbank.metrics``) serves them. Each
instance of the bank reports its own work (a Prometheus server sums the instances).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

#: Journal entries committed by this process through ``post_entry``, by entry type.
ENTRIES_POSTED = Counter(
    "coopbank_entries_posted", "Journal entries committed by this process, by entry type.", ["entry_type"]
)

#: Typed refusals the API returned (``userErrors`` codes and GraphQL error codes).
REFUSALS = Counter("coopbank_refusals", "Typed refusals returned to API clients, by code.", ["code"])

#: Wall time of each GraphQL operation over HTTP, by operation name.
GRAPHQL_SECONDS = Histogram(
    "coopbank_graphql_request_seconds",
    "Time to execute one GraphQL operation over HTTP, by operation name.",
    ["operation"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

#: Wall time of each day-end step, by step name.
DAY_END_STEP_SECONDS = Histogram(
    "coopbank_day_end_step_seconds",
    "Time one day-end step took for one business date, by step.",
    ["step"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0),
)
