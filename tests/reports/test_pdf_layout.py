"""The shared PDF layout helpers (bankcore.pdf_layout): text cut to a column, tables over pages."""

from __future__ import annotations

from fpdf import FPDF

from bankcore.pdf_layout import DocumentPdf, bordered_table, fit_text


def _pdf() -> DocumentPdf:
    pdf = DocumentPdf(bank="coopbank", title="Test")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 8)
    return pdf


def test_text_that_fits_is_kept_and_longer_text_is_cut_to_the_longest_prefix_that_fits() -> None:
    pdf = _pdf()
    assert fit_text(pdf, "Savings", 50) == "Savings"
    narration = "NEFT from Ravi Kulkarni, HDFC Bank, Pune: rent for the shop, April and May 2025"
    width = pdf.get_string_width(narration) / 3
    cut = fit_text(pdf, narration, width)
    assert cut.endswith("…") and narration.startswith(cut[:-1])
    assert pdf.get_string_width(cut) <= width
    assert pdf.get_string_width(narration[:len(cut)] + "…") > width  # one more character would not fit
    assert fit_text(pdf, narration, 0.1) == "…"


def test_a_given_measure_is_used_instead_of_the_fonts() -> None:
    assert fit_text(FPDF(), "abcdefgh", 5, measure=len) == "abcd…"
    assert fit_text(FPDF(), "abcde", 5, measure=len) == "abcde"


def test_a_long_table_goes_over_pages_and_an_empty_one_says_so() -> None:
    pdf = _pdf()
    columns = [("Date", 30, "L"), ("Details", 60, "L"), ("Amount", 30, "R")]
    bordered_table(pdf, columns, [("01-04-2025", f"Line {n}", "1,000.00") for n in range(120)], empty="None")
    assert pdf.page_no() == 3  # 6 mm rows: about 40 a page below the header
    empty = _pdf()
    y = empty.get_y()
    bordered_table(empty, columns, [], empty="No transactions in this period.")
    assert empty.get_y() == y + 12 and bytes(empty.output()).startswith(b"%PDF")
