"""One self-contained .html file of a snapshot: `export_html(state, about)`.

The file holds everything it shows — the models of its pages (`export_pages.py`), the app's page
skeletons (`export_skeletons.py`), the app's page scripts unchanged, Plotly and the styles — and
reads nothing from anywhere: its Content-Security-Policy allows its inline scripts by their
sha256 hashes and nothing else to load. It opens from `file://` with the network off; its
pages are hash routes (static/js/export/router.js) drawn by the app's own page scripts from
an offline stand-in of the tab's connection (static/js/export/offline_live.js).

Cluster strings appear only in JSON blocks (`<script type="application/json">`, with `<`, `>`,
`&`, U+2028 and U+2029 escaped, so that no string can end the block), and in the banner and the
pins, which Django escapes. `notes_html` is inserted as it is: the caller renders it safely.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TypedDict
from urllib.parse import quote

import orjson
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from explorer.state.cluster_state import ClusterState

from .export_pages import DEFAULT_BUDGET, Holdings, Pin, holdings
from .export_skeletons import SHARED_SCRIPTS, skeletons

STYLES = ("css/explorer.css", "css/export.css")
OFFLINE = {"js/live.js": "js/export/offline_live.js"}  # a page's script -> the export's
ROUTER = "js/export/router.js"
CHAIN_FACTS = ("iptables-save", "nft")  # a node's rules: what its service chains are drawn from
_NOT_INLINABLE = re.compile(r"</script|<!--", re.IGNORECASE)
_JSON_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


class ExportAbout(TypedDict):
    title: str
    cluster: str
    taken_at: str  # ISO 8601, UTC
    notes_html: str  # already safe HTML, inserted as it is
    pins: list[Pin]


def export_html(state: ClusterState, about: ExportAbout, *, budget: int = DEFAULT_BUDGET) -> bytes:
    """The one-file export of `state` (a snapshot) as UTF-8 HTML; `budget`: bytes of models
    beyond the pages every export holds (export_pages.py says which pages come first)."""
    held = holdings(state, about["cluster"], about["pins"], budget)
    chain_node = _chain_node(held)
    data = [
        _json_block("export-about", _about(state, about, held, chain_node)),
        _json_block("export-pages", _pages()),
        _json_block(
            "export-index", [[m.view, m.params, f"m{i}"] for i, m in enumerate(held.models)]
        ),
        *(_raw_json_block(f"m{i}", model.json) for i, model in enumerate(held.models)),
    ]
    scripts = [_static(OFFLINE.get(path, path)) for path in SHARED_SCRIPTS]
    scripts += [_page_script(path) for path in _page_scripts()]
    scripts.append(_static(ROUTER))
    for script in scripts:
        if _NOT_INLINABLE.search(script):
            raise ValueError("a script holds </script or <!--: it cannot be inlined")
    context = {
        "about": about,
        "csp": _policy(scripts),
        "styles": "\n".join(_static(path) for path in STYLES),
        "pins": [_pin(pin) for pin in about["pins"]],
        "chain_href": f"#/network/service-chain?node={quote(chain_node, safe='')}"
        if chain_node
        else "",
        "skeletons": skeletons(),
        "data": "\n".join(data),
        "scripts": "\n".join(f"<script>{script}</script>" for script in scripts),
    }
    return render_to_string("export/shell.html", context).encode()


def _escaped(json: bytes) -> bytes:
    """JSON that can sit in a <script type="application/json"> block whatever its strings hold."""
    for raw, escape in _JSON_ESCAPES:
        json = json.replace(raw, escape)
    return json


def _json_block(block_id: str, value: object) -> str:
    return _raw_json_block(block_id, orjson.dumps(value))


def _raw_json_block(block_id: str, json: bytes) -> str:
    return f'<script type="application/json" id="{block_id}">{_escaped(json).decode()}</script>'


def _about(state: ClusterState, about: ExportAbout, held: Holdings, chain_node: str) -> dict:
    pods, nodes, objects = (f"{held.held[g]} of {held.of[g]}" for g in ("pods", "nodes", "objects"))
    detail = (
        f"This export holds the pages of {nodes} nodes, {pods} pods (the worst first) and "
        f"{objects} other objects, besides the pinned ones; the snapshot itself holds them all."
    )
    return {
        "title": about["title"],
        "cluster": about["cluster"],
        "taken_at": about["taken_at"],
        "chain_node": chain_node,
        "detail": detail,
        "not_visible": state.not_visible,
    }


def _chain_node(held: Holdings) -> str:
    """The node whose service chains the navigation opens: the first with rules, of those held."""
    index = next(orjson.loads(m.json) for m in held.models if m.view == "network-index")
    with_chains = {m.params["node"] for m in held.models if m.view == "service-chains"}
    nodes = [n for n in index.get("nodes", {}) if n in with_chains]
    facts = {n: index["nodes"][n].get("facts", []) for n in nodes}
    return next((n for n in nodes if set(CHAIN_FACTS) & set(facts[n])), nodes[0] if nodes else "")


def _pages() -> dict:
    return {s.name: {"template": f"page-{s.name}", "scripts": list(s.scripts)} for s in skeletons()}


def _page_scripts() -> list[str]:
    return list(dict.fromkeys(path for s in skeletons() for path in s.scripts))


def _page_script(path: str) -> str:
    """A page script, unchanged, as a function the router calls on the pages that load it."""
    return (
        "(window.ExplorerExportScripts = window.ExplorerExportScripts || {})"
        f"[{orjson.dumps(path).decode()}] = function () {{\n{_static(path)}\n}};"
    )


def _static(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file {path} is missing")
    with open(found, encoding="utf-8") as file:
        return file.read()


def _policy(scripts: list[str]) -> str:
    hashes = " ".join(f"'sha256-{_sha256(script)}'" for script in scripts)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _pin(pin: Pin) -> dict:
    segment = lambda text: quote(text, safe="")  # noqa: E731 -- as kit.js's encodeURIComponent
    kind, namespace, name = pin["kind"], pin["namespace"], pin["name"]
    if kind == "Pod":
        href = f"#/pods/{segment(namespace)}/{segment(name)}"
    elif kind == "Node":
        href = f"#/nodes/{segment(name)}"
    else:
        where = f"{segment(namespace)}/" if namespace else ""
        href = f"#/objects/{segment(kind)}/{where}{segment(name)}"
    return {**pin, "href": href}
