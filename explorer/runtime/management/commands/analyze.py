"""`manage.py analyze iptables|nft|ipvs|corefile|resolv|cgroups FILE [--json]`: the explorer's
analysis of a text saved on any machine (`-` reads stdin).

- iptables: `iptables-save` / `ip6tables-save` output (with or without -c), or an
  `iptables -L` listing (`-n`, `-v`, `--line-numbers`) → every Service port kube-proxy
  programmed, its chains and each endpoint's share of new connections, and the per-service
  chains left over from none;
- nft: `nft list ruleset` text or `nft -j list ruleset` JSON (kube-proxy's nftables mode);
- ipvs: `ipvsadm -Ln` (kube-proxy's IPVS mode);
- corefile, resolv: a Corefile (or the coredns ConfigMap) and a resolv.conf;
- cgroups: systemd-cgls, a find/ls -R listing of /sys/fs/cgroup, /proc/<pid>/cgroup or
  kubelet /metrics/cadvisor (detected) → the kubepods tree: pods (uid, qos, path) and their
  containers (see explorer.collectors.cgroups.report).

`--json` prints the machine-readable form; for iptables and nft an object with `services` and
`tables` (see explorer.collectors.iptables.report). A file that cannot be read, or is not of the
kind named, is one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser

Analysis = tuple[Any, str]  # (the --json document, the readable text)


def _iptables(text: str) -> Analysis:
    from explorer.collectors import iptables
    from explorer.collectors.iptables.report import contract, render_text

    ruleset = iptables.read_rules(text)
    if not any(t.chains for t in ruleset.tables.values()):
        raise iptables.NotIptablesSave("no chain or rule found")
    found = iptables.read_services(ruleset)
    summary = ruleset.summary()
    return (
        contract(found.ports, summary, found.leftovers),
        render_text(summary, found.ports, found.leftovers),
    )


def _nft(text: str) -> Analysis:
    from explorer.collectors import nft
    from explorer.collectors.iptables.report import contract, render_text

    ruleset = nft.parse(text)
    ports = nft.service_ports(ruleset)
    summary = ruleset.summary()
    return contract(ports, summary), render_text(summary, ports)


def _ipvs(text: str) -> Analysis:
    from explorer.collectors.iptables.ipvs import parse_ipvsadm, render_ipvs

    services = parse_ipvsadm(text)
    return {"virtual_services": services}, render_ipvs(services)


def _dns(kind: str) -> Callable[[str], Analysis]:
    def analyse(text: str) -> Analysis:
        try:
            from explorer.collectors.dns import report
        except ImportError:
            raise CommandError(
                f"analyze {kind}: not available yet (explorer.collectors.dns.report is missing)",
                returncode=2,
            ) from None
        if kind == "corefile":
            found = report.corefile_report(text)
            return found, report.render_corefile(found)
        found = report.resolv_report(text)
        return found, report.render_resolv(found)

    return analyse


def _cgroups(text: str) -> Analysis:
    from explorer.collectors.cgroups.report import cgroups_report, render_cgroups

    found = cgroups_report(text)
    return found, render_cgroups(found)


ANALYSES: dict[str, tuple[str, Callable[[str], Analysis]]] = {
    "iptables": ("iptables-save output or an iptables -L listing", _iptables),
    "nft": ("nft list ruleset text or nft -j list ruleset JSON", _nft),
    "ipvs": ("ipvsadm -Ln output", _ipvs),
    "corefile": ("a Corefile or the coredns ConfigMap", _dns("corefile")),
    "resolv": ("a resolv.conf", _dns("resolv")),
    "cgroups": (
        "systemd-cgls output, a find/ls -R listing of /sys/fs/cgroup, /proc/<pid>/cgroup "
        "or kubelet /metrics/cadvisor text",
        _cgroups,
    ),
}


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandError(f"cannot read {path}: {reason}", returncode=2) from None


class Command(BaseCommand):
    help = "Analyse a saved iptables, nft, ipvsadm, Corefile, resolv.conf or cgroup text."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for kind, (what, _) in ANALYSES.items():
            sub = kinds.add_parser(kind, help=f"analyse {what}")
            sub.add_argument("file", help=f"{what} (- for stdin)")
            sub.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: object, **options: Any) -> None:
        kind: str = options["kind"]
        what, analyse = ANALYSES[kind]
        text = _read(options["file"])
        try:
            document, readable = analyse(text)
        except CommandError:
            raise
        except ValueError as error:  # every parser's "this is not my format" is a ValueError
            raise CommandError(
                f"{options['file']} is not {what}: {error}".replace("\n", " "), returncode=2
            ) from None
        if options["json"]:
            self.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
        else:
            self.stdout.write(readable, ending="")
