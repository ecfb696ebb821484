"""Ways to make a node's iptables-save disagree with the cluster, for the drift tests."""

from __future__ import annotations

import re

from explorer.lib import kubeproxy


def web_endpoint_chains(text: str) -> list[tuple[str, str]]:
    """(jump rule, KUBE-SEP chain) of shop/web:http's KUBE-SVC chain, in rule order."""
    svc = kubeproxy.service_chain("shop/web:http", "tcp")
    return [
        (line, line.rsplit(" -j ", 1)[1])
        for line in text.splitlines()
        if line.startswith(f"-A {svc} ") and " -j KUBE-SEP-" in line
    ]


def without_chain_lines(text: str, *patterns: str) -> str:
    """The text without the lines that declare, or add a rule to, a chain matching a pattern."""
    wanted = [re.compile(p) for p in patterns]
    kept = []
    for line in text.splitlines():
        name = line[1:].split(" ", 1)[0] if line.startswith(":") else ""
        if line.startswith("-A "):
            name = line.split(" ", 2)[1]
        if name and any(p.fullmatch(name) for p in wanted):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def without_lines(text: str, *lines: str) -> str:
    return "\n".join(line for line in text.splitlines() if line not in lines) + "\n"
