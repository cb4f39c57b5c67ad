"""The PDF fonts (DejaVu Sans with Noto Sans Devanagari as fallback) and layout helpers: bankcore's,
through the API layer (``graphql_api.pdf_fonts``) because ui/ may not import bankcore."""

from graphql_api.pdf_fonts import DocumentPdf, add_fonts, bordered_table, fit_text, label_value_lines

__all__ = ["DocumentPdf", "add_fonts", "bordered_table", "fit_text", "label_value_lines"]
