"""``coopbank rotate-keys``: re-seal every stored secret under the first key of COOPBANK_SECRET_KEYS."""

from __future__ import annotations

import argparse
import sys

from bankcore.db import open_database
from bankcore.identity import secretbox
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rotate-keys",
        help="Re-encrypt every stored TOTP secret under the first key of COOPBANK_SECRET_KEYS "
        "(keep the old key after it until this has run).",
        description="Keys are id:key pairs, comma-separated, in COOPBANK_SECRET_KEYS; the first seals. "
        "To rotate: put a new pair first, keep the old one, run this, then remove the old pair.",
    )
    parser.add_argument("--generate", metavar="KEY_ID", nargs="?", const="",
                        help="only print a new id:key pair to put first in COOPBANK_SECRET_KEYS, and exit")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.generate is not None:
        try:
            print(secretbox.generate_key(args.generate or None))
        except secretbox.SecretKeyError as exc:
            print(f"rotate-keys: {exc}", file=sys.stderr)
            return 2
        return 0
    try:
        ring = secretbox.keyring()
    except secretbox.SecretKeyError as exc:
        print(f"rotate-keys: {exc}", file=sys.stderr)
        return 2
    if ring.is_development:
        print("rotate-keys: COOPBANK_SECRET_KEYS is not set; secrets would be sealed with the public "
              "development key. Generate one with `coopbank rotate-keys --generate`.", file=sys.stderr)
        return 2

    async def main() -> int:
        from bankcore.identity.totp_store import reseal_all

        async with open_database():
            return await reseal_all(ring=ring)

    try:
        count = run_async(main)
    except secretbox.SecretKeyError as exc:
        print(f"rotate-keys: {exc}", file=sys.stderr)
        return 1
    print(f"re-sealed {count} TOTP secret(s) under key {ring.current}")
    return 0
