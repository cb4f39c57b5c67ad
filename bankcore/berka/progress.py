"""What an import reports while it runs and when it ends: progress events, stage results, the report."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from bankcore.berka.reconcile import Reconciliation
from bankcore.berka.store import insert_missing


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """A progress report: ``done`` of ``total`` rows of ``stage`` after ``elapsed_s`` seconds."""

    stage: str
    done: int
    total: int
    elapsed_s: float
    inserted: int = 0
    final: bool = False

    @property
    def rows_per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage: rows seen, rows new in this run, seconds taken."""

    name: str
    rows: int
    inserted: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, and how the ledger reconciles with the data set."""

    stages: tuple[StageResult, ...]
    reconciliation: Reconciliation
    seconds: float
    unchained_accounts: tuple[int, ...] = field(default=())
    rounding_steps: int = 0

    def stage(self, name: str) -> StageResult:
        return next(s for s in self.stages if s.name == name)

    @property
    def inserted(self) -> int:
        return sum(s.inserted for s in self.stages)


class Stages:
    """Runs and times the import's stages, reporting each to ``progress``."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.results: list[StageResult] = []

    def report(self, stage: str, done: int, total: int, started: float, inserted: int, final: bool) -> None:
        if self.progress is not None:
            self.progress(ProgressEvent(stage, done, total, time.perf_counter() - started, inserted, final))

    def record(self, stage: str, rows: int, inserted: int, started: float) -> None:
        """A stage that ended: keep its result and report it as final."""
        self.results.append(StageResult(stage, rows, inserted, time.perf_counter() - started))
        self.report(stage, rows, rows, started, inserted, True)

    async def insert(self, stage: str, table: str, columns: tuple[str, ...], rows: list[tuple], key: str) -> dict[str, int]:
        """Insert the ``rows`` whose ``key`` is new (``store.insert_missing``); every row's id by key."""
        started = time.perf_counter()
        inserted, ids = await insert_missing(table, columns, rows, key=key)
        self.record(stage, len(rows), inserted, started)
        return ids


def rounding_summary(report: ImportReport) -> dict[str, int]:
    """Counts of differing accounts by difference in minor units (for the CLI summary)."""
    counts: dict[int, int] = defaultdict(int)
    for account in report.reconciliation.differences:
        counts[account.difference_minor] += 1
    return {str(k): v for k, v in sorted(counts.items())}
