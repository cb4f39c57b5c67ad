"""Every page of the web app. Importing this package registers them (NiceGUI's ``@ui.page``)
and the session cookie routes; ``coopbank.app.wire()`` imports it."""

from ui.session import register_routes

register_routes()

from ui.pages import signin  # noqa: E402,F401
from ui.pages import member  # noqa: E402,F401
from ui.pages import staff  # noqa: E402,F401
from ui.pages import password_reset, security  # noqa: E402,F401  (credentials and sessions)
from ui.pages import inbox  # noqa: E402,F401  (notifications, issue 14)
