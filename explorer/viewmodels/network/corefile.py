"""Corefile: CoreDNS's server blocks, each as the chain of plugins a query really passes.

CoreDNS builds a server block's plugin chain in the order of its build's plugin.cfg, whatever
order the Corefile lists them in (explorer.collectors.dns.plugins), so `cache` written last
still runs before `kubernetes` and `forward`. For each block the model gives the zones and
ports it serves, its plugins in the order a query meets them with what each does, the
plugins that only set the server up, and a note for each plugin whose place in the Corefile
differs from where it runs.

`corefile_model(text)` reads a Corefile or the coredns ConfigMap (YAML or JSON, with AKS's
coredns-custom); `corefile_chain(state)` reads the cluster's ConfigMaps.
"""

from __future__ import annotations

from typing import Any

import orjson

from explorer.collectors.dns.corefile import CorefileError
from explorer.collectors.dns.report import ServerBlockReport, corefile_report
from explorer.state.cluster_state import ClusterState

from ..base import Params, View

CONFIGMAPS = ("coredns", "coredns-custom")


def _order_notes(block: ServerBlockReport) -> dict[str, str]:
    """plugin → how its place in the Corefile differs from where a query meets it."""
    written = [p["name"] for p in block["plugins"] if p["name"] != "import"]
    runs = [link["plugin"] for link in block["chain"] if link["in_query_path"]]
    notes: dict[str, str] = {}
    for plugin in runs:
        if plugin not in written:
            continue
        before_it = set(written[: written.index(plugin)])
        overtaken = [p for p in runs[runs.index(plugin) + 1 :] if p in before_it]
        if overtaken:
            notes[plugin] = (
                f"written after {', '.join(overtaken)} in the Corefile, but a query meets it first"
            )
    return notes


def _block(block: ServerBlockReport) -> dict[str, Any]:
    notes = _order_notes(block)
    chain = [
        {
            "position": link["position"],
            "plugin": link["plugin"],
            "args": " ".join(link["args"]),
            "what": link["what_it_does"],
            "order_note": notes.get(link["plugin"], ""),
        }
        for link in block["chain"]
        if link["in_query_path"]
    ]
    setup = [
        {"plugin": link["plugin"], "args": " ".join(link["args"]), "what": link["what_it_does"]}
        for link in block["chain"]
        if not link["in_query_path"]
    ]
    written = [p["name"] for p in block["plugins"] if p["name"] != "import"]
    return {
        "keys": ", ".join(k["key"] for k in block["keys"]),
        "zones": block["zones"],
        "ports": block["ports"],
        "source": block["source"],
        "stub_domain": block["stub_domain"],
        "forward": [f"{f['from']} → {' '.join(f['to'])}" for f in block["forward"]],
        "cache_ttl": block["cache_ttl"],
        "kubernetes": block["kubernetes"],
        "written_order": written,
        "chain": chain,
        "setup": setup,
        "unresolved_imports": block["unresolved_imports"],
        "order_differs": bool(notes),
    }


def corefile_model(text: str, source: str = "pasted text") -> dict[str, Any]:
    model: dict[str, Any] = {
        "source": source,
        "coredns_version": "",
        "configmaps": [],
        "blocks": [],
        "notes": [],
        "missing": "",
    }
    if not text.strip():
        model["missing"] = "No Corefile: the coredns ConfigMap is not in kube-system."
        return model
    try:
        report = corefile_report(text)
    except (CorefileError, ValueError) as error:
        model["missing"] = f"This is not a Corefile CoreDNS could read: {error}"
        return model
    model["coredns_version"] = report["coredns_version"]
    model["configmaps"] = report["configmaps"]
    model["blocks"] = [_block(b) for b in report["server_blocks"]]
    model["notes"] += [
        f"import {pattern}: server blocks in files not given here"
        for pattern in report["unresolved_imports"]
    ]
    model["notes"] += [
        f"{path}: plugin lines no server block imports here" for path in report["loose_overrides"]
    ]
    if not model["blocks"]:
        model["missing"] = "No server block found in this text."
    return model


def corefile_chain(state: ClusterState) -> dict[str, Any]:
    """The model of the cluster's coredns ConfigMap (and AKS's coredns-custom)."""
    found = [cm for name in CONFIGMAPS if (cm := state.get("ConfigMap", "kube-system", name))]
    if not found:
        return corefile_model("", "ConfigMap kube-system/coredns")
    listing = {"kind": "List", "items": found}
    names = ", ".join(f"kube-system/{cm['metadata']['name']}" for cm in found)
    return corefile_model(orjson.dumps(listing).decode(), f"ConfigMap {names}")


def _build(state: ClusterState, params: Params, memo: Any) -> dict[str, Any]:
    return corefile_chain(state)


VIEW = View(name="corefile", build=_build, kinds=frozenset({"ConfigMap"}))
