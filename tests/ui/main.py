"""The app as NiceGUI's User fixture runs it: the pages and cookie routes, on the test
database the ``db`` fixture opened (so no Tortoise registration here)."""

from nicegui import ui

import importlib

importlib.import_module("ui.pages")  # registers the pages (a plain import would shadow nicegui.ui)

if __name__ in {"__main__", "__mp_main__"}:
    ui.run(storage_secret="ui-tests", show=False, reload=False)
