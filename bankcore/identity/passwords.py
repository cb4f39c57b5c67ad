"""Password policy and argon2id hashing.

Policy (NIST SP 800-63B section 3.1.1.2, ARCHITECTURE.md 4): 8 to 64 characters after
Unicode NFKC normalisation, no composition rules, refuse common passwords, runs and
repeats ("12345678", "aaaaaaaa", "abcabcab") and words from the account's own context
(username, member number, mobile, the bank's name).

Hashing: argon2id through argon2-cffi, always in a worker thread (``asyncio.to_thread``)
because one hash takes about 0.2-0.4 s of CPU and must not stall the event loop. The
production parameters are RFC 9106 section 4's second recommended option (t=3, m=64 MiB,
p=4: argon2-cffi's default profile), above OWASP's minimum (m=19 MiB, t=2, p=1). Tests
lower the cost with ``use_parameters``; stored hashes carry their own parameters, so a
hash made under other parameters still verifies and is upgraded on the next sign-in
(``needs_rehash``).
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.common_passwords import COMMON_BASES, COMMON_PASSWORDS

# NIST SP 800-63B 3.1.1.2: at least 8, allow at least 64.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 64
PRODUCTION_PARAMETERS: Parameters = profiles.RFC_9106_LOW_MEMORY
# Cheap parameters for test suites only (about 1 ms a hash).
TEST_PARAMETERS: Parameters = Parameters(
    type=PRODUCTION_PARAMETERS.type, version=PRODUCTION_PARAMETERS.version, salt_len=16, hash_len=32,
    time_cost=1, memory_cost=1024, parallelism=1,
)

_hasher = PasswordHasher.from_parameters(PRODUCTION_PARAMETERS)
# A real hash of a random value, verified when the user does not exist so that the
# answer takes as long as for a real user. Made lazily, under the current parameters.
_dummy_hash: str | None = None
_AFFIXES = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$")


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with ``parameters`` from now on (tests lower the cost this way).

    Existing hashes keep verifying: each PHC string carries its own parameters.
    """
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(parameters)
    _dummy_hash = None


def normalise_password(password: str) -> str:
    """NFKC-normalise ``password`` so the same text typed on another keyboard hashes alike (NIST 5.1.1.2)."""
    return unicodedata.normalize("NFKC", password)


def _is_run_or_repeat(text: str) -> bool:
    if len(set(text)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    if steps in ({1}, {-1}):
        return True
    # A short unit repeated: "abcabcab", "12121212".
    return any(text == (text[:n] * (len(text) // n + 1))[: len(text)] for n in range(1, 4))


def check_password_policy(password: str, *, context: Iterable[str | None] = ()) -> str:
    """Return the normalised password if the policy allows it.

    ``context`` holds words tied to the account (username, member number, mobile) that
    the password may not contain. Raises ``DomainError(WEAK_PASSWORD, field="password")``
    naming the rule broken: length (8-64), common password, run or repeat, context word.
    """
    value = normalise_password(password)
    if not MIN_PASSWORD_LENGTH <= len(value) <= MAX_PASSWORD_LENGTH:
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            f"password must be {MIN_PASSWORD_LENGTH}-{MAX_PASSWORD_LENGTH} characters",
            field="password",
        )
    lowered = value.casefold()
    core = _AFFIXES.match(lowered).group(1)  # type: ignore[union-attr]
    if lowered in COMMON_PASSWORDS or core in COMMON_BASES or core in COMMON_PASSWORDS:
        raise DomainError(ErrorCode.WEAK_PASSWORD, "this password is too common", field="password")
    if _is_run_or_repeat(lowered):
        raise DomainError(ErrorCode.WEAK_PASSWORD, "password is a run or repeat of characters", field="password")
    for word in context:
        if not word:
            continue
        word = word.casefold().lstrip("+")
        if len(word) >= 4 and word in lowered:
            raise DomainError(ErrorCode.WEAK_PASSWORD, "password must not contain your name or number", field="password")
    return value


async def hash_password(password: str) -> str:
    """argon2id PHC string of the normalised ``password``, computed off the event loop.

    Does not check the policy: call ``check_password_policy`` first.
    """
    return await asyncio.to_thread(_hasher.hash, normalise_password(password))


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """Result of a verification: ``ok`` and whether the hash should be remade under current parameters."""

    ok: bool
    needs_rehash: bool = False


def _verify(password_hash: str, password: str) -> PasswordCheck:
    hasher = _hasher
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return PasswordCheck(False)
    return PasswordCheck(True, hasher.check_needs_rehash(password_hash))


async def verify_password(password_hash: str | None, password: str) -> PasswordCheck:
    """Verify ``password`` against ``password_hash`` off the event loop, in constant-ish time.

    With ``password_hash=None`` (unknown or locked user) a dummy hash is verified instead
    and the answer is ``ok=False``, so the time taken does not reveal whether the user
    exists. Never raises for a wrong password or a malformed hash.
    """
    global _dummy_hash
    value = normalise_password(password)
    if password_hash is None:
        if _dummy_hash is None:
            _dummy_hash = await asyncio.to_thread(_hasher.hash, "dummy password never matched")
        await asyncio.to_thread(_verify, _dummy_hash, value)
        return PasswordCheck(False)
    return await asyncio.to_thread(_verify, password_hash, value)
