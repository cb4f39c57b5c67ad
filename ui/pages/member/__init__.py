"""The member portal: accounts with live balances, account history, transfers,
statements, profile, and places for loans and deposits."""

from ui.pages.member import account, dashboard, loans, profile, statements, transfer  # noqa: F401
from ui.pages.member import add_money, send_money  # noqa: F401  (payments)
from ui.pages.member import shares  # noqa: F401  (share capital)
from ui.pages.member import deposits  # noqa: F401,E402  (term deposits)
from ui.pages.member import instructions  # noqa: F401  (standing instructions)
