"""What an uploaded file is, judged from its content: never from its name or the browser's claim.

A KYC document is a PDF, a JPEG or a PNG. The type comes from the file's leading bytes
(its "magic number"); a PDF must also end with the ``%%EOF`` marker (ISO 32000-1 7.5.5)
and an image must be one Pillow can parse and verify, so a renamed executable, an HTML page
or a truncated scan is refused. No ORM here: pure checks on bytes.
"""

from __future__ import annotations

from io import BytesIO

from bankcore.errors import DomainError, ErrorCode

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

_PDF_MAGIC = b"%PDF-"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Writers may put a line end or padding after %%EOF; look for it near the end only.
_PDF_TAIL = 1024


def sniff(data: bytes) -> str | None:
    """The content type that ``data`` starts like (PDF, JPEG, PNG), or None."""
    if data.startswith(_PDF_MAGIC):
        return PDF
    if data.startswith(_JPEG_MAGIC):
        return JPEG
    if data.startswith(_PNG_MAGIC):
        return PNG
    return None


def check_document(data: bytes, *, field: str = "content") -> str:
    """The content type of ``data`` if it is a whole PDF, JPEG or PNG.

    Raises ``DomainError(INVALID_DOCUMENT)`` for an empty file, any other type, a PDF
    without its end marker, or an image Pillow cannot verify (damaged, truncated, or
    so large it looks like a decompression bomb).
    """
    kind = sniff(data)
    if kind is None:
        raise DomainError(ErrorCode.INVALID_DOCUMENT, "the file is not a PDF, JPEG or PNG", field=field)
    if kind == PDF:
        if b"%%EOF" not in data[-_PDF_TAIL:]:
            raise DomainError(ErrorCode.INVALID_DOCUMENT, "the PDF is incomplete", field=field)
        return kind
    from PIL import Image  # Pillow comes with fpdf2; imported here to keep startup light

    try:
        with Image.open(BytesIO(data), formats=["JPEG" if kind == JPEG else "PNG"]) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(ErrorCode.INVALID_DOCUMENT, "the image is damaged or cannot be read", field=field) from None
    return kind
