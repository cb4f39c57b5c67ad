"""``coopbank gateway-sim``: run the payment gateway simulator on its own port."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEV_WEBHOOK_SECRET = "coopbank-dev-webhook-secret"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gateway-sim",
        help="Run a Razorpay stand-in (orders, checkout page, payouts, signed webhooks, settlement reports).",
        description="Serve the payment gateway simulator. It signs webhooks with COOPBANK_RAZORPAY_WEBHOOK_SECRET "
        "(or --webhook-secret) and accepts the key id and secret the bank uses (COOPBANK_RAZORPAY_KEY_ID / _KEY_SECRET, "
        "default: the simulator's public development keys).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8080/webhooks/razorpay",
                        help="where to send webhooks (the bank's /webhooks/razorpay)")
    parser.add_argument("--webhook-secret", default=None, help="default: COOPBANK_RAZORPAY_WEBHOOK_SECRET")
    parser.add_argument("--report-dir", type=Path, default=Path("settlements"),
                        help="where POST /sim/settlement/DAY.csv writes the day's settlement report")
    parser.add_argument("--exit-with-parent", type=int, default=None, help=argparse.SUPPRESS)  # coopbank demo's pid
    parser.set_defaults(func=_run)


def build_simulator(*, webhook_url: str | None, webhook_secret: str | None = None, report_dir: Path | None = None):  # noqa: ANN201
    """The simulator with the bank's configured keys (or the development ones)."""
    from bankcore.payments.gateway import SIM_KEY_ID, SIM_KEY_SECRET
    from coopbank.gateway_sim.app import Simulator

    secret = webhook_secret or os.environ.get("COOPBANK_RAZORPAY_WEBHOOK_SECRET") or ""
    if not secret:
        raise SystemExit("gateway-sim: set COOPBANK_RAZORPAY_WEBHOOK_SECRET (or --webhook-secret): "
                         "webhooks are signed with it and the bank checks them against it")
    return Simulator(key_id=os.environ.get("COOPBANK_RAZORPAY_KEY_ID") or SIM_KEY_ID,
                     key_secret=os.environ.get("COOPBANK_RAZORPAY_KEY_SECRET") or SIM_KEY_SECRET,
                     webhook_secret=secret, webhook_url=webhook_url, report_dir=report_dir)


def _exit_with(parent_pid: int) -> None:
    """Stop when the process that started us is gone (the demo killed without a chance to clean up)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit with parent").start()


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    simulator = build_simulator(webhook_url=args.webhook_url, webhook_secret=args.webhook_secret,
                                report_dir=args.report_dir)
    print(f"gateway simulator at http://{args.host}:{args.port} (webhooks to {args.webhook_url})", flush=True)
    if args.exit_with_parent:
        _exit_with(args.exit_with_parent)
    uvicorn.run(simulator.app, host=args.host, port=args.port, log_level="warning")
    return 0
