"""Fonts for the bank's PDFs (bankcore's, and the API's and ui's through ``graphql_api.pdf_fonts``): DejaVu Sans draws Latin and ₹,
Noto Sans Devanagari (its fallback, shaped with HarfBuzz) draws Hindi and Marathi names.

fpdf2's core fonts cannot draw ₹ or Devanagari. The files are ui/fonts (shipped with the
package); Debian's fonts-dejavu-core serves DejaVu when they are missing.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

_DIRS = (Path(__file__).resolve().parents[1] / "ui" / "fonts", Path("/usr/share/fonts/truetype/dejavu"))


def add_fonts(pdf: FPDF, *, devanagari: bool = True) -> None:
    """Register ``DejaVu`` (regular, bold) with Devanagari as its fallback when present, and text shaping
    (``devanagari=False``: DejaVu alone, unshaped, where text is measured glyph by glyph for speed).

    Raises ``FileNotFoundError`` when DejaVu Sans is nowhere to be found.
    """
    folder = next((d for d in _DIRS if (d / "DejaVuSans.ttf").exists()), None)
    if folder is None:
        raise FileNotFoundError("DejaVuSans.ttf not found (ui/fonts or fonts-dejavu-core)")
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    if devanagari and (folder / "NotoSansDevanagari-Regular.ttf").exists():
        pdf.add_font("Devanagari", "", str(folder / "NotoSansDevanagari-Regular.ttf"))
        pdf.add_font("Devanagari", "B", str(folder / "NotoSansDevanagari-Bold.ttf"))
        pdf.set_fallback_fonts(["Devanagari"])
        pdf.set_text_shaping(True)
