"""Writes ``graphql_api/trusted_documents.json``: every operation the web app's pages send.

The pages keep their documents as module constants next to the page (``ACCOUNT_HISTORY =
\"\"\"query AccountHistory ...\"\"\"``); this collects every such constant of the ``ui``
package that parses as one named operation, with its SHA-256 (``graphql_api.trusted``).
Run after changing a page's document (a test in tests/api fails until it is current):

    python -m coopbank.trusted_manifest
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from graphql_api.trusted import MANIFEST_PATH, sha256_of

_OPERATION = re.compile(r"\s*(query|mutation|subscription)\s+[A-Za-z_]\w*")
UI_ROOT = Path(__file__).resolve().parents[1] / "ui"


def _string_value(node: ast.expr, constants: dict[str, str]) -> str | None:
    """A string constant, or an f-string / concatenation of the module's earlier string constants."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if not isinstance(node, (ast.JoinedStr, ast.BinOp)):
        return None
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    if not names <= set(constants) or any(isinstance(n, ast.Call) for n in ast.walk(node)):
        return None
    value = eval(compile(ast.Expression(node), "<document>", "eval"), {"__builtins__": {}}, dict(constants))  # noqa: S307 - names and literals only
    return value if isinstance(value, str) else None


def app_documents(root: Path = UI_ROOT) -> list[dict[str, str]]:
    """The ui package's operation constants, sorted by source, each with name, source, sha256 and text.

    Read from the sources, not imported: importing a page outside NiceGUI registers its routes
    (and the API worker processes have no NiceGUI at all).
    """
    found: dict[str, dict[str, str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        constants: dict[str, str] = {}  # the module's string constants so far, for f-strings built of them
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.Assign):
                continue
            value = _string_value(node.value, constants)
            if value is None:
                continue
            constants.update({t.id: value for t in node.targets if isinstance(t, ast.Name)})
            if not _OPERATION.match(value):
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    name = value.split("(")[0].split("{")[0].split()[1]
                    digest = sha256_of(value)
                    found.setdefault(digest, {"name": name, "source": f"{module}.{target.id}", "sha256": digest,
                                              "text": value})
    return sorted(found.values(), key=lambda d: d["source"])


def manifest_text() -> str:
    """The manifest as ``graphql_api/trusted_documents.json`` should hold it."""
    return json.dumps({"documents": app_documents()}, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    MANIFEST_PATH.write_text(manifest_text())
    print(f"{MANIFEST_PATH}: {len(json.loads(MANIFEST_PATH.read_text())['documents'])} documents")
