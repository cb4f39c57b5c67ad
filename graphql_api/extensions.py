"""Schema extensions: read-only auditors, per-role introspection, error masking, audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from graphql import OperationType as GraphQLOperationType
from graphql.validation import ValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules

from bankcore.errors import DomainError
from graphql_api.context import Context, Role

log = logging.getLogger(__name__)

# Errors a client is meant to see as they are; anything else is masked.
EXPECTED = (DomainError, PermissionError)


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:
        return True  # validation and parse errors carry no internals
    if isinstance(original, EXPECTED):
        return True
    # Strawberry's permission denials
    return type(original).__name__ in {"PermissionDenied", "StrawberryGraphQLError"}


class _NoMutations(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *args: object) -> None:
        if node.operation is GraphQLOperationType.MUTATION:
            self.report_error(GraphQLError("Auditors are read-only.", node, extensions={"code": "FORBIDDEN"}))


class ReadOnlyForAuditors(AddValidationRules):
    """Auditors may run every query and no mutation, over HTTP and WebSocket alike.

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
