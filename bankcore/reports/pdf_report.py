"""A report as PDF (fpdf2): A4 (landscape for wide reports), the bank's title, the report's period
and summary, the table with heading lines and totals in bold, its checks and gaps at the end,
"page N of M" in the footer. Embeds DejaVu Sans (fpdf2's core fonts cannot draw ₹). The table is
written as PDF content-stream operators (``pdf_glyphs``), not one fpdf2 cell per cell."""

from __future__ import annotations

import threading
from collections.abc import Callable
from operator import attrgetter, itemgetter

from fpdf import FPDF
from fpdf.syntax import PDFContentStream

from bankcore.pdf_fonts import add_fonts
from bankcore.pdf_layout import fit_text, label_value_lines
from bankcore.reports.base import Amount, ColumnKind, Report, cell_text, gc_paused
from bankcore.reports.export import BANK_TITLE, format_amount
from bankcore.reports.pdf_glyphs import GlyphBytes, GlyphCodes, GlyphWidths, encode_column

_CELLS = attrgetter("cells")
_STYLE = attrgetter("style")


class _Pdf(FPDF):
    def __init__(self, report: Report, landscape: bool) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.report = report
        add_fonts(self, devanagari=False)  # unshaped, so text_width may add up glyph widths
        self.set_auto_page_break(auto=True, margin=15)
        # "Page N of M" is written once every page exists (fpdf2's alias substitution scans
        # every page's text; a 3,600-page list paid seconds for it)
        self.alias_nb_pages(None)
        self.set_title(report.title)
        self._font_tables: dict[int, tuple[GlyphCodes, GlyphWidths, GlyphBytes]] = {}
        self._blocks: dict[object, tuple[str, list[tuple[object, float]]]] = {}
        self._recording: list[tuple[object, float]] | None = None

    def _tables(self) -> tuple[dict[int, str], dict[str, float], dict[int, str]]:
        """The current font's lookup tables: character -> 4 hex digits of its glyph code in
        the embedded subset (``str.translate`` form), character -> width in 1/1000 em, and
        character -> its glyph code as the escaped bytes of a literal string."""
        font = self.current_font
        assert font is not None
        tables = self._font_tables.get(font.i)
        if tables is None:
            tables = self._font_tables[font.i] = (GlyphCodes(font), GlyphWidths(font), GlyphBytes(font))
        return tables

    def text_width(self, text: str) -> float:
        """``get_string_width(text)`` in mm, from cached glyph widths (fpdf2 measures each call
        from scratch; without text shaping a string's width is its glyphs' widths)."""
        return sum(map(self._tables()[1].__getitem__, text)) * self.font_size_pt * 0.001 / self.k

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
        return text if self.text_width(text) <= width else _fit(self, text, width)

    def font_operator(self) -> str:
        """The operator selecting the current font, when this page has not had it yet (fpdf2
        sets a font on the page lazily, at its next text), else "" (always while recording a
        block, which must not depend on what the page had before it)."""
        if self.current_font_is_set_on_page and self._recording is None:
            return ""
        assert self.current_font is not None
        if self._recording is not None:
            self._recording.append((self.current_font, self.font_size_pt))
        return self._set_font_for_page(self.current_font, self.font_size_pt)

    def block(self, key: object, draw: Callable[[], str]) -> None:
        """Write the operators ``draw()`` returns, built once per ``key`` and written again on
        later pages (a page's header and the table's heading are the same on every page: built
        each time they cost a third of a 3,600-page list), with the fonts they select put on
        the page's resources."""
        block = self._blocks.get(key)
        if block is None:
            self._recording = []
            try:
                operators = draw()
            finally:
                fonts, self._recording = self._recording, None
            block = self._blocks[key] = (operators, fonts)
        else:
            for font, size in block[1]:
                self._set_font_for_page(font, size)  # type: ignore[arg-type]
        self._out(block[0])
        # (the graphics state's font is now the block's last: the next text selects its own)
        self.current_font_is_set_on_page = False

    def raw_text(self, x: float, y: float, text: str) -> str:
        """The content-stream operators that draw ``text`` with its baseline at (x, y) mm in the
        current font: what ``text()`` writes (glyph codes of the subset, here as a hex string),
        without its per-call normalising and encoding."""
        return (f"{self.font_operator()} BT {x * self.k:.2f} {(self.h - y) * self.k:.2f} Td "
                f"<{text.translate(self._tables()[0])}> Tj ET")

    def write_raw(self, operators: str) -> None:
        """Append PDF content-stream operators to the current page."""
        self._out(operators)

    def header(self) -> None:
        y = self.t_margin

        def draw() -> str:
            self.set_font("DejaVu", "B", 12)
            title = self.raw_text(self.l_margin, y + 4.3, f"{BANK_TITLE}: {self.report.title}")
            self.set_font("DejaVu", "", 8)
            return title + "\n" + self.raw_text(self.l_margin, y + 8.9,
                                                f"{self.report.subtitle} · amounts in {self.report.currency}")

        self.block("header", draw)
        self.set_y(y + 11)

    def footer(self) -> None:
        """Drawn by ``number_pages`` once the page count is known."""

    def number_pages(self) -> None:
        """Write "Page N of M" at the foot of every page."""
        last = self.page
        total = len(self.pages)
        self.set_font("DejaVu", "", 7)
        assert self.current_font is not None
        for number in range(1, total + 1):
            self.page = number
            text = f"Page {number} of {total}"
            x = (self.w - self.text_width(text)) / 2
            self.current_font_is_set_on_page = False
            self.write_raw(f"q 0 g {self.raw_text(x, self.h - 7.2, text)} Q")
        self.page = last


def _widths(report: Report, usable: float) -> list[float]:
    fixed = {ColumnKind.MONEY: 28.0, ColumnKind.DATE: 20.0, ColumnKind.COUNT: 16.0}
    widths: list[float | None] = [fixed.get(c.kind) for c in report.columns]
    free = [i for i, w in enumerate(widths) if w is None]
    if free:
        # Share what is left among text columns by their longest content (sampled).
        sample = report.rows[:200]
        lengths = [max([len(report.columns[i].label)] + [len(cell_text(r.cells[i])) for r in sample]) for i in free]
        remaining = usable - sum(w for w in widths if w is not None)
        total = sum(min(n, 40) for n in lengths) or 1
        for i, n in zip(free, lengths, strict=True):
            widths[i] = max(12.0, remaining * min(n, 40) / total)
    scale = usable / sum(w for w in widths if w is not None)
    return [w * scale if scale < 1 else w for w in widths]  # type: ignore[operator]


def _fit(pdf: _Pdf, text: str, width: float) -> str:
    return fit_text(pdf, text, width, measure=pdf.text_width)


def _table(pdf: _Pdf, report: Report, widths: list[float], aligns: list[str]) -> None:
    """The table, written as content-stream operators, one batch a page: the shading of total
    rows, then the page's rows in one text object (each row the same moves from column to
    column with its cells' glyph codes, ``_shown_rows``; the next row one fixed move away),
    then the rules beneath the rows with the frame and column lines (the same on every full
    page, so built once). No fpdf2 call per row or cell, and ~385 bytes of content a row
    instead of ~650 (zlib's share of the output): a 119,000-row list in seconds, not minutes."""
    k, page_h = pdf.k, pdf.h
    left = pdf.l_margin
    right = left + sum(widths)
    edges = [left]
    for width in widths:
        edges.append(edges[-1] + width)
    x_left, x_right = f"{left * k:.2f}", f"{right * k:.2f}"
    row_h = 5.0
    bold = ("line", "total")

    def rule(y: float) -> str:
        level = f"{(page_h - y) * k:.2f}"
        return f"{x_left} {level} m {x_right} {level} l"

    def shaded(y: float, height: float, rgb: str) -> str:
        return (f"q {rgb} rg {x_left} {(page_h - y) * k:.2f} {(right - left) * k:.2f} {-height * k:.2f} re f Q")

    frames: dict[tuple[float, int], str] = {}

    def grid(top: float, first_row: float, rows: int) -> None:
        """The column lines, the frame and the rule beneath each of ``rows`` rows starting at
        ``first_row`` mm, of one page's table from ``top`` mm (the same on every full page)."""
        frame = frames.get((top, rows))
        if frame is None:
            bottom = first_row + rows * row_h
            upper, lower = f"{(page_h - top) * k:.2f}", f"{(page_h - bottom) * k:.2f}"
            frame = frames[(top, rows)] = " ".join(
                [*(f"{x * k:.2f} {upper} m {x * k:.2f} {lower} l" for x in edges), rule(top),
                 *(rule(first_row + (n + 1) * row_h) for n in range(rows))]) + " S"
        pdf.write_raw(frame)

    def head() -> float:
        top = pdf.get_y()

        def draw() -> str:
            pdf.set_font("DejaVu", "B", 7.5)
            parts = [shaded(top, 5.5, "0.902 0.925 0.949")]
            for i, (column, align) in enumerate(zip(report.columns, aligns, strict=True)):
                text = pdf.fit(column.label, widths[i] - 1)
                x = edges[i + 1] - 0.75 - pdf.text_width(text) if align == "R" else edges[i] + 0.75
                parts.append(pdf.raw_text(x, top + 3.7, text))
            parts.append(rule(top + 5.5) + " S")
            return " ".join(parts)

        pdf.block(("head", top), draw)
        pdf.set_y(top + 5.5)
        return top

    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    top = head()
    if not report.rows:
        pdf.set_font("DejaVu", "", 8)
        grid(top, pdf.get_y(), 0)
        pdf.cell(sum(widths), 6, "Nothing to report for this date.", border=1, new_x="LMARGIN", new_y="NEXT")
        return
    # Text positions in points. A line of text starts at the left of its column's room (Td moves
    # relative to the previous line start, so a move depends only on the two columns); a
    # right-aligned text is pushed right inside a TJ array, which leaves the line start alone.
    # (rounded first, so that the moves along a row and back add up to nothing: no drift down a page)
    starts = [round((edges[i] + 0.75) * k, 2) for i in range(len(widths))]
    baseline = 3.4  # mm below the row's top
    shown = _shown_rows(pdf, report, starts, [w - 1.5 for w in widths], [a == "R" for a in aligns], bold)
    # the move from one row's last column to the next row's first
    next_row = f" {starts[0] - starts[-1]:.2f} {-row_h * k:.3f} Td"
    fonts: dict[str, tuple[object, float]] = {}
    rows = report.rows
    first = 0
    while first < len(rows):
        if first:
            pdf.add_page()
            top = head()
        page_start = y = pdf.get_y()
        last = first + 1  # (a page too short for one row still gets one)
        y += row_h
        while last < len(rows) and not y + row_h > pdf.page_break_trigger:
            y += row_h
            last += 1
        shading = [shaded(page_start + (j - first) * row_h, row_h, "0.949 0.949 0.949")
                   for j in range(first, last) if rows[j].style == "total"]
        if shading:
            pdf.write_raw(" ".join(shading))
        # one text object for the page's rows: a run of rows of one style is one join
        parts = [f"BT {starts[0]:.2f} {(page_h - page_start - baseline) * k:.2f} Td"]
        run = first
        while run < last:
            style = rows[run].style
            end = run + 1
            while end < last and rows[end].style == style:
                end += 1
            if run > first:
                parts.append(next_row)
            font = fonts.get(style)
            if font is None:
                pdf.set_font("DejaVu", "B" if style in bold else "", 7 if style == "detail" else 7.5)
                font = fonts[style] = (pdf.current_font, pdf.font_size_pt)
            parts.append(" " + pdf._set_font_for_page(font[0], font[1], wrap_in_text_object=False))  # type: ignore[arg-type]
            parts.append(next_row.join(shown[run:end]))
            run = end
        parts.append(" ET")
        # (an empty text's show is dropped; "Td()Tj" cannot occur inside a string, whose
        # parentheses are escaped)
        pdf.write_raw("".join(parts).replace("Td()Tj", "Td"))
        grid(top, page_start, last - first)
        first = last
    pdf.current_font_is_set_on_page = False  # (the page's font is the table's last, not fpdf2's current one)
    pdf.set_y(y)


def _shown_rows(pdf: _Pdf, report: Report, starts: list[float], room: list[float], right_aligned: list[bool],
                bold: tuple[str, ...]) -> list[str]:
    """Per row, the operators that show its cells from column 0's line start: each cell's text
    in glyph codes of its row style's font, cut to its column's ``room`` (mm) with an ellipsis,
    a right-aligned one pushed right in a TJ array, each column reached by a move from the
    previous one. Worked out column by column (one ``str.translate`` for a whole column of
    texts, widths measured only where a text may not fit), not cell by cell: a 119,000-row
    list in about a second."""
    k = pdf.k
    # the row's template: column 0's show, then per column a move and its show
    template = "".join((f" {starts[i] - starts[i - 1]:.2f} 0 Td" if i else "") + ("%s" if right else "(%s)Tj")
                       for i, right in enumerate(right_aligned))
    rows = report.rows
    if set(map(len, map(_CELLS, rows))) != {len(room)}:
        raise ValueError(f"{report.name}: a row's cells do not match its {len(room)} columns")
    styles = list(map(_STYLE, rows))
    by_style: dict[str, list[int] | None] = {styles[0]: None}  # None: every row
    if len(set(styles)) > 1:
        by_style = {}
        for index, style in enumerate(styles):
            by_style.setdefault(style, []).append(index)  # type: ignore[union-attr]
    shown = [""] * len(rows)
    for style, indices in by_style.items():
        pdf.set_font("DejaVu", "B" if style in bold else "", 7 if style == "detail" else 7.5)
        tables = pdf._tables()
        codes, glyph_width = tables[2], tables[1].__getitem__
        size = pdf.font_size_pt
        scale = size * 0.001 / k  # 1/1000 em -> mm
        encoded: list[list[str]] = []
        cells = list(map(_CELLS, rows if indices is None else map(rows.__getitem__, indices)))
        for i in range(len(room)):
            column = list(map(itemgetter(i), cells))
            texts = _texts(column)
            if style == "detail" and i == 2:
                texts = ["   " + text if text else text for text in texts]
            joined = "\x00".join(texts)
            chars = set(joined)
            cut = _cut(pdf, texts, chars, room[i], glyph_width, scale)
            if cut is not texts:
                texts = cut
                joined = "\x00".join(texts)
                chars = set(joined)
            if right_aligned[i]:
                # (TJ subtracts its numbers, thousandths of the font size, from the position)
                encoded.append([f"[{-(room[i] - sum(map(glyph_width, text)) * scale) * k * 1000 / size:.0f}"
                                f"({text.translate(codes)})]TJ" if text else "" for text in texts])
            else:
                encoded.append(encode_column(texts, joined, chars, tables[2]))
        if indices is None:
            return list(map(template.__mod__, zip(*encoded)))
        for index, line in zip(indices, map(template.__mod__, zip(*encoded)), strict=True):
            shown[index] = line
    return shown


def _texts(column: list[object]) -> list[str]:
    """A column's cells as the PDF shows them (amounts with their grouping, dates ISO)."""
    if set(map(type, column)) <= {str}:
        return column  # type: ignore[return-value]
    return ["" if cell is None else format_amount(cell) if type(cell) is Amount else cell_text(cell)  # type: ignore[arg-type]
            for cell in column]


def _cut(pdf: _Pdf, texts: list[str], chars: set[str], room: float, glyph_width: Callable[[str], float],
         scale: float) -> list[str]:
    """``texts`` (made of ``chars``) each cut to ``room`` mm in the current font; measured
    only when the column's longest text times its widest glyph could be wider than the room."""
    longest = max(map(len, texts), default=0)
    if not longest:
        return texts
    widest = max(map(glyph_width, chars - {"\x00"}), default=0) * scale
    if longest * widest <= room:
        return texts
    surely = room / widest if widest else longest  # texts this long fit whatever their glyphs
    return [text if len(text) <= surely or sum(map(glyph_width, text)) * scale <= room else _fit(pdf, text, room)
            for text in texts]


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes (see module docstring)."""
    with gc_paused():
        return _report_pdf(report)


def _report_pdf(report: Report) -> bytes:
    landscape = len(report.columns) > 5
    pdf = _Pdf(report, landscape)
    pdf.add_page()
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    label_value_lines(pdf, [(label, format_amount(value) if isinstance(value, Amount) else cell_text(value))
                            for label, value in report.summary], label_width=45, size=9, height=5)
    if report.summary:
        pdf.ln(2)
    widths = _widths(report, usable)
    aligns = ["R" if c.kind in (ColumnKind.MONEY, ColumnKind.COUNT) else "L" for c in report.columns]
    _table(pdf, report, widths, aligns)
    pdf.ln(3)
    for check in report.checks:
        pdf.set_font("DejaVu", "B", 8)
        pdf.set_text_color(30, 110, 50) if check.ok else pdf.set_text_color(180, 30, 30)
        pdf.cell(0, 5, f"{'✓' if check.ok else '✗'} {check.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for gap in report.gaps:
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4, f"Not included: {gap}", new_x="LMARGIN", new_y="NEXT")
    pdf.number_pages()
    return _output(pdf)


_COMPRESSION_LOCK = threading.Lock()


def _output(pdf: FPDF) -> bytes:
    """``pdf.output()`` with page contents deflated at zlib level 1 instead of the default 6:
    five times faster (zlib was half the output of a 3,600-page list) for a file ~1.4 times
    larger. fpdf2 reads the level from a class attribute, so it is set only around this call
    (the lock keeps two threads from restoring each other's value)."""
    with _COMPRESSION_LOCK:
        default = PDFContentStream._COMPRESSION_LEVEL
        PDFContentStream._COMPRESSION_LEVEL = 1
        try:
            return bytes(pdf.output())
        finally:
            PDFContentStream._COMPRESSION_LEVEL = default
