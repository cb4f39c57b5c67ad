"""The report PDF's table, written as content-stream operators, reads back as the same text.

No database: a report is plain data. The text is extracted with pypdf, so a wrong glyph
code, a font missing on a page or a row drawn in the wrong place shows up as a wrong line.
"""

from __future__ import annotations

import io
from datetime import date

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


def test_every_row_reads_back_on_numbered_pages() -> None:
    pages = PdfReader(io.BytesIO(report_pdf(_report(120)))).pages
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
