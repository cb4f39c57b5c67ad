"""Scalars: exact decimals travel as strings, never as GraphQL Float."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from typing import NewType

import strawberry
from graphql import GraphQLError

# Input is kept as the client's text so the resolver can refuse NaN, Infinity, exponents,
# non-ASCII digits or too many places with a typed userError instead of a parse failure.
DecimalText = NewType("DecimalText", str)

def parse_decimal_text(value: object) -> str:
    """Input coercion: only a JSON string. A JSON number (``1000``, ``1e3``, ``0.1``) is refused,
    because the JSON parser has already made it a float (lossy) or an int of unknown scale."""
    if not isinstance(value, str):
        raise GraphQLError('Decimal values are strings, e.g. "1000.00"; a JSON number is refused because it may be lossy.')
    return value


DECIMAL_SCALAR = strawberry.scalar(
    name="Decimal",
    description="An exact decimal number written as a string, e.g. \"1234.50\". Never a float: a JSON number is refused.",
    serialize=lambda value: format(value, "f") if isinstance(value, PyDecimal) else str(value),
    parse_value=parse_decimal_text,
)

SCALAR_MAP = {DecimalText: DECIMAL_SCALAR}
