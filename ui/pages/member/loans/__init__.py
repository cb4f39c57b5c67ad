"""The member's Loans page (``/member/loans``), in modules by concern: ``page`` (the loans and their
schedules), ``pay`` (Pay EMI), ``close`` (close with the foreclosure quote), ``apply`` (apply with an
EMI preview), ``documents`` (GraphQL) and ``texts`` (status words shared with the staff page)."""

from ui.pages.member.loans import page  # noqa: F401  (registers the page)
from ui.pages.member.loans.texts import STATUS_TEXT

__all__ = ["STATUS_TEXT"]
