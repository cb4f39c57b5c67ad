"""userErrors: refusals a client is expected to handle, with a stable code."""

from __future__ import annotations

from enum import Enum

import strawberry

from bankcore.errors import DomainError
from bankcore.errors import ErrorCode as DomainCode

# The API's codes are the domain's, plus what only the API layer decides.
_API_ONLY = {"FORBIDDEN": "FORBIDDEN"}
ErrorCode = strawberry.enum(
    Enum("ErrorCode", {**{c.name: c.value for c in DomainCode}, **_API_ONLY}),  # type: ignore[misc]
    description="Why a request was refused. Stable: codes are added, never renamed.",
)


@strawberry.type(description="A refusal the client can act on.")
class UserError:
    field: str | None = strawberry.field(description="Input field at fault (camelCase), if any.")
    message: str = strawberry.field(description="What went wrong, for a person.")
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")


def _camel(name: str | None) -> str | None:
    if not name:
        return None
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def user_error(exc: DomainError) -> UserError:
    return UserError(field=_camel(exc.field), message=exc.message, code=ErrorCode[exc.code.name])


def api_error(code: str, message: str, field: str | None = None) -> UserError:
    return UserError(field=field, message=message, code=ErrorCode[code])
