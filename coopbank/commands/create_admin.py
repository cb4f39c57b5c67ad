"""``coopbank create-admin``: the first admin, with a password and a TOTP authenticator."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from bankcore.db import open_database
from bankcore.errors import DomainError
from bankcore.identity.staff import NewStaffUser, create_admin
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "create-admin",
        help="Create an admin staff user; prints the TOTP secret and provisioning URI once.",
        description="Create an admin staff user (run `coopbank migrate` first). The password comes from "
        "the environment variable named by --password-env, or is asked for twice. Refuses when an admin "
        "already exists, unless --force.",
    )
    parser.add_argument("--username", required=True, help="sign-in name, 3-60 of a-z 0-9 . _ -")
    parser.add_argument("--full-name", required=True, help="the person's name")
    parser.add_argument("--password-env", metavar="VAR", help="read the password from environment variable VAR")
    parser.add_argument("--force", action="store_true", help="create even if an admin already exists")
    parser.set_defaults(func=_run)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            print(f"create-admin: environment variable {args.password_env} is empty or not set", file=sys.stderr)
            return None
        return value
    # Never a command-line argument: it would sit in the shell history and the process list.
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        print("create-admin: the passwords differ", file=sys.stderr)
        return None
    return first


def _run(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 2

    async def main() -> NewStaffUser:
        async with open_database():
            return await create_admin(
                username=args.username, full_name=args.full_name, password=password, force=args.force
            )

    try:
        created = run_async(main)
    except DomainError as exc:
        print(f"create-admin: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    print(f"admin {created.user.username} created (id {created.user.id})")
    print("Add this account to an authenticator app now; the secret is not shown again.")
    print(f"TOTP secret: {created.totp.secret}")
    print(f"provisioning URI: {created.totp.provisioning_uri}")
    return 0
