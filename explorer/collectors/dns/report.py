"""JSON-ready reports of a Corefile (or CoreDNS ConfigMap) and of a resolv.conf, and their text
form, for `manage.py analyze corefile|resolv FILE [--json]` and the pages."""

from __future__ import annotations

from typing import TypedDict

from .configmap import parse_source
from .corefile import Directive, ServerBlock
from .kubernetes_plugin import options_from
from .plugins import COREDNS_VERSION, execution_chain
from .resolv import MAXNS, parse_resolv


class PluginReport(TypedDict):
    name: str
    args: list[str]
    block: list[PluginReport]
    line: int
    source: str


class ChainReport(TypedDict):
    position: int
    plugin: str
    args: list[str]
    in_query_path: bool
    known: bool
    what_it_does: str


class KeyReport(TypedDict):
    key: str
    scheme: str
    zone: str
    port: str
    cidr: str


class ServerBlockReport(TypedDict):
    keys: list[KeyReport]
    zones: list[str]
    ports: list[str]
    source: str
    plugins: list[PluginReport]
    chain: list[ChainReport]
    unresolved_imports: list[str]
    forward: list[dict]
    cache_ttl: int | None
    kubernetes: dict | None
    stub_domain: bool


class CorefileReport(TypedDict):
    coredns_version: str
    configmaps: list[str]
    server_blocks: list[ServerBlockReport]
    unresolved_imports: list[str]
    loose_overrides: dict[str, list[PluginReport]]


def _plugin(directive: Directive) -> PluginReport:
    return {
        "name": directive.name,
        "args": list(directive.args),
        "block": [_plugin(sub) for sub in directive.block],
        "line": directive.line,
        "source": directive.source,
    }


def _forward(block: ServerBlock) -> list[dict]:
    out = []
    for directive in block.plugins("forward"):
        options = {sub.name: sub.args for sub in directive.block}
        out.append(
            {
                "from": directive.args[0] if directive.args else ".",
                "to": directive.args[1:],
                "except": options.get("except", []),
                "options": options,
            }
        )
    return out


def _cache_ttl(block: ServerBlock) -> int | None:
    for directive in block.plugins("cache"):
        if directive.args and directive.args[0].isdigit():
            return int(directive.args[0])
        return 3600  # cache's default maximum TTL
    return None


def _kubernetes(directive: Directive, block_zones: list[str]) -> dict:
    opts = options_from(directive, block_zones)
    return {
        "zones": [z.rstrip(".") or "." for z in opts.zones],
        "pods": opts.pods,
        "fallthrough": None
        if opts.fallthrough is None
        else [z.rstrip(".") for z in opts.fallthrough] or ["."],
        "ttl": opts.ttl,
        "endpoint_pod_names": opts.endpoint_pod_names,
        "options": {sub.name: sub.args for sub in directive.block},
    }


def _server_block(block: ServerBlock) -> ServerBlockReport:
    kube = block.plugins("kubernetes")
    chain: list[ChainReport] = [
        {
            "position": link.position,
            "plugin": link.plugin.name,
            "args": list(link.plugin.args),
            "in_query_path": link.in_query_path,
            "known": link.known,
            "what_it_does": link.what_it_does,
        }
        for link in execution_chain(block)
    ]
    return {
        "keys": [
            {"key": k.text, "scheme": k.scheme, "zone": k.zone, "port": k.port, "cidr": k.cidr}
            for k in block.keys
        ],
        "zones": block.zones,
        "ports": sorted({k.port for k in block.keys}),
        "source": block.source,
        "plugins": [_plugin(d) for d in block.directives],
        "chain": chain,
        "unresolved_imports": list(block.unresolved_imports),
        "forward": _forward(block),
        "cache_ttl": _cache_ttl(block),
        "kubernetes": _kubernetes(kube[0], block.zones) if kube else None,
        "stub_domain": "." not in block.zones and bool(block.plugins("forward")),
    }


def corefile_report(text: str) -> CorefileReport:
    """Parse a Corefile or a CoreDNS ConfigMap (YAML or JSON) into a report."""
    parsed = parse_source(text)
    return {
        "coredns_version": COREDNS_VERSION,
        "configmaps": parsed.source.configmaps,
        "server_blocks": [_server_block(b) for b in parsed.corefile.blocks],
        "unresolved_imports": list(parsed.corefile.unresolved_imports),
        "loose_overrides": {
            path: [_plugin(d) for d in directives]
            for path, directives in parsed.loose_overrides.items()
        },
    }


def _plugin_line(plugin: PluginReport, indent: str) -> list[str]:
    head = " ".join([plugin["name"], *plugin["args"]])
    lines = [f"{indent}{head}" + (" {" if plugin["block"] else "")]
    for sub in plugin["block"]:
        lines += _plugin_line(sub, indent + "    ")
    if plugin["block"]:
        lines.append(f"{indent}}}")
    return lines


def render_corefile(report: CorefileReport) -> str:
    out: list[str] = []
    if report["configmaps"]:
        out.append("ConfigMaps: " + ", ".join(report["configmaps"]))
    for index, block in enumerate(report["server_blocks"], 1):
        keys = ", ".join(k["key"] for k in block["keys"])
        kind = " (stub domain)" if block["stub_domain"] else ""
        src = f" from {block['source']}" if block["source"] else ""
        out.append(f"Server block {index}: {keys}{kind}{src}")
        out.append(f"  zones: {' '.join(block['zones'])}   port: {' '.join(block['ports'])}")
        for fwd in block["forward"]:
            out.append(f"  forward {fwd['from']} -> {' '.join(fwd['to'])}")
        if block["cache_ttl"] is not None:
            out.append(f"  cache: up to {block['cache_ttl']} s")
        kube = block["kubernetes"]
        if kube:
            fall = " ".join(kube["fallthrough"]) if kube["fallthrough"] else "none"
            out.append(
                f"  kubernetes: zones {' '.join(kube['zones'])}; pods {kube['pods']}; "
                f"fallthrough {fall}; ttl {kube['ttl']}"
            )
        for pattern in block["unresolved_imports"]:
            out.append(f"  import {pattern}: not found here (files mounted next to the Corefile)")
        out.append(f"  A query passes, in CoreDNS {report['coredns_version']}'s plugin.cfg order:")
        for link in block["chain"]:
            if link["in_query_path"]:
                out.append(f"    {link['position']:>2}. {link['plugin']}: {link['what_it_does']}")
        setup = [link for link in block["chain"] if not link["in_query_path"]]
        if setup:
            out.append("  Not in the query's path (server set-up, or not in this build):")
            out += [f"      {link['plugin']}: {link['what_it_does']}" for link in setup]
    for pattern in report["unresolved_imports"]:
        out.append(f"import {pattern}: server blocks in files not given here")
    for path, plugins in report["loose_overrides"].items():
        out.append(f"{path} (plugin lines imported into the default server block):")
        for plugin in plugins:
            out += _plugin_line(plugin, "    ")
    return "\n".join(out) + "\n"


class ResolvReport(TypedDict):
    nameservers: list[str]
    used_nameservers: list[str]
    ignored_nameservers: list[str]
    search: list[str]
    search_from: str
    ndots: int
    timeout: int
    attempts: int
    flags: list[str]
    options: list[str]
    ignored_options: list[str]
    sortlist: list[str]
    unknown_lines: list[str]


def resolv_report(text: str) -> ResolvReport:
    conf = parse_resolv(text)
    return {
        "nameservers": conf.nameservers,
        "used_nameservers": conf.used_nameservers,
        "ignored_nameservers": conf.nameservers[MAXNS:] + conf.bad_nameservers,
        "search": conf.search,
        "search_from": conf.search_from,
        "ndots": conf.ndots,
        "timeout": conf.timeout,
        "attempts": conf.attempts,
        "flags": conf.flags,
        "options": conf.options,
        "ignored_options": conf.ignored_options,
        "sortlist": conf.sortlist,
        "unknown_lines": conf.unknown,
    }


def render_resolv(report: ResolvReport) -> str:
    out = [f"nameservers used (glibc asks the first, then the next on timeout; at most {MAXNS}):"]
    out += [f"  {server}" for server in report["used_nameservers"]] or ["  (none: 127.0.0.1)"]
    if report["ignored_nameservers"]:
        out.append("ignored nameservers: " + " ".join(report["ignored_nameservers"]))
    search = " ".join(report["search"]) or "(none)"
    came = f" (from the last '{report['search_from']}' line)" if report["search_from"] else ""
    out.append(f"search list{came}: {search}")
    out.append(
        f"ndots {report['ndots']}: a name with fewer dots is tried with each search suffix "
        "first, then as is; a name ending in a dot is never expanded"
    )
    out.append(f"timeout {report['timeout']} s, attempts {report['attempts']}")
    if report["flags"]:
        out.append("flags: " + " ".join(report["flags"]))
    if report["ignored_options"]:
        out.append("options glibc ignores: " + " ".join(report["ignored_options"]))
    for line in report["unknown_lines"]:
        out.append(f"ignored line: {line}")
    return "\n".join(out) + "\n"
