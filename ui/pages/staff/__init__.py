"""The staff's workplace: one page per kind of work; the frame shows each role only the
pages the API's policy lets it use."""

from ui.pages.staff import admin, approvals, audit, books, branch, cashier, clerk  # noqa: F401
from ui.pages.staff import payments  # noqa: F401
from ui.pages.staff import reports  # noqa: F401
from ui.pages.staff import shares  # noqa: F401  (share register, dividends, year-end)
from ui.pages.staff import settings  # noqa: F401
from ui.pages.staff import day_end, inoperative, instructions  # noqa: F401
from ui.pages.staff import webhooks  # noqa: F401  (partners' webhooks, issue 13)
from ui.pages.staff import deposits  # noqa: F401,E402  (term deposits, issue 12)
from ui.pages.staff import loans  # noqa: F401,E402  (lending, issue 11)
