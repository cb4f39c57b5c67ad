"""Small, real files for KYC upload tests (made in memory, a few hundred bytes each)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")


def image(kind: str = "PNG", size: tuple[int, int] = (24, 16)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=kind)
    return out.getvalue()
