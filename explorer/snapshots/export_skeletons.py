"""The pages of a one-file export as the app's own templates draw them: each page kind's <main>
rendered once, with `@@name@@` where a route's value goes (static/js/export/router.js fills them
in as text), and the page scripts its template loads.

Values that pick a model the export holds only one of (the hierarchy's size, a cgroup tree's)
are rendered as that one; every cluster string is a marker, so that no skeleton holds one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.template.loader import render_to_string
from django.templatetags.static import static

from explorer.viewmodels.workloads import hierarchy

# loaded once for every page (Plotly, the connection, the kit), or not at all: nothing starts
# a job or searches the live cluster in a file
SHARED_SCRIPTS = ("vendor/plotly-explorer.min.js", "js/live.js", "js/kit.js")
LIVE_ONLY_SCRIPTS = ("js/progress.js", "js/find.js", "js/etcd/object_key.js")  # etcd: read live
_MAIN = re.compile(r"<main>(.*)</main>", re.DOTALL)
_SCRIPT = re.compile(r'<script src="([^"]+)"')


def marker(name: str) -> str:
    return f"@@{name}@@"


CLUSTER = marker("cluster")
PAGES: dict[str, tuple[str, dict]] = {
    "overview": ("overview.html", {"viewing": {"name": CLUSTER}}),
    "hierarchy": (
        "workloads/hierarchy.html",
        {"cluster": CLUSTER, "namespace": "*", "size": "count", "sizes": hierarchy.SIZES},
    ),
    "pod": (
        "workloads/pod.html",
        {"cluster": CLUSTER, "namespace": marker("namespace"), "name": marker("name")},
    ),
    "node": (
        "workloads/node.html",
        {
            "cluster": CLUSTER,
            "name": marker("name"),
            "size": "limit",
            "highlight": marker("highlight"),
        },
    ),
    "events": (
        "workloads/events.html",
        {"cluster": CLUSTER, "namespace": "*", "kind": "", "name": ""},
    ),
    "scheduling-history": ("workloads/scheduling_history.html", {"cluster": CLUSTER}),
    "object": (
        "workloads/object.html",
        {
            "cluster": CLUSTER,
            "kind": marker("kind"),
            "namespace": marker("namespace"),
            "name": marker("name"),
        },
    ),
    "object-cluster": (
        "workloads/object.html",
        {"cluster": CLUSTER, "kind": marker("kind"), "namespace": "", "name": marker("name")},
    ),
    "service-chain": (
        "network/service_chain.html",
        {
            "viewing": {"name": CLUSTER},
            "node": marker("node"),
            "service": marker("service"),
        },
    ),
    "storage": ("storage.html", {"cluster": CLUSTER}),
    "missing": ("export/missing.html", {}),
}


@dataclass(frozen=True, slots=True)
class Skeleton:
    name: str
    html: str  # the page's <main>, markers in place of the route's values
    scripts: tuple[str, ...]  # its own scripts, static paths, in the order they load


@cache
def skeletons() -> tuple[Skeleton, ...]:
    """Every page kind's skeleton (the templates do not change while a process runs)."""
    return tuple(_skeleton(name, template, context) for name, (template, context) in PAGES.items())


def _skeleton(name: str, template: str, context: dict) -> Skeleton:
    page = render_to_string(template, {**context, "params": "{}"})
    found = _MAIN.search(page)
    if found is None or "<script" in found.group(1):
        raise ValueError(f"template {template} has no <main> free of scripts")
    prefix = static("")
    loads = [src.removeprefix(prefix) for src in _SCRIPT.findall(page[found.end() :])]
    if name != "missing" and not set(SHARED_SCRIPTS) <= set(loads):
        raise ValueError(f"template {template} does not load {', '.join(SHARED_SCRIPTS)}")
    own = tuple(s for s in loads if s not in SHARED_SCRIPTS and s not in LIVE_ONLY_SCRIPTS)
    return Skeleton(name, found.group(1), own)
