"""CPU seconds spent by this process and by the PostgreSQL backends serving one database.

The benchmarks run on a machine shared with other sessions' test suites (load average
often 10-16 on 2 cores), so wall-clock times are several times what an idle machine
gives. The CPU time our Python process and our database's backends used is what the
work itself cost: on an idle machine, where the two mostly take turns, the wall time is
close to their sum (plus I/O waits). Linux only (reads ``/proc``); elsewhere ``None``.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _backend_ticks(database: str) -> int:
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in f"{title} ":
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return total


def cpu_seconds(database: str) -> tuple[float, float] | None:
    """(this process, the database's backends) CPU seconds so far; ``None`` without /proc."""
    if not Path("/proc/self/stat").exists():
        return None
    times = os.times()
    return times.user + times.system, _backend_ticks(database) / _TICKS
