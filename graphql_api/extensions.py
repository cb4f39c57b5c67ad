"""Schema extensions: read-only auditors, per-role introspection, error masking, audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from graphql import OperationType as GraphQLOperationType
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule
from strawberry.extensions import AddValidationRules, SchemaExtension

from bankcore.audit_batch import audit_writer
from bankcore.errors import DomainError
from graphql_api.context import Context, Role

log = logging.getLogger(__name__)

# Errors a client is meant to see as they are; anything else is masked.
EXPECTED = (DomainError, PermissionError)


def is_expected(error: GraphQLError) -> bool:
    """Whether ``error`` is a refusal the client may read as it is (else it is masked and logged).

    Parse and validation errors carry no original error; coercing variables wraps the
    scalar's or input type's own ``GraphQLError`` (a wrong JSON type, an unknown or missing
    input field, a bad enum value, an impossible date): all are the client's mistakes.
    """
    original = error.original_error
    if original is None:
        return True  # validation and parse errors carry no internals
    if isinstance(original, (*EXPECTED, GraphQLError)):
        return True
    # Strawberry's permission denials
    return type(original).__name__ in {"PermissionDenied", "StrawberryGraphQLError"}


def error_code(error: GraphQLError) -> str:
    """The machine-readable code of an error: its extension, a domain code, or GRAPHQL_VALIDATION."""
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)
    if isinstance(error.original_error, DomainError):
        return error.original_error.code.value
    return "GRAPHQL_VALIDATION" if error.path is None else "ERROR"


class TypedErrors(SchemaExtension):
    """A ``DomainError`` raised by a query resolver (a bad cursor, ``first`` out of range)
    reaches the client as an error with ``extensions.code`` and ``extensions.field``, like a userError."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            original = error.original_error
            if isinstance(original, DomainError) and not (error.extensions or {}).get("code"):
                extensions = dict(error.extensions or {})
                extensions["code"] = original.code.value
                if original.field:
                    head, *rest = original.field.split("_")
                    extensions["field"] = head + "".join(part.title() for part in rest)
                error.extensions = extensions


# Ending one's own session or changing one's own password changes nothing in the bank:
# auditors may do those.
AUDITOR_MUTATIONS = frozenset({"signOut", "endSession", "changePassword"})


class _NoMutations(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *args: object) -> None:
        if node.operation is not GraphQLOperationType.MUTATION:
            return
        selections = node.selection_set.selections
        # Only plain fields count: a fragment could be named signOut and hold anything.
        allowed = selections and all(isinstance(s, FieldNode) and s.name.value in AUDITOR_MUTATIONS for s in selections)
        if not allowed:
            self.report_error(GraphQLError("Auditors are read-only.", node, extensions={"code": "FORBIDDEN"}))


class ReadOnlyForAuditors(AddValidationRules):
    """Auditors may run every query and no mutation but signing out, over HTTP and WebSocket alike.

    A validation rule, so the whole operation is refused before any resolver runs.
    """

    def __init__(self) -> None:
        super().__init__([_NoMutations])

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if isinstance(ctx, Context) and ctx.role is Role.AUDITOR:
            yield from super().on_operation()
            return
        yield


class IntrospectionForStaffOnly(AddValidationRules):
    """Introspection (and so GraphiQL's schema browser) only for staff and auditors."""

    def __init__(self) -> None:
        super().__init__([NoSchemaIntrospectionCustomRule])

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if isinstance(ctx, Context) and ctx.is_staff:
            yield
            return
        yield from super().on_operation()


# Mutations whose service already writes its own audit row (sign-in, tokens, staff users).
SELF_AUDITED = frozenset(
    {"signInWithPassword", "signInWithCode", "refreshSession", "issueClientToken", "signOut",
     "revokeSession", "createStaffUser", "createApiClient", "enrolTotp",
     "requestContactChange", "confirmContactChange", "changePassword", "requestPasswordReset", "completePasswordReset",
     "grantPortalAccess", "resetStaffPassword", "unlockLogin", "endSession", "deactivateStaffUser", "deactivateApiClient",
     "rotateClientSecret"}
)


def _root_fields(execution_context) -> list[tuple[str, str]]:  # noqa: ANN001
    """(response key, field name) of each root field of the executed operation."""
    document = execution_context.graphql_document
    if document is None:
        return []
    wanted = execution_context.operation_name
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (wanted is None or (definition.name and definition.name.value == wanted)):
            fields = []
            for selection in definition.selection_set.selections:
                name = getattr(selection, "name", None)
                if name is not None:
                    alias = getattr(selection, "alias", None)
                    fields.append(((alias or name).value, name.value))
            return fields
    return []


def _operation_kind(execution_context) -> str | None:  # noqa: ANN001
    document = execution_context.graphql_document
    if document is None:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.operation.value
    return None


class AuditTrail(SchemaExtension):
    """Appends every mutation (ok / failed / denied) and every denial to the hash-chained audit log.

    Runs after the operation, from its result: a payload with userErrors is ``failed``, a
    FORBIDDEN error ``denied``. Sign-in and token mutations are audited by their services.
    Rows go through the batching ``audit_writer`` so requests do not queue on the chain lock.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        ctx = self.execution_context.context
        if not isinstance(ctx, Context):
            return
        kind = _operation_kind(self.execution_context)
        result = self.execution_context.result
        if kind is None or kind == "subscription":
            return
        errors = list(getattr(result, "errors", None) or []) + list(self.execution_context.pre_execution_errors or [])
        data = (getattr(result, "data", None) or {}) if result is not None else {}
        audit_root_fields(ctx, kind, _root_fields(self.execution_context), data, errors)


def audit_root_fields(ctx: Context, kind: str, fields: list[tuple[str, str]], data: object, errors: list) -> None:
    """Append the audit rows of an operation's root fields ((response key, field name) pairs) from its result.

    Shared by ``AuditTrail`` and the fast executors of trusted documents (``graphql_api.fast_exec``).
    """
    for key, name in fields:
        denied = any(
            (e.extensions or {}).get("code") == "FORBIDDEN" and (not e.path or e.path[0] == key) for e in errors
        )
        if kind != "mutation" and not denied:
            continue
        if kind == "mutation" and name in SELF_AUDITED and not denied:
            continue
        payload = data.get(key) if isinstance(data, dict) else None
        user_errors = payload.get("userErrors") if isinstance(payload, dict) else None
        if denied:
            outcome, details = "denied", {"operation": kind}
        elif user_errors:
            outcome, details = "failed", {"codes": sorted({str(u.get("code")) for u in user_errors})}
        elif payload is None:
            outcome, details = "failed", {"error": "request error"}
        else:
            outcome, details = "ok", None
        audit_writer.submit(actor=ctx.actor, action=f"graphql.{name}", outcome=outcome, details=details)
