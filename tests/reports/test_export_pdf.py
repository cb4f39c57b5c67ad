"""The report PDF's table, written as content-stream operators, reads back as the same text.

No database: a report is plain data. The text is extracted with pypdf, so a wrong glyph
code, a font missing on a page or a row drawn in the wrong place shows up as a wrong line.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache

from pypdf import PdfReader

from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row
from bankcore.reports.export import report_pdf


def _report(rows: int) -> Report:
    body = [Row((f"M{i:05d}", f"Jiří Nováková {i}", Amount(i * 1_234_567, "INR"), "pending" if i % 2 else "₹ rejected"),
                "total" if i == rows - 1 else "") for i in range(rows)]
    return Report(
        name="list", title="A long list", as_of=date(2026, 3, 31), currency="INR",
        columns=(Column("number", "Member"), Column("name", "Name"), Column("balance", "Balance", ColumnKind.MONEY),
                 Column("status", "Status")),
        rows=tuple(body), subtitle="As of 2026-03-31", summary=(("Members", rows),),
        checks=(Check("Listed every member", True, ""),), gaps=("Nothing else",),
    )


@cache
def _long_list() -> bytes:
    """The PDF of a 120-row list, made once for the tests that read it."""
    return report_pdf(_report(120))


def test_every_row_reads_back_on_numbered_pages() -> None:
    pages = PdfReader(io.BytesIO(_long_list())).pages
    assert len(pages) > 2
    text = [page.extract_text() for page in pages]
    lines = "\n".join(text).splitlines()
    assert "M00007 Jiří Nováková 7 86,419.69 pending" in lines  # Indian grouping, the glyphs of ž, ř, á
    assert "M00008 Jiří Nováková 8 98,765.36 ₹ rejected" in lines
    assert "M00119 Jiří Nováková 119 14,69,134.73 pending" in lines  # the bold total row
    assert sum(line.startswith("M00") for line in lines) == 120
    for number, page in enumerate(text, start=1):
        assert "coopbank: A long list" in page and "Member Name Balance Status" in page
        assert f"Page {number} of {len(pages)}" in page
    assert "Listed every member" in text[-1] and "Not included: Nothing else" in text[-1]


def test_an_empty_report_says_so() -> None:
    empty = Report(name="list", title="Nothing", as_of=date(2026, 3, 31), currency="INR",
                   columns=(Column("a", "A"),), rows=())
    text = PdfReader(io.BytesIO(report_pdf(empty))).pages[0].extract_text()
    assert "Nothing to report for this date." in text and "Page 1 of 1" in text



def test_rows_sit_on_the_page_one_beneath_another_amounts_right_aligned() -> None:
    """Where each cell's text lands (pypdf's text and transformation matrices at each text
    operator): every row on its page, 5 mm below the previous one, the left-aligned columns
    each at one x, the amounts each ending at the column's right (a row's placement leaking
    into the next row's once put all but a page's first row off the page)."""
    from fpdf import FPDF

    from bankcore.pdf_fonts import add_fonts
    from bankcore.reports.export import format_amount

    report = _report(120)
    measure = FPDF(unit="pt")
    add_fonts(measure, devanagari=False)
    row_step = 5 * 72 / 25.4
    number = 0
    for page in PdfReader(io.BytesIO(_long_list())).pages:
        shows: list[tuple[float, float, float]] = []  # x where the text starts, y, font size
        size = [0.0]

        def before(operator: bytes, operands: list, cm: list[float], tm: list[float]) -> None:
            if operator == b"Tf":
                size[0] = float(operands[1])
            elif operator in (b"Tj", b"TJ"):
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                if operator == b"TJ" and not isinstance(operands[0][0], bytes):
                    x -= float(operands[0][0]) / 1000 * size[0] * tm[0] * cm[0]
                shows.append((x, y, size[0]))

        page.extract_text(visitor_operand_before=before)
        first_column = min(x for x, _, _ in shows[4:])  # after the title lines: the table's first column
        rows = [shows[i:i + 4] for i, show in enumerate(shows) if abs(show[0] - first_column) < 0.1
                and show[1] < shows[i - 1][1]][1:]  # the heading line first
        levels = [row[0][1] for row in rows]
        assert all(0 < level < float(page.mediabox.height) for level in levels)
        assert all(abs(a - b - row_step) < 0.01 for a, b in zip(levels, levels[1:]))
        for column in (0, 1, 3):
            assert max(row[column][0] for row in rows) - min(row[column][0] for row in rows) < 0.05
        ends = set()
        for row in rows:
            x, _, size_pt = row[2]
            measure.set_font("DejaVu", "B" if number == 119 else "", size_pt)
            ends.add(x + measure.get_string_width(format_amount(report.rows[number].cells[2])))
            number += 1
        assert max(ends) - min(ends) < 0.1
    assert number == 120
