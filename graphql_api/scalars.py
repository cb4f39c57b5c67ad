"""Scalars: exact decimals travel as strings, never as GraphQL Float."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from typing import NewType

import strawberry

# Input is kept as the client's text so the resolver can refuse NaN, Infinity, exponents,
# non-ASCII digits or too many places with a typed userError instead of a parse failure.
DecimalText = NewType("DecimalText", str)

DECIMAL_SCALAR = strawberry.scalar(
    name="Decimal",
    description="An exact decimal number written as a string, e.g. \"1234.50\". Never a float.",
    serialize=lambda value: format(value, "f") if isinstance(value, PyDecimal) else str(value),
    parse_value=lambda value: value if isinstance(value, str) else str(value),
)

SCALAR_MAP = {DecimalText: DECIMAL_SCALAR}
