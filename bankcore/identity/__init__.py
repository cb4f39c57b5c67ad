"""Identity: staff users, members' portal sign-in, partner API clients, sessions.

Small modules, one concern each: ``passwords`` (policy, argon2id), ``totp`` (RFC 6238,
QR enrolment), ``lockout`` (10 failures lock for 30 minutes), ``notifications`` (outbox
and provider adapters), ``challenges`` (the step between password and second factor),
``sessions`` (opaque tokens, expiry, refresh rotation, revocation), ``staff``,
``members_portal`` and ``partners`` (the services the API calls). Every refusal is a
``DomainError``; every sign-in, failed or not, is written to the audit log.

Every service takes ``now`` (an aware UTC datetime, default: the clock in ``clock``) so
expiry, lockout and TOTP steps are testable without sleeping.
"""
