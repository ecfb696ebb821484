"""A query's way through CoreDNS, computed: the server block for its name, then the block's
plugins in plugin.cfg order — `rewrite`, `template`, `hosts` (inline entries), `kubernetes`,
`forward`/`grpc` — each answering, passing on, or changing the name. Plugins that do not
change which answer is given (log, cache, errors, loadbalance, …) are listed as passed."""

from __future__ import annotations

import re

from .answers import FORWARDED, Answer, Record, address_family_type
from .corefile import Corefile, Directive, ServerBlock, fqdn, in_zone
from .kubernetes_plugin import FALLTHROUGH, ClusterIndex, KubernetesPlugin, options_from
from .plugins import execution_chain

# kubeadm's Corefile, for a cluster whose coredns ConfigMap cannot be read.
DEFAULT_COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
"""
MAX_CNAME_HOPS = 8


def cluster_domain(corefile: Corefile) -> str:
    """The first forward zone of the first kubernetes plugin (cluster.local if none)."""
    for block in corefile.blocks:
        for directive in block.plugins("kubernetes"):
            for zone in directive.args or block.zones:
                if not fqdn(zone).endswith(".arpa.") and zone != ".":
                    return fqdn(zone).rstrip(".")
    return "cluster.local"


class ServerModel:
    def __init__(
        self, corefile: Corefile, index: ClusterIndex, resolv_conf_upstreams: list[str]
    ) -> None:
        self.corefile = corefile
        self.index = index
        # what `forward . /etc/resolv.conf` means: the CoreDNS pod's own nameservers
        self.resolv_conf_upstreams = resolv_conf_upstreams

    def answer(self, qname: str, qtype: str, hops: int = 0) -> Answer:
        qname = fqdn(qname)
        block = self.corefile.server_for(qname)
        if block is None:
            return Answer("REFUSED", note=f"no server block serves {qname}", by="(none)")
        keys = ", ".join(k.text for k in block.keys)
        steps = [f"server block {keys}"]
        asked = qname
        for link in execution_chain(block):
            if not link.in_query_path:
                continue
            directive = link.plugin
            said = len(steps)
            result = self._plugin(directive, block, asked, qtype, steps)
            if isinstance(result, str):
                asked = result
                continue
            if result is None:
                if len(steps) == said:
                    steps.append(f"{directive.name}: passes the query on")
                continue
            if asked != qname:  # rewrite puts the asked name back into the answer
                result.records = [
                    Record(qname if r.name == asked else r.name, r.type, r.ttl, r.value)
                    for r in result.records
                ]
            result.steps = [*steps, f"{result.by}: {result.note}"]
            return self._follow_cname(result, qtype, hops)
        return Answer("NXDOMAIN", note="no plugin of the block answered", steps=steps, by="")

    def _follow_cname(self, answer: Answer, qtype: str, hops: int) -> Answer:
        """CoreDNS resolves a CNAME target through its own chain and adds what it gets."""
        cnames = [r for r in answer.records if r.type == "CNAME"]
        if not cnames or qtype == "CNAME" or hops >= MAX_CNAME_HOPS:
            return answer
        target = self.answer(cnames[-1].value, qtype, hops + 1)
        if target.rcode == FORWARDED:
            answer.forwarded_to = target.forwarded_to
            answer.note += f"; {cnames[-1].value} is looked up upstream"
            return answer
        answer.records += target.records
        answer.pods += target.pods
        answer.steps.append(f"CNAME target {cnames[-1].value}: {target.note}")
        return answer

    def _plugin(
        self, directive: Directive, block: ServerBlock, qname: str, qtype: str, steps: list[str]
    ) -> Answer | str | None:
        name = directive.name
        if name == "rewrite":
            rewritten = rewrite_name(directive, qname)
            if rewritten and rewritten != qname:
                steps.append(f"rewrite: {qname} becomes {rewritten}")
                return rewritten
            return None
        if name == "template":
            return template_answer(directive, block, qname, qtype)
        if name == "hosts":
            return hosts_answer(directive, block, qname, qtype, steps)
        if name == "kubernetes":
            plugin = KubernetesPlugin(self.index, options_from(directive, block.zones))
            result = plugin.serve(qname, qtype)
            if result == FALLTHROUGH:
                steps.append("kubernetes: not its name (or falls through)")
                return None
            assert isinstance(result, Answer)
            return result
        if name in ("forward", "grpc"):
            return self._forward(directive, qname)
        if name in ("file", "auto", "secondary", "etcd", "route53", "azure", "clouddns"):
            steps.append(f"{name}: may answer from its own data (not read here)")
        return None

    def _forward(self, directive: Directive, qname: str) -> Answer | None:
        origin = directive.args[0] if directive.args else "."
        excepted = [a for sub in directive.sub("except") for a in sub.args]
        if not in_zone(qname, origin) or any(in_zone(qname, z) for z in excepted):
            return None
        upstreams: list[str] = []
        for target in directive.args[1:]:
            if target.endswith("resolv.conf") and self.resolv_conf_upstreams:
                upstreams += self.resolv_conf_upstreams
            else:
                upstreams.append(target)
        where = " ".join(directive.args[1:])
        note = f"forwarded to {' '.join(upstreams)}"
        if upstreams != directive.args[1:]:
            note += f" ({where}: the CoreDNS pod's nameservers)"
        return Answer(FORWARDED, note=note, by=directive.name, forwarded_to=upstreams)


# ---- rewrite, template, hosts (the simple forms) --------------------------------------


def _go_replacement(text: str) -> str:
    return re.sub(r"\{(\d+)\}", r"\\\1", text)


def rewrite_name(directive: Directive, qname: str) -> str | None:
    args = list(directive.args)
    if args and args[0] in ("stop", "continue"):
        args = args[1:]
    if not args or args[0] != "name" or len(args) < 3:
        return None
    args = args[1:]
    mode = args[0] if args[0] in ("exact", "prefix", "suffix", "substring", "regex") else "exact"
    if args[0] == mode:
        args = args[1:]
    if len(args) < 2:
        return None
    source, target = args[0], args[1]
    if mode == "exact":
        return fqdn(target) if fqdn(source) == qname else None
    if mode == "prefix":
        return target + qname[len(source) :] if qname.startswith(source) else None
    if mode == "suffix":
        src = source if source.endswith(".") else source + "."
        dst = target if target.endswith(".") else target + "."
        return qname[: -len(src)] + dst if qname.endswith(src) else None
    if mode == "substring":
        return qname.replace(source, target, 1) if source in qname else None
    try:
        match = re.match(source, qname) or re.match(source, qname.rstrip("."))
    except re.error:
        return None
    return fqdn(match.expand(_go_replacement(target))) if match else None


_TEMPLATE_FIELD = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def _fill(template: str, qname: str, qtype: str, zone: str, match: re.Match) -> str:
    def value(m: re.Match) -> str:
        expr = m.group(1)
        if expr == ".Name":
            return qname
        if expr == ".Zone":
            return zone
        if expr == ".Type":
            return qtype
        if expr == ".Class":
            return "IN"
        if expr.startswith("index .Match "):
            return match.group(int(expr.rsplit(" ", 1)[1]))
        if expr.startswith(".Group."):
            return match.group(expr.removeprefix(".Group."))
        return m.group(0)

    return _TEMPLATE_FIELD.sub(value, template)


def _parse_rr(text: str) -> Record | None:
    parts = text.split()
    if len(parts) >= 5 and parts[1].isdigit() and parts[2].upper() == "IN":
        return Record(fqdn(parts[0]), parts[3].upper(), int(parts[1]), " ".join(parts[4:]))
    if len(parts) >= 4 and parts[1].upper() == "IN":
        return Record(fqdn(parts[0]), parts[2].upper(), 60, " ".join(parts[3:]))
    return None


def template_answer(
    directive: Directive, block: ServerBlock, qname: str, qtype: str
) -> Answer | None:
    args = directive.args
    klass, rtype = ([*args, "ANY", "ANY"])[:2]
    zones = [fqdn(z) for z in args[2:]] or block.zones
    if klass.upper() not in ("IN", "ANY") or rtype.upper() not in (qtype, "ANY"):
        return None
    zone = next((z for z in zones if in_zone(qname, z)), None)
    if zone is None:
        return None
    patterns = [p for sub in directive.sub("match") for p in sub.args] or [".*"]
    match = None
    for pattern in patterns:
        try:
            match = re.search(pattern, qname)
        except re.error:
            continue
        if match:
            break
    falls = directive.sub("fallthrough")
    if match is None:
        if falls:
            return None
        return Answer("NXDOMAIN", by="template", note="no template regex matches")
    records = []
    for sub in directive.sub("answer"):
        record = _parse_rr(_fill(" ".join(sub.args), qname, qtype, zone, match))
        if record:
            records.append(record)
    rcode = (directive.sub("rcode") or [Directive("rcode", ["NOERROR"])])[0].args[0].upper()
    return Answer(rcode, records, by="template", note=f"template {' '.join(args)} matched")


def hosts_answer(
    directive: Directive, block: ServerBlock, qname: str, qtype: str, steps: list[str]
) -> Answer | None:
    path = directive.args[0] if directive.args else "/etc/hosts"
    zones = [fqdn(z) for z in directive.args[1:]] or block.zones
    if not any(in_zone(qname, z) for z in zones):
        return None
    entries: dict[str, list[str]] = {}
    for sub in directive.block:
        if sub.name in ("fallthrough", "ttl", "reload", "no_reverse"):
            continue
        for host in sub.args:
            entries.setdefault(fqdn(host), []).append(sub.name)
    ttl_lines = directive.sub("ttl")
    ttl = int(ttl_lines[0].args[0]) if ttl_lines and ttl_lines[0].args else 3600
    if qname in entries:
        found = [ip for ip in entries[qname] if _is_ip(ip) and address_family_type(ip) == qtype]
        return Answer(
            "NOERROR",
            [Record(qname, qtype, ttl, ip) for ip in found],
            by="hosts",
            note=f"an inline hosts entry for {qname}",
        )
    fall = directive.sub("fallthrough")
    if fall and (not fall[0].args or any(in_zone(qname, z) for z in fall[0].args)):
        steps.append(f"hosts: no inline entry ({path} not read here); falls through")
        return None
    return Answer("NXDOMAIN", by="hosts", note=f"not in hosts (nor, presumably, in {path})")


def _is_ip(text: str) -> bool:
    try:
        address_family_type(text)
    except ValueError:
        return False
    return True
