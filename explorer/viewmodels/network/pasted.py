"""Text pasted or uploaded from any machine: what kind it is, and the network views built from it
instead of from a cluster's state.

Kinds: `iptables` (iptables-save / ip6tables-save, with or without counters, or an `iptables -L`
listing: `-n`, `-v`, `--line-numbers`), `nft` (`nft list` text or `nft -j` JSON), `ipvs`
(`ipvsadm -Ln`), `corefile` (a Corefile, or the coredns ConfigMap as YAML or JSON) and `resolv`
(a resolv.conf). `detect_kind` guesses from the text's shape;
`analyse` parses it as the kind given and returns the models the pages draw. The text is only
parsed: nothing here runs it or keeps it.
"""

from __future__ import annotations

import re
from typing import Any

from explorer.collectors.dns.report import render_resolv, resolv_report
from explorer.collectors.iptables.ipvs import parse_ipvsadm, render_ipvs
from explorer.collectors.iptables.listing import looks_like_listing
from explorer.collectors.kubeproxy.node_rules import analyse_iptables, analyse_nft

from .chain_browser import browser_model
from .corefile import corefile_model
from .service_chain import chain_model

KINDS = {
    "iptables": "iptables-save or ip6tables-save output, or an iptables -L listing",
    "nft": "nft list ruleset text, or nft -j list ruleset JSON",
    "ipvs": "ipvsadm -Ln output",
    "corefile": "a Corefile, or the coredns ConfigMap (YAML or JSON)",
    "resolv": "a resolv.conf",
}
MAX_PORTS_PASTED = 300  # Service ports drawn from pasted text (the page filters by Service)


class NotThatKind(ValueError):
    """The text is not of the kind asked for (or none could be recognised); str() says why."""


_IPTABLES = re.compile(
    r"^(?:\*(?:nat|filter|mangle|raw|security)\s*$|:[A-Za-z0-9_-]+ \S+ \[|-A \S)", re.M
)
_NFT_TEXT = re.compile(r"^\s*table (?:ip|ip6|inet|arp|bridge|netdev) \S+ \{", re.M)
_IPVS = re.compile(r"^IP Virtual Server version|^(?:TCP|UDP|SCTP)\s+\S+:\d+ \w+", re.M)
_CONFIGMAP = re.compile(r"^\s*(?:kind:\s*(?:ConfigMap|List)|Corefile:)", re.M)
_SERVER_BLOCK = re.compile(
    r"^\s*(?:[a-z]+://)?[\w.\-:\[\]/]*(?::\d+)?\s*(?:,\s*\S+\s*)*\{\s*$", re.M
)
_RESOLV = re.compile(r"^\s*(?:nameserver|search|domain|options|sortlist)\s", re.M)


def detect_kind(text: str) -> str | None:
    """The kind `text` looks like, or None."""
    head = text[:200_000]
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        if '"nftables"' in head:
            return "nft"
        if '"Corefile"' in head or '"ConfigMap"' in head:
            return "corefile"
        return None
    if _IPTABLES.search(head) or looks_like_listing(head):
        return "iptables"
    if _NFT_TEXT.search(head):
        return "nft"
    if _IPVS.search(head):
        return "ipvs"
    if _CONFIGMAP.search(head) or _SERVER_BLOCK.search(head):
        return "corefile"
    if _RESOLV.search(head):
        return "resolv"
    return None


def _iptables(text: str) -> dict[str, Any]:
    analysis = analyse_iptables(text)
    if not any(t.chains for t in analysis.iptables.tables.values()):  # type: ignore[union-attr]
        raise NotThatKind("no chain or rule found")
    return _rules_models(analysis, analysis.iptables)


def _nft(text: str) -> dict[str, Any]:
    analysis = analyse_nft(text)
    return _rules_models(analysis, analysis.nft)


def _rules_models(analysis: Any, ruleset: Any) -> dict[str, Any]:
    source = {"pasted": True, "fact": analysis.kind}
    return {
        "service_chains": chain_model(analysis, source=source, limit=MAX_PORTS_PASTED),
        "chain_browser": browser_model(ruleset, source),
    }


def _ipvs(text: str) -> dict[str, Any]:
    services = parse_ipvsadm(text)
    if not services:
        raise NotThatKind("no virtual service found")
    return {"ipvs": {"text": render_ipvs(services), "count": len(services)}}


def _corefile(text: str) -> dict[str, Any]:
    model = corefile_model(text)
    if model["missing"]:
        raise NotThatKind(model["missing"])
    return {"corefile": model}


def _resolv(text: str) -> dict[str, Any]:
    report = resolv_report(text)
    if not (report["nameservers"] or report["search"] or report["options"]):
        raise NotThatKind("no nameserver, search or options line found")
    return {"resolv": {"report": report, "text": render_resolv(report)}}


_ANALYSES = {
    "iptables": _iptables,
    "nft": _nft,
    "ipvs": _ipvs,
    "corefile": _corefile,
    "resolv": _resolv,
}


def analyse(text: str, kind: str) -> dict[str, Any]:
    """The models for `text` read as `kind` ("auto": detected). Raises NotThatKind."""
    if kind == "auto":
        found = detect_kind(text)
        if found is None:
            raise NotThatKind(
                "This text does not look like any of: " + "; ".join(KINDS.values()) + "."
            )
        kind = found
    if kind not in _ANALYSES:
        raise NotThatKind(f"Unknown kind {kind[:40]!r}.")
    try:
        models = _ANALYSES[kind](text)
    except NotThatKind as error:
        raise NotThatKind(f"This is not {KINDS[kind]}: {error}.") from None
    except ValueError as error:  # every parser's "not my format"
        raise NotThatKind(f"This is not {KINDS[kind]}: {error}".replace("\n", " ")) from None
    return {"kind": kind, "what": KINDS[kind], **models}
