"""Deposit maths: fixed (term) and recurring deposits, premature closure, TDS. Pure."""
