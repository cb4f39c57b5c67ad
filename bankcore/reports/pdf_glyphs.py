"""Text as the glyph codes of a report PDF's embedded font subset (the table's cells are written
as PDF content-stream operators, ``bankcore.reports.pdf_report``): per character, and a whole
column at once where every glyph code fits a byte."""

from __future__ import annotations

class GlyphCodes(dict):
    """Character code -> its glyph's code in the font's embedded subset as 4 hex digits,
    picked (added to the subset) on first use, as fpdf2's ``encode_text`` does."""

    def __init__(self, font: object) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, code: int) -> str:
        picked = self.font.subset.pick(code)  # type: ignore[attr-defined]
        self[code] = text = "" if picked is None else f"{picked:04X}"
        return text


class GlyphBytes(dict):
    """Character code -> its glyph's code in the embedded subset as the two bytes of a PDF
    literal string (latin-1 characters, escaped where the string syntax needs it): half the
    bytes of the hex form, for the long tables."""

    _ESCAPES = {0x28: "\\(", 0x29: "\\)", 0x5C: "\\\\", 0x0D: "\\r", 0x0A: "\\n"}

    def __init__(self, font: object) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, code: int) -> str:
        picked = self.font.subset.pick(code)  # type: ignore[attr-defined]
        self[code] = text = "" if picked is None else "".join(
            self._ESCAPES.get(byte, chr(byte)) for byte in divmod(picked, 256))
        return text


class GlyphWidths(dict):
    """Character -> its glyph's advance width in 1/1000 em (the font's ``cw``)."""

    def __init__(self, font: object) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> float:
        self[char] = width = self.font.cw[ord(char)]  # type: ignore[attr-defined]
        return width


def encode_column(texts: list[str], joined: str, chars: set[str], codes: GlyphBytes) -> list[str]:
    """``texts`` as glyph codes in the literal-string form of ``codes``.

    Column at once, in C: when every glyph of the ASCII texts has a code below 256, the texts
    are joined, mapped to those codes a byte each (``bytes.translate``), widened to two bytes
    each (UTF-16), escaped and split again; the rest go through ``str.translate`` (a dict
    lookup per character: five times slower over a 119,000-row list). ``joined`` is the texts
    joined by NUL, ``chars`` its characters."""
    if not texts:
        return []
    others = [] if joined.isascii() else [index for index, text in enumerate(texts) if not text.isascii()]
    if others:
        ascii_texts = list(texts)
        for index in others:
            ascii_texts[index] = ""
        joined = "\x00".join(ascii_texts)
        chars = set(joined)
    if joined.count("\x00") != len(texts) - 1:
        return encode_each(texts, codes)
    table = bytearray(range(256))
    dropped = bytearray()
    used = set()
    for char in chars - {"\x00"}:
        picked = codes.font.subset.pick(ord(char))  # type: ignore[attr-defined]
        if picked is None:
            dropped.append(ord(char))  # (no glyph in the font: not drawn, as fpdf2 does)
        elif picked > 255:
            return encode_each(texts, codes)
        else:
            table[ord(char)] = picked
            used.add(picked)
    separator = next((byte for byte in range(255, 0, -1) if byte not in used and byte not in _NEEDS_ESCAPE), None)
    if separator is None:
        return encode_each(texts, codes)
    table[0] = separator
    wide = joined.encode("ascii").translate(table, bytes(dropped)).decode("latin-1").encode("utf-16-be").decode("latin-1")
    # every high byte is 0 and no code is 0, so the separator's pair cannot match astride two codes
    for byte in _NEEDS_ESCAPE:
        if byte in used:
            wide = wide.replace(chr(byte), GlyphBytes._ESCAPES[byte])
    encoded = wide.split("\x00" + chr(separator))
    for index in others:
        encoded[index] = texts[index].translate(codes)
    return encoded


_NEEDS_ESCAPE = (0x5C, 0x28, 0x29, 0x0D, 0x0A)  # (the backslash first: the others' escapes add one)


def encode_each(texts: list[str], codes: dict[int, str]) -> list[str]:
    """``texts`` as glyph codes, one ``str.translate`` each."""
    return [text.translate(codes) for text in texts]
