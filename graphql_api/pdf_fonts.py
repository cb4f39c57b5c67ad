"""The PDF fonts and layout helpers for the API's documents and for ui/ (which may not import bankcore):
bankcore's own (``bankcore.pdf_fonts``, ``bankcore.pdf_layout``), so that every PDF looks the same."""

from bankcore.pdf_fonts import add_fonts
from bankcore.pdf_layout import DocumentPdf, bordered_table, fit_text, label_value_lines

__all__ = ["DocumentPdf", "add_fonts", "bordered_table", "fit_text", "label_value_lines"]
