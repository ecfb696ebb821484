"""Which proxy mode each node runs — iptables, nftables, IPVS, or none (no kube-proxy, e.g. an
eBPF dataplane that replaces it) — with the evidence for it:

- kube-proxy's configuration: a `KubeProxyConfiguration` in a kube-system ConfigMap (`mode:`;
  empty means iptables on Linux), the DaemonSet's `--proxy-mode` flag (ignored by kube-proxy when
  `--config` is given);
- whether a kube-proxy pod runs on the node, and whether Cilium says it replaces kube-proxy;
- what the node itself shows, which wins: KUBE-SERVICES in its iptables-save (KUBE-CLUSTER-IP
  ipsets mean IPVS), `table ip kube-proxy` in its nft ruleset, virtual services in ipvsadm.

"unknown" when nothing tells. Pure: plain dicts and the node's fact texts in, dicts out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

import yaml

from explorer.collectors.iptables.ipvs import NotIpvsadm, parse_ipvsadm
from explorer.collectors.nft import NotNftables
from explorer.collectors.nft import parse as parse_nft
from explorer.collectors.nft.services import kube_proxy_tables
from explorer.lib.objects import meta_of, template_spec_of

IPTABLES, NFTABLES, IPVS, NONE, UNKNOWN = "iptables", "nftables", "ipvs", "none", "unknown"
# Node facts (explorer.state.node_facts) that carry a dataplane's rules.
IPTABLES_FACT, NFT_FACT, IPVSADM_FACT = "iptables-save", "nft", "ipvsadm"
_DATA_FACT = {IPTABLES: IPTABLES_FACT, NFTABLES: NFT_FACT, IPVS: IPVSADM_FACT}
_MODES = {"iptables": IPTABLES, "nftables": NFTABLES, "ipvs": IPVS, "kernelspace": UNKNOWN}
_FLAG = re.compile(r"^--proxy-mode(?:=(\S*))?$")


class Evidence(TypedDict):
    source: str  # "config", "daemonset", "pods", "node facts", "cilium"
    says: str
    mode: str | None  # the mode it points to, None when it only informs


class ProxyMode(TypedDict):
    node: str
    mode: str  # iptables, nftables, ipvs, none, unknown
    readable: bool  # the explorer can analyse this mode's rules (IPVS needs ipvsadm data)
    data: str | None  # the node fact holding the rules, when collected
    evidence: list[Evidence]
    summary: str


def _evidence(source: str, says: str, mode: str | None = None) -> Evidence:
    return {"source": source, "says": says, "mode": mode}


def configured_mode(config_maps: Iterable[dict], daemon_sets: Iterable[dict]) -> list[Evidence]:
    """What kube-proxy's configuration asks for (kube-system ConfigMaps and DaemonSets)."""
    found: list[Evidence] = []
    uses_config_file = False
    for daemon_set in daemon_sets:
        meta = meta_of(daemon_set)
        if not (meta.get("name") or "").startswith("kube-proxy"):
            continue
        pod_spec = template_spec_of(daemon_set)
        for container in pod_spec.get("containers") or ():
            words = [*(container.get("command") or ()), *(container.get("args") or ())]
            uses_config_file |= any(w.startswith("--config") for w in words)
            mode = _flag_mode(words)
            if mode is not None:
                ignored = " (ignored: --config is given too)" if uses_config_file else ""
                found.append(
                    _evidence(
                        "daemonset",
                        f"DaemonSet {meta.get('namespace')}/{meta['name']} passes "
                        f"--proxy-mode={mode}{ignored}",
                        None if ignored else _MODES.get(mode or "iptables", UNKNOWN),
                    )
                )
    for config_map in config_maps:
        meta = meta_of(config_map)
        for key, text in (config_map.get("data") or {}).items():
            if not isinstance(text, str) or "KubeProxyConfiguration" not in text:
                continue
            mode = _config_mode(text)
            if mode is None:
                continue
            shown = mode or '"" (the default: iptables)'
            found.append(
                _evidence(
                    "config",
                    f"ConfigMap {meta.get('namespace')}/{meta.get('name')} {key}: mode: {shown}",
                    _MODES.get(mode or "iptables", UNKNOWN),
                )
            )
    return found


def _flag_mode(words: list[str]) -> str | None:
    for index, word in enumerate(words):
        matched = _FLAG.match(word)
        if matched:
            value = matched.group(1)
            if value is None and index + 1 < len(words):
                value = words[index + 1]
            return (value or "").strip().lower()
    return None


def _config_mode(text: str) -> str | None:
    try:
        config = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):  # PyYAML builds nested values by recursion
        return None
    if not isinstance(config, dict):
        return None
    return str(config.get("mode") or "").strip().lower()


def facts_mode(facts: Mapping[str, Any]) -> list[Evidence]:
    """What the node's own rules show (iptables-save, nft, ipvsadm facts)."""
    found: list[Evidence] = []
    saved = facts.get(IPTABLES_FACT)
    if isinstance(saved, str) and saved.strip():
        if "KUBE-CLUSTER-IP" in saved:
            found.append(_evidence("node facts", "iptables-save matches KUBE-CLUSTER-IP", IPVS))
        elif ":KUBE-SERVICES " in saved or "-A KUBE-SERVICES " in saved:
            found.append(_evidence("node facts", "iptables-save has KUBE-SERVICES", IPTABLES))
        else:
            found.append(_evidence("node facts", "iptables-save has no kube-proxy chains"))
    ruleset = facts.get(NFT_FACT)
    if isinstance(ruleset, str) and ruleset.strip():
        found.append(_nft_evidence(ruleset))
    ipvs = facts.get(IPVSADM_FACT)
    if isinstance(ipvs, str) and ipvs.strip():
        try:
            count = len(parse_ipvsadm(ipvs))
            found.append(_evidence("node facts", f"ipvsadm lists {count} virtual services", IPVS))
        except NotIpvsadm:
            found.append(_evidence("node facts", "ipvsadm lists no virtual service"))
    return found


def _nft_evidence(text: str) -> Evidence:
    try:
        parsed = parse_nft(text)
    except (NotNftables, ValueError):
        return _evidence("node facts", "the nft ruleset could not be read")
    tables = kube_proxy_tables(parsed)
    if tables:
        names = ", ".join(f"table {t.family} {t.name}" for t in tables)
        return _evidence("node facts", f"nft ruleset has {names}", NFTABLES)
    for table in parsed.tables:
        if "KUBE-SERVICES" in table.chains:
            return _evidence(
                "node facts",
                f"nft ruleset has iptables-nft's KUBE-SERVICES in table {table.family} "
                f"{table.name}",
                IPTABLES,
            )
    return _evidence("node facts", "nft ruleset has no kube-proxy table")


def _is_kube_proxy(pod: dict) -> bool:
    meta = meta_of(pod)
    labels = meta.get("labels") or {}
    return (
        labels.get("k8s-app") == "kube-proxy"
        or labels.get("component") == "kube-proxy"
        or (
            meta.get("namespace") == "kube-system"
            and meta.get("name", "").startswith("kube-proxy-")
        )
    )


def _replacement(config_maps: Iterable[dict]) -> Evidence | None:
    for config_map in config_maps:
        data = config_map.get("data") or {}
        setting = str(data.get("kube-proxy-replacement", "")).lower()
        if setting in ("true", "strict"):
            name = meta_of(config_map).get("name")
            return _evidence("cilium", f"ConfigMap {name}: kube-proxy-replacement: {setting}", NONE)
    return None


def node_mode(
    node: str,
    configured: list[Evidence],
    pods_on_node: list[dict] | None,
    facts: Mapping[str, Any],
    replacement: Evidence | None = None,
) -> ProxyMode:
    """One node's mode. `pods_on_node` None: the node's pods are not known."""
    shown = facts_mode(facts)
    evidence = [*shown, *configured]
    has_pod: bool | None = None
    if pods_on_node is not None:
        proxies = [p for p in pods_on_node if _is_kube_proxy(p)]
        has_pod = bool(proxies)
        says = (
            f"kube-proxy pod {proxies[0]['metadata']['name']} runs on this node"
            if proxies
            else "no kube-proxy pod runs on this node"
        )
        evidence.append(_evidence("pods", says, None if proxies else NONE))
    if replacement is not None:
        evidence.append(replacement)
    node_modes = [e["mode"] for e in shown if e["mode"]]
    config_modes = [e["mode"] for e in configured if e["mode"]]
    if node_modes:
        mode = _prefer(node_modes, config_modes)
        why = "the node's own rules"
    elif has_pod and config_modes:
        mode, why = config_modes[-1], "kube-proxy's configuration (the node's rules not collected)"
    elif has_pod:
        mode, why = IPTABLES, "kube-proxy runs here with no mode set: iptables is the default"
    elif has_pod is False:
        mode = NONE
        why = "no kube-proxy pod here" + (" and Cilium replaces it" if replacement else "")
    else:
        mode, why = UNKNOWN, "nothing tells: no node facts, pods not known"
    data = _DATA_FACT.get(mode)
    collected = data if data and isinstance(facts.get(data), str) and facts[data].strip() else None
    return {
        "node": node,
        "mode": mode,
        "readable": mode in (IPTABLES, NFTABLES) or (mode == IPVS and collected is not None),
        "data": collected,
        "evidence": evidence,
        "summary": f"{mode}, from {why}",
    }


def _prefer(node_modes: list[str], config_modes: list[str]) -> str:
    """Several dataplanes showing (old rules left behind): the configured one, else the first."""
    for mode in config_modes:
        if mode in node_modes:
            return mode
    return node_modes[0]


def proxy_modes(
    nodes: Iterable[str],
    pods_by_node: Mapping[str, list[dict]] | None,
    config_maps: list[dict],
    daemon_sets: list[dict],
    node_facts: Mapping[str, Mapping[str, Any]],
) -> list[ProxyMode]:
    """Every node's mode; config maps and daemon sets are kube-system's."""
    configured = configured_mode(config_maps, daemon_sets)
    replacement = _replacement(config_maps)
    return [
        node_mode(
            name,
            configured,
            None if pods_by_node is None else list(pods_by_node.get(name, [])),
            node_facts.get(name) or {},
            replacement,
        )
        for name in nodes
    ]
