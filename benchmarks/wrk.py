"""``wrk`` (Debian package ``wrk``: a C load generator, so the client leaves the CPU to the server
on a 2-core machine) for the HTTP benchmarks: its Lua script for ``transferFunds`` and one run.

Used by ``benchmarks.graphql_transfers`` and ``benchmarks.vs_pgbench``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile

# Random distinct payer and payee among %(accounts)s, ₹1.00 each, a fresh idempotency key per
# request ("wrk-<seed>-<n>": replace "wrk-" for a warm-up run whose keys must not collide).
# %(query)s: the document as a JSON string (``MINIMAL_TRANSFER``, or the member portal's own
# ``TransferFunds``, a trusted document).
WRK_TRANSFER = """
local accounts = {%(accounts)s}
local n = 0
math.randomseed(%(seed)d)
request = function()
  n = n + 1
  local a = accounts[math.random(#accounts)]
  local b = accounts[math.random(#accounts)]
  while b == a do b = accounts[math.random(#accounts)] end
  local body = '{"query":' .. [==[%(query)s]==] .. ',' ..
    '"variables":{"input":{"fromAccountNumber":"' .. a .. '","toAccountNumber":"' .. b ..
    '","idempotencyKey":"wrk-' .. %(seed)d .. '-' .. n .. '","amount":{"amount":"1.00","currency":"INR"}}}}'
  return wrk.format("POST", "/graphql", {["content-type"] = "application/json", ["authorization"] = "Bearer %(token)s"}, body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"code"') then error("transfer refused: " .. body) end
end
"""


MINIMAL_TRANSFER = "mutation T($input: TransferFundsInput!) { transferFunds(input: $input) { userErrors { code } } }"


def transfer_script(numbers: list[str], token: str, *, seed: int, query: str = MINIMAL_TRANSFER) -> str:
    """``WRK_TRANSFER`` for the accounts ``numbers``, sent as the staff session ``token``."""
    return WRK_TRANSFER % {"accounts": ",".join(f'"{n}"' for n in numbers), "seed": seed, "token": token,
                           "query": json.dumps(query)}


def run_wrk(url: str, script: str, connections: int, seconds: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) from wrk; any refused request fails the run.

    One wrk thread: each thread runs its own copy of the Lua script, so two threads would send
    the same idempotency keys (replays, not transfers). One thread drives 8 connections easily.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    if "Non-2xx" in out or "refused" in out or "failed" in out:
        raise RuntimeError(out)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), ms("50%"), ms("99%")
