"""Fonts for the PDFs (the UI's and the API's): DejaVu Sans draws Latin and ₹; Noto Sans Devanagari draws Hindi and Marathi.

fpdf2's core fonts cannot draw ₹ or Devanagari, so both fonts are embedded (ui/fonts). Devanagari
needs shaping (conjuncts, vowel signs): fpdf2 shapes text with HarfBuzz (the ``uharfbuzz`` package)
once ``set_text_shaping`` is on.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

# The font files ship with the web app (ui/fonts); the API renders documents with them too.
FONTS = Path(__file__).resolve().parents[1] / "ui" / "fonts"


def add_fonts(pdf: FPDF) -> None:
    """Register ``DejaVu`` (regular, bold) with Devanagari as its fallback, and turn on text shaping."""
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("Devanagari", "", str(FONTS / "NotoSansDevanagari-Regular.ttf"))
    pdf.add_font("Devanagari", "B", str(FONTS / "NotoSansDevanagari-Bold.ttf"))
    pdf.set_fallback_fonts(["Devanagari"])
    pdf.set_text_shaping(True)
