"""The PDF fonts (DejaVu Sans with Noto Sans Devanagari as fallback): one helper, kept in the API layer
because the API renders documents too (loan statements, no-dues certificates) and ui/ may import it."""

from graphql_api.pdf_fonts import FONTS, add_fonts

__all__ = ["FONTS", "add_fonts"]
