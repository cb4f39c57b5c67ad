"""The layout pieces the bank's PDFs share (fpdf2): a document page with the bank's name and
title in the header and "Page n of m" in the footer, label/value lines, bordered tables that
repeat their heading on each page, and text cut to a column's width with an ellipsis.

Used by the reports (``bankcore.reports.export``), the deposit certificates, the loan
documents (``graphql_api.loans.documents``) and the account statement (``ui/statement_pdf.py``,
through ``graphql_api.pdf_fonts``: ui may not import bankcore). Sizes are in millimetres,
font sizes in points; the font is DejaVu as ``bankcore.pdf_fonts`` registers it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fpdf import FPDF

from bankcore.pdf_fonts import add_fonts

ELLIPSIS = "…"
HEAD_FILL = (230, 236, 242)  # the table heading's light blue-grey
TOTAL_FILL = (242, 242, 242)


def fit_text(pdf: FPDF, text: str, width: float, *, measure: Callable[[str], float] | None = None) -> str:
    """``text`` as it fits ``width`` mm in the current font: whole, or its longest prefix that
    fits with "…" after it ("…" alone when nothing does).

    ``measure`` gives a string's width (default ``pdf.get_string_width``; a caching one for
    long tables). Prefixes are searched by halving, so a long text costs a few measurements.
    """
    width_of = measure or pdf.get_string_width
    if width_of(text) <= width:
        return text
    fits, too_long = 0, len(text)  # text[:fits] + "…" fits (or fits is 0); text[:too_long] + "…" does not
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if width_of(text[:middle] + ELLIPSIS) <= width:
            fits = middle
        else:
            too_long = middle
    return text[:fits] + ELLIPSIS


def label_value_lines(pdf: FPDF, rows: Sequence[tuple[str, str]], *, label_width: float, size: float = 10,
                      height: float = 6, wrap: bool = False) -> None:
    """One line per ``(label, value)``: the label bold in a ``label_width`` column, the value after it
    (wrapped over several lines when ``wrap``)."""
    for label, value in rows:
        pdf.set_font("DejaVu", "B", size)
        pdf.cell(label_width, height, label)
        pdf.set_font("DejaVu", "", size)
        if wrap:
            pdf.multi_cell(0, height, value, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.cell(0, height, value, new_x="LMARGIN", new_y="NEXT")


def bordered_table(pdf: FPDF, columns: Sequence[tuple[str, float, str]], rows: Sequence[Sequence[str]], *,
                   empty: str, height: float = 6, size: float = 8) -> None:
    """A bordered table: ``columns`` as ``(heading, width mm, align "L"/"R"/"C")``, its heading
    shaded and drawn again at the top of each new page, each cell cut to its width
    (``fit_text``); ``empty`` stands in one row when there are no ``rows``."""

    def heading() -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.set_fill_color(*HEAD_FILL)
        for label, width, align in columns:
            pdf.cell(width, height, label, border=1, align=align, fill=True)
        pdf.ln()
        pdf.set_font("DejaVu", "", size)

    heading()
    if not rows:
        pdf.cell(sum(width for _, width, _ in columns), height, empty, border=1, new_x="LMARGIN", new_y="NEXT")
    for row in rows:
        if pdf.will_page_break(height):
            pdf.add_page()
            heading()
        for (_, width, align), text in zip(columns, row, strict=True):
            pdf.cell(width, height, fit_text(pdf, text, width - 2), border=1, align=align)
        pdf.ln()


class DocumentPdf(FPDF):
    """An A4 portrait document: ``bank`` (bold) and ``title`` at the top of every page, and
    ``page_label`` (``{page}`` and ``{total}`` filled in; translated by the caller) at the foot."""

    def __init__(self, *, bank: str, title: str, page_label: str = "Page {page} of {total}") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.bank, self.title_text, self.page_label = bank, title, page_label
        add_fonts(self)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font("DejaVu", "B", 14)
        self.cell(0, 8, self.bank, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)
        self.cell(0, 5, self.title_text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        # "{nb}" is fpdf2's alias for the page count, replaced when the document is closed
        self.cell(0, 5, self.page_label.format(page=self.page_no(), total="{nb}"), align="C")
