"""GraphiQL from the bank's own files: the page and its pinned scripts, no CDN.

Strawberry's GraphiQL page loads React and GraphiQL from unpkg, so the explorer is blank
on a branch without Internet access and the page's Content-Security-Policy has to admit a
third-party host. Here the page (``static/graphiql/index.html``) and its assets ship in the
package (versions and licences in ``static/graphiql/README.md``) and are served under
``ASSETS_PATH`` by ``assets_app``; ``BankGraphQL.graphql_ide_html`` answers the page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

ASSETS_DIR = Path(__file__).with_name("static") / "graphiql"
ASSETS_PATH = "/graphiql-assets"
# Only what the page loads: not the README, the licences or index.html itself.
SERVED_SUFFIXES = (".js", ".css")


@cache
def graphiql_html() -> str:
    """The GraphiQL page (HTML); every asset it names lives under ``ASSETS_PATH``."""
    return (ASSETS_DIR / "index.html").read_text(encoding="utf-8")


class _Assets(StaticFiles):
    """StaticFiles limited to the page's scripts and styles, cached by the browser for a day."""

    def lookup_path(self, path: str) -> tuple[str, object]:
        if not path.endswith(SERVED_SUFFIXES):
            return "", None
        return super().lookup_path(path)

    def file_response(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "public, max-age=86400"
        return response


@cache
def assets_app() -> ASGIApp:
    """The ASGI app answering ``ASSETS_PATH/<file>`` (gzip-compressed: graphiql.min.js is 3.5 MB); 404 otherwise."""
    return GZipMiddleware(Starlette(routes=[Mount(ASSETS_PATH, app=_Assets(directory=ASSETS_DIR))]), minimum_size=1024)
