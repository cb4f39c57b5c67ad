"""The schema: Query, Mutation, Subscription and the extensions that harden it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES

from graphql_api.extensions import (
    AuditTrail,
    IntrospectionForStaffOnly,
    ReadOnlyForAuditors,
    TypedErrors,
    error_code,
    is_expected,
)
from graphql_api.cost import QueryCost
from graphql_api.fast_exec import execute_trusted
from graphql_api.trusted import trusted_registry
from graphql_api.input_guard import ControlCharacterGuard
from graphql_api.merged_extension import merged
from graphql_api.mutations_root import Mutation
from graphql_api.queries import CoreQuery
from graphql_api.queries_dashboards import DashboardQuery
from graphql_api.scalars import SCALAR_MAP
from graphql_api.counter.schema import CounterQuery
from graphql_api.transfers.schema import TransfersQuery
from graphql_api.settings.schema import SettingsQuery
from graphql_api.loans.schema import LoansQuery
from graphql_api.payments.schema import PaymentsQuery, PaymentsSubscription
from graphql_api.deposits.documents import DepositDocumentsQuery
from graphql_api.deposits.schema import DepositsQuery
from graphql_api.notifications.schema import NotificationsQuery, NotificationsSubscription
import graphql_api.notifications.webhook_payloads  # noqa: F401,E402 - registers the webhook payload renderer
from graphql_api.shares.schema import SharesQuery
from graphql_api.calendar.schema import CalendarQuery, CalendarSubscription
from graphql_api.instructions.schema import InstructionsQuery
from graphql_api.reports.schema import ReportsQuery
from graphql_api.members.schema import MembersQuery
from graphql_api.subscriptions import Subscription as CoreSubscription

log = logging.getLogger("graphql_api")

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000
SDL_PATH = Path(__file__).with_name("schema.graphql")


class BankSchema(strawberry.Schema):
    # Trusted documents with a plan run on graphql_api.fast_exec; False runs everything generically
    # (the benchmarks' "before", and the tests' reference answers).
    fast_executors = os.environ.get("COOPBANK_FAST_EXECUTORS", "on") != "off"

    async def execute(self, query: str | None, variable_values: dict[str, Any] | None = None,  # noqa: PLR0913
                      context_value: Any | None = None, root_value: Any | None = None,
                      operation_name: str | None = None, allowed_operation_types: Iterable[OperationType] | None = None,
                      operation_extensions: dict[str, Any] | None = None) -> ExecutionResult:
        """As Strawberry's, but the app's own hottest documents run on their dedicated executor (``trusted``)."""
        if self.fast_executors and query is not None and root_value is None:
            trusted = trusted_registry(self).get(query)
            if trusted is not None and trusted.plan is not None:
                kinds = {t.value for t in (allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)}
                result = await execute_trusted(self, trusted, variable_values, context_value, operation_name, kinds)
                if result is not None:
                    return result
        return await super().execute(query, variable_values, context_value, root_value, operation_name,
                                     allowed_operation_types, operation_extensions)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Refusals are normal traffic: log them quietly, by code and place only (their
        # messages may quote the client's input); only the unexpected at ERROR.
        for error in errors:
            if is_expected(error):
                log.info("refused: %s at %s", error_code(error), ".".join(map(str, error.path or ())) or "request")
            else:
                log.error("unexpected error", exc_info=error.original_error or error)


# The depth and alias limiters build a validation-rule class when constructed; a new class
# per request would defeat ValidationCache (rules are part of its key), so build them once.
_LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class DocumentLimits(AddValidationRules):
    """Depth and alias limits, with rule classes shared by every request."""

    def __init__(self) -> None:
        super().__init__(_LIMIT_RULES)


@strawberry.type
class Query(CoreQuery, DashboardQuery, PaymentsQuery, LoansQuery, ReportsQuery, CalendarQuery, SharesQuery, NotificationsQuery,
            DepositsQuery, DepositDocumentsQuery, InstructionsQuery, CounterQuery, TransfersQuery, SettingsQuery,
            MembersQuery):
    """The query root."""


@strawberry.type
class Subscription(CoreSubscription, PaymentsSubscription, CalendarSubscription, NotificationsSubscription):
    """The subscription root."""


# Classes or factories, never instances: instances are shared across requests.
EXTENSION_PARTS = (
    lambda: ParserCache(maxsize=512),
    lambda: ValidationCache(maxsize=512),
    DocumentLimits,
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    IntrospectionForStaffOnly,
    ReadOnlyForAuditors,
    ControlCharacterGuard,
    QueryCost,
    TypedErrors,
    lambda: MaskErrors(should_mask_error=lambda e: not is_expected(e)),
    AuditTrail,
)

schema = BankSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    # One extension running the parts in this order (graphql_api/merged_extension.py: Strawberry's
    # per-extension wrappers cost about 40 µs a request each).
    extensions=[merged(*EXTENSION_PARTS)],
)


def export_sdl() -> str:
    """The schema in SDL, as kept in graphql_api/schema.graphql."""
    return schema.as_str() + "\n"
