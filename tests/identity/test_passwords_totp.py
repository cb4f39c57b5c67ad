"""Pure tests: password policy and TOTP step arithmetic (no database)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import passwords, totp
from tests.identity.conftest import T0


@pytest.mark.parametrize(
    "password",
    ["short1!", "x" * 65, "password123", "Qwerty@2024", "12345678", "abcdefgh", "abcabcabc", "coopbank!",
     "asha.rao-secret-1", "zzzzzzzzzz"],
)
def test_policy_refuses(password: str) -> None:
    with pytest.raises(DomainError) as caught:
        passwords.check_password_policy(password, context=("asha.rao",))
    assert caught.value.code is ErrorCode.WEAK_PASSWORD


@pytest.mark.parametrize("password", ["correct horse battery", "tr0ub4dor&3x", "मेरा पासवर्ड है", "kettle@boil"])
def test_policy_allows_without_composition_rules(password: str) -> None:
    assert passwords.check_password_policy(password) == passwords.normalise_password(password)


async def test_hash_verifies_and_dummy_never_matches() -> None:
    stored = await passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert (await passwords.verify_password(stored, "correct horse battery")).ok
    assert not (await passwords.verify_password(stored, "wrong horse battery")).ok
    assert not (await passwords.verify_password(None, "correct horse battery")).ok


def test_production_parameters_are_rfc_9106() -> None:
    params = passwords.PRODUCTION_PARAMETERS
    assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 64 * 1024, 4)


def test_totp_accepts_one_step_either_side_and_no_more() -> None:
    secret = totp.new_secret()
    step = totp.time_step(T0)
    for offset in (-1, 0, 1):
        code = totp.code_at(secret, step + offset)
        assert totp.matching_step(secret, code, now=T0, last_used_step=None) == step + offset
    for offset in (-2, 2):
        code = totp.code_at(secret, step + offset)
        assert totp.matching_step(secret, code, now=T0, last_used_step=None) is None


def test_totp_refuses_steps_at_or_before_the_last_used() -> None:
    secret = totp.new_secret()
    step = totp.time_step(T0)
    assert totp.matching_step(secret, totp.code_at(secret, step), now=T0, last_used_step=step) is None
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now=T0, last_used_step=step - 1) is None
    later = T0 + timedelta(seconds=totp.TOTP_STEP_S)
    assert totp.matching_step(secret, totp.code_at(secret, step + 1), now=later, last_used_step=step) == step + 1


def test_enrolment_has_uri_and_qr() -> None:
    enrolment = totp.enrolment(totp.new_secret(), account_name="asha")
    assert enrolment.provisioning_uri.startswith("otpauth://totp/coopbank:asha?")
    assert "issuer=coopbank" in enrolment.provisioning_uri
    assert enrolment.qr_svg.startswith("<svg")
    assert enrolment.qr_data_uri.startswith("data:image/svg+xml")
