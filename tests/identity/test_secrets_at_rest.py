"""Secrets at rest (issue 8 item 7): sealed TOTP secrets with key ids, rotation, serve's refusal,
and a failed sign-in's typed login kept only masked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bankcore.identity import secretbox, totp
from bankcore.identity.members_portal import begin_member_sign_in, enrol_member_totp, set_member_password
from bankcore.identity.staff import begin_staff_sign_in, complete_staff_sign_in, create_staff_user
from bankcore.identity.totp_store import reseal_all, totp_secret_of
from bankcore.models import AuditLog, Branch, MemberCredential, StaffUser
from bankcore.services.members import register_member
from coopbank.commands.serve import insecure_keys_refusal
from tests.identity.conftest import PASSWORD, T0

K1, K2 = secretbox.generate_key("k1"), secretbox.generate_key("k2")


async def _sign_in(username: str, secret: str, step_offset: int = 0) -> None:
    challenge = await begin_staff_sign_in(username=username, password=PASSWORD, now=T0)
    code = totp.code_at(secret, totp.time_step(T0) + step_offset)
    await complete_staff_sign_in(challenge_token=challenge.challenge_token, code=code, now=T0)


async def test_totp_secrets_are_stored_sealed_under_a_named_key(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(secretbox.ENV, K1)
    created = await create_staff_user(username="ravi", full_name="Ravi Kumar", role="clerk", password=PASSWORD,
                                      actor="test")
    row = await StaffUser.get(username="ravi")
    assert row.totp_key_id == "k1"
    assert created.totp.secret not in row.totp_secret and len(row.totp_secret) > 40
    assert totp_secret_of(row) == created.totp.secret
    await _sign_in("ravi", created.totp.secret)
    # A member's authenticator too.
    await Branch.get_or_create(code="001", defaults={"name": "Main"})
    member = await register_member(full_name="Asha Rao", branch_code="001", mobile="9812345678")
    await set_member_password(member_id=member.id, password=PASSWORD, actor="test")
    enrolment = await enrol_member_totp(member_id=member.id, actor="test")
    credential = await MemberCredential.get(member_id=member.id)
    assert credential.totp_key_id == "k1" and enrolment.secret not in credential.totp_secret
    assert (await begin_member_sign_in(login=member.member_number, password=PASSWORD, now=T0)).method == "totp"


async def test_a_sealed_secret_moved_to_another_row_does_not_open(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(secretbox.ENV, K1)
    await create_staff_user(username="ravi", full_name="Ravi Kumar", role="clerk", password=PASSWORD, actor="test")
    await create_staff_user(username="mala", full_name="Mala Iyer", role="clerk", password=PASSWORD, actor="test")
    ravi, mala = await StaffUser.get(username="ravi"), await StaffUser.get(username="mala")
    mala.totp_secret = ravi.totp_secret
    with pytest.raises(secretbox.SecretKeyError):
        totp_secret_of(mala)


async def test_rotation_reseals_every_secret_and_legacy_plain_rows(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(secretbox.ENV, K1)
    ravi = await create_staff_user(username="ravi", full_name="Ravi Kumar", role="clerk", password=PASSWORD, actor="t")
    mala = await create_staff_user(username="mala", full_name="Mala Iyer", role="clerk", password=PASSWORD, actor="t")
    # A row from before encryption: the plain base32 secret, no key id.
    await StaffUser.filter(username="mala").update(totp_secret=mala.totp.secret, totp_key_id=None)
    await _sign_in("mala", mala.totp.secret)
    # Without the new key's predecessor, k1 rows cannot be opened.
    monkeypatch.setenv(secretbox.ENV, K2)
    with pytest.raises(secretbox.SecretKeyError):
        totp_secret_of(await StaffUser.get(username="ravi"))
    monkeypatch.setenv(secretbox.ENV, f"{K2},{K1}")
    assert await reseal_all() == 2
    assert await reseal_all() == 0
    assert set(await StaffUser.all().values_list("totp_key_id", flat=True)) == {"k2"}
    monkeypatch.setenv(secretbox.ENV, K2)
    await _sign_in("ravi", ravi.totp.secret)
    await _sign_in("mala", mala.totp.secret, step_offset=1)


def test_key_configuration_errors_name_the_problem_not_the_key() -> None:
    for bad in ("nokey", "k1:short", f"{K1},{K1}", "bad id!:" + K1.split(":")[1]):
        with pytest.raises(secretbox.SecretKeyError) as caught:
            secretbox.parse_keys(bad)
        assert K1.split(":")[1] not in str(caught.value)


def test_serve_refuses_postgres_with_development_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOPBANK_PII_KEY", raising=False)
    monkeypatch.delenv(secretbox.ENV, raising=False)
    url = "postgres://postgres@127.0.0.1:1/nowhere"
    refusal = insecure_keys_refusal(url)
    assert refusal and "COOPBANK_PII_KEY" in refusal and "COOPBANK_SECRET_KEYS" in refusal
    assert insecure_keys_refusal("sqlite://demo.sqlite3") is None
    monkeypatch.setenv("COOPBANK_PII_KEY", "a real key")
    monkeypatch.setenv(secretbox.ENV, K1)
    assert insecure_keys_refusal(url) is None
    # The real command exits before touching the (unreachable) database.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COOPBANK_"))}
    env["DATABASE_URL"] = url
    done = subprocess.run([sys.executable, "-m", "coopbank.cli", "serve", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--insecure-dev-keys" in done.stderr


def test_rotate_keys_command(tmp_path: Path, migrated_sqlite) -> None:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COOPBANK_"))}
    # A migrated bank copied from the session's template: a fresh `migrate` costs ~10 s of CPU.
    env["DATABASE_URL"] = migrated_sqlite(tmp_path / "keys.sqlite3")

    def cli(*argv: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "coopbank.cli", *argv], env={**env, **extra},
                              capture_output=True, text=True, timeout=120)

    generated = cli("rotate-keys", "--generate", "k9").stdout.strip()
    assert generated.startswith("k9:") and secretbox.parse_keys(generated).current == "k9"
    assert cli("rotate-keys").returncode == 2  # no keys configured: refuses to "rotate" to the dev key
    done = cli("rotate-keys", COOPBANK_SECRET_KEYS=generated)
    assert done.returncode == 0, done.stderr
    assert "re-sealed 0" in done.stdout


async def test_a_password_typed_as_the_login_is_not_in_the_audit_log(db: str) -> None:
    await create_staff_user(username="ravi", full_name="Ravi Kumar", role="clerk", password=PASSWORD, actor="test")
    for typed in ("My secret Pa55word!", "ravi"):
        with pytest.raises(Exception):
            await begin_staff_sign_in(username=typed, password="wrong password here", now=T0)
    await Branch.get_or_create(code="001", defaults={"name": "Main"})
    with pytest.raises(Exception):
        await begin_member_sign_in(login="Another Secret 99", password="x" * 10, now=T0)
    denied = await AuditLog.filter(outcome="denied").order_by("id")
    details = [d if isinstance(d, dict) else json.loads(d) for d in (row.details for row in denied)]
    logged = json.dumps(details).lower()
    assert "secret" not in logged and "pa55" not in logged and "another" not in logged
    first, second = details[0]["username"], details[1]["username"]
    assert first.startswith("my***#") and second.startswith("***#") and first != second
