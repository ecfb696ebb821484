"""`manage.py analyze iptables|nft|ipvs|corefile|resolv|cgroups|etcd|events FILE [--json]` and
`manage.py analyze scheduling FILE [FILE ...] NAMESPACE/POD [--node N] [--config FILE] [--json]`:
the explorer's analysis of a text saved on any machine (`-` reads stdin).

- iptables: `iptables-save` / `ip6tables-save` output (with or without -c), or an
  `iptables -L` listing (`-n`, `-v`, `--line-numbers`) → every Service port kube-proxy
  programmed, its chains and each endpoint's share of new connections, and the per-service
  chains left over from none;
- nft: `nft list ruleset` text or `nft -j list ruleset` JSON (kube-proxy's nftables mode);
- ipvs: `ipvsadm -Ln` (kube-proxy's IPVS mode);
- corefile, resolv: a Corefile (or the coredns ConfigMap) and a resolv.conf;
- cgroups: systemd-cgls, a find/ls -R listing of /sys/fs/cgroup, /proc/<pid>/cgroup or
  kubelet /metrics/cadvisor (detected) → the kubepods tree: pods (uid, qos, path) and their
  containers (see explorer.collectors.cgroups.report);
- etcd: read as bytes (values and data files are binary), at most
  explorer.etcd.analysis.MAX_FILE_BYTES: an `etcdctl get --prefix --keys-only` listing (plain
  or `-w json`) → keys per resource and namespace, and the keys of no known resource;
  `etcdctl get KEY` output → each value decoded; an etcd data file → its keys with their
  revisions (see explorer.etcd.analysis for how the kinds are told apart);
- events: Events as kubectl prints them (an EventList in JSON or YAML, a whole `kubectl
  cluster-info dump`, or `kubectl describe`/`get events` text) → every FailedScheduling message
  parsed, one entry per distinct (pod, message) (explorer.collectors.scheduling.event_report);
- scheduling: a snapshot bundle or what kubectl prints (Lists in JSON or YAML, possibly in
  several files, a cluster-info dump) and a pod → kube-scheduler's verdicts per node and plugin,
  the message it would write and the feasible nodes' scores (explorer.runtime.scheduling_report),
  by the profile of `--config` (a KubeSchedulerConfiguration) that matches the pod's
  schedulerName, else of the configuration a node agent read into a bundle, else the default.

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


def _etcd(data: bytes) -> Analysis:
    from explorer.etcd.analysis import analyse_etcd

    return analyse_etcd(data)


def _cgroups(text: str) -> Analysis:
    from explorer.collectors.cgroups.report import cgroups_report, render_cgroups

    found = cgroups_report(text)
    return found, render_cgroups(found)


def _events(text: str) -> Analysis:
    from explorer.collectors.scheduling.event_report import from_objects, from_text, render, report
    from explorer.snapshots.kubectl_output import documents
    from explorer.snapshots.object_files import LoadError

    try:
        found = from_objects(documents(text))
    except LoadError:
        found = []
    if not found:
        found = from_text(text)
    document = report(found)
    return document, render(document)


def _scheduling(
    data: bytes, pod: str = "", node: str | None = None, more: tuple = (), config: Any = None
) -> Analysis:
    from explorer.runtime.scheduling_report import scheduling_report

    return scheduling_report([data, *more], pod, node, config)


def _scheduler_config(path: str) -> Any:
    """The --config file read, or exit code 2 with what is wrong with it."""
    from explorer.collectors.scheduling.config import KIND, parse_config
    from explorer.viewmodels.workloads.scheduler_config import from_file

    try:
        return from_file(parse_config(_read(path)), path)
    except ValueError as error:
        raise CommandError(f"{path} is not a usable {KIND}: {error}", returncode=2) from None


ANALYSES: dict[str, tuple[str, Callable[..., Analysis]]] = {
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
    "etcd": (
        "etcdctl get --prefix --keys-only output, etcdctl get KEY output or an etcd data file",
        _etcd,
    ),
    "events": (
        "Events as kubectl prints them: an EventList in JSON or YAML, a kubectl cluster-info "
        "dump, or kubectl describe / get events text",
        _events,
    ),
    "scheduling": (
        "a snapshot bundle or what kubectl prints (Lists in JSON or YAML, a cluster-info dump)",
        _scheduling,
    ),
}
BINARY = frozenset({"etcd", "scheduling"})  # kinds read as bytes: their analysis takes bytes


def _read_bytes(path: str) -> bytes:
    from explorer.etcd.analysis import MAX_FILE_BYTES
    from explorer.etcd.key_listing import read_limited

    try:
        if path == "-":
            return read_limited(sys.stdin.buffer, MAX_FILE_BYTES)
        with open(path, "rb") as stream:
            return read_limited(stream, MAX_FILE_BYTES)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}", returncode=2) from None
    except ValueError as error:  # larger than allowed
        raise CommandError(f"cannot read {path}: {error}", returncode=2) from None


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandError(f"cannot read {path}: {reason}", returncode=2) from None


class Command(BaseCommand):
    help = (
        "Analyse a saved iptables, nft, ipvsadm, Corefile, resolv.conf or cgroup text, or an "
        "etcd key listing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for kind, (what, _) in ANALYSES.items():
            sub = kinds.add_parser(kind, help=f"analyse {what}")
            sub.add_argument("file", help=f"{what} (- for stdin)")
            if kind == "scheduling":
                sub.add_argument(
                    "more",
                    nargs="*",
                    metavar="FILE ... NAMESPACE/POD",
                    help="more files (nodes and pods may be in separate files), then the pod",
                )
                sub.add_argument("--node", help="only this node's verdicts")
                sub.add_argument(
                    "--config",
                    metavar="FILE",
                    help="kube-scheduler's configuration (a KubeSchedulerConfiguration): its "
                    "profile for the pod's schedulerName is used instead of the defaults",
                )
            sub.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: object, **options: Any) -> None:
        kind: str = options["kind"]
        what, analyse = ANALYSES[kind]
        path = options["file"]
        content = _read_bytes(path) if kind in BINARY else _read(path)
        extra: dict[str, Any] = {}
        if kind == "scheduling":
            *files, pod = options["more"] or [""]
            if not pod or "/" not in pod:
                raise CommandError(
                    "analyze scheduling: name the pod as NAMESPACE/POD after the files",
                    returncode=2,
                )
            extra = {"pod": pod, "node": options["node"], "more": tuple(map(_read_bytes, files))}
            if options["config"]:
                extra["config"] = _scheduler_config(options["config"])
        try:
            document, readable = analyse(content, **extra)
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
