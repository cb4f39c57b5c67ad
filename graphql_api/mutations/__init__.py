"""Mutations, one per file, each returning a payload with the object and ``userErrors``."""
