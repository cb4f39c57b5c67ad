"""Running operations through the real schema with a real context per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql_api.context import Context
from graphql_api.schema import schema


@dataclass(frozen=True)
class FakeSessionPrincipal:
    """A principal as bankcore.identity.authenticate returns it, built directly for tests
    that are about authorization, not about signing in (sign-in has its own tests)."""

    kind: str
    id: int
    role: str | None = None
    member_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_id: int | None = None


def staff(role: str, id: int = 1) -> Context:
    return Context(principal=FakeSessionPrincipal(kind="staff", id=id, role=role))


def member(member_id: int) -> Context:
    return Context(principal=FakeSessionPrincipal(kind="member", id=member_id, member_id=member_id))


def partner(scopes: set[str], member_id: int | None = None, id: int = 1) -> Context:
    return Context(principal=FakeSessionPrincipal(kind="partner", id=id, member_id=member_id, scopes=frozenset(scopes)))


def anonymous() -> Context:
    return Context()


async def gql(context: Context, document: str, **variables: Any) -> Any:
    """Execute ``document``; returns the result (``.data``, ``.errors``)."""
    return await schema.execute(document, variable_values=variables or None, context_value=context)


def codes(result: Any) -> list[str]:
    return [(e.extensions or {}).get("code", e.message) for e in result.errors or []]
