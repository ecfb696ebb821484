"""`analyze cgroups FILE [--json]`: which input it is, and the kubepods tree read from it.

Inputs, detected: `/proc/<pid>/cgroup`; kubelet `/metrics/cadvisor` text; `systemd-cgls`
output (`-u UNIT` too); `systemd-cgtop` output; a `find` / `ls -R` listing (or an `ls`/`cd`/
`cat` session) of /sys/fs/cgroup; a recorded tree (the demo's JSON form). Whatever the text,
the pods its kubepods cgroup names locate (parse_mentions) are added to what its form gave: a
transcript that is none of these still yields them. The kubelet's /stats/summary is refused: it
names pods, not cgroups.

The JSON: `{"input", "driver", "version", "kubepods", "qos_levels", "pods"}`; each pod has
`uid` (Kubernetes form), `qos`, `path` (as the input names it, from the cgroup root) and
`containers` (`id` bare, `path`; the sandbox included, CRI-O conmon scopes not), and, where
the input has them, limits in bytes and cores (`memory_limit_bytes`, `cpu_limit_cores`, …;
`null` is no limit) and `name`, `sandbox`, `runtime`, `processes`.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

import orjson

from .cadvisor import looks_like_cadvisor, parse_cadvisor
from .limits import Limits
from .parse_cgls import looks_like_cgls, parse_cgls
from .parse_cgtop import looks_like_cgtop, parse_cgtop
from .parse_listing import parse_listing
from .parse_mentions import parse_mentions
from .parse_proc import looks_like_proc_cgroup, parse_proc_cgroup
from .tree import CgroupTree, ContainerCgroup, LevelCgroup, PodCgroup, tree_from_recorded


class NotCgroupInput(ValueError):
    pass


class ContainerItem(TypedDict, total=False):
    id: str
    path: str
    name: str
    sandbox: bool
    runtime: str
    processes: list[str]


class PodItem(TypedDict):
    uid: str
    qos: str
    path: str
    containers: list[ContainerItem]
    name: NotRequired[str]
    conmon: NotRequired[list[str]]


class CgroupsReport(TypedDict):
    input: str
    driver: str | None
    version: int | None
    kubepods: dict[str, Any] | None
    qos_levels: list[dict[str, Any]]
    pods: list[PodItem]


def read_tree(text: str) -> CgroupTree:
    """Detect the input and read it, with the pods it names in passing."""
    stripped = text.lstrip()
    if not stripped:
        raise NotCgroupInput("empty input")
    if stripped.startswith("{"):
        return _json_tree(stripped)
    try:
        tree = _read_form(text)
    except ValueError:
        mentioned = parse_mentions(text)
        if not mentioned.pods:
            raise
        return mentioned
    return with_mentioned_pods(tree, parse_mentions(text))


def _read_form(text: str) -> CgroupTree:
    if looks_like_proc_cgroup(text):
        return parse_proc_cgroup(text)
    if looks_like_cadvisor(text):
        return parse_cadvisor(text)
    if looks_like_cgls(text):
        return parse_cgls(text)
    if looks_like_cgtop(text):
        return parse_cgtop(text)
    return parse_listing(text)


def with_mentioned_pods(tree: CgroupTree, mentioned: CgroupTree) -> CgroupTree:
    """`tree` with the pods and containers only `mentioned` has (a transcript's `ls | grep`
    of a directory it never named, a path in a log line)."""
    for pod in mentioned.pods:
        found = tree.pod(pod.uid)
        if found is None:
            tree.pods.append(pod)
            continue
        found.containers += [c for c in pod.containers if found.container(c.id) is None]
    tree.driver = tree.driver or mentioned.driver
    return tree


def _json_tree(text: str) -> CgroupTree:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise NotCgroupInput(f"not JSON: {error}") from None
    if isinstance(document, dict) and isinstance(document.get("nodes"), dict):
        return tree_from_recorded(document)
    if isinstance(document, dict) and "node" in document and "pods" in document:
        raise NotCgroupInput(
            "a kubelet /stats/summary names pods and their usage but no cgroup paths"
        )
    raise NotCgroupInput("JSON, but not a recorded cgroup tree")


def _limits(limits: Limits) -> dict[str, Any]:
    return dict(limits)


def container_item(container: ContainerCgroup) -> ContainerItem:
    item: dict[str, Any] = {"id": container.id, "path": container.path}
    if container.name:
        item["name"] = container.name
    if container.sandbox is not None:
        item["sandbox"] = container.sandbox
    if container.runtime:
        item["runtime"] = container.runtime
    if container.processes:
        item["processes"] = list(container.processes)
    item.update(_limits(container.limits))
    return item  # type: ignore[return-value]


def pod_item(pod: PodCgroup) -> PodItem:
    item: dict[str, Any] = {"uid": pod.uid, "qos": pod.qos, "path": pod.path}
    if pod.name:
        item["name"] = pod.name
    item.update(_limits(pod.limits))
    item["containers"] = [container_item(c) for c in pod.containers]
    if pod.conmon:
        item["conmon"] = list(pod.conmon)
    return item  # type: ignore[return-value]


def _level(level: LevelCgroup) -> dict[str, Any]:
    return {"path": level.path, **_limits(level.limits)}


def tree_report(tree: CgroupTree) -> CgroupsReport:
    return CgroupsReport(
        input=tree.source,
        driver=tree.driver,
        version=tree.version,
        kubepods=_level(tree.kubepods) if tree.kubepods else None,
        qos_levels=[{"qos": qos, **_level(level)} for qos, level in tree.qos_levels.items()],
        pods=[pod_item(p) for p in tree.pods],
    )


def cgroups_report(text: str) -> CgroupsReport:
    tree = read_tree(text)
    if tree.kubepods is None and not tree.pods and not tree.qos_levels:
        raise NotCgroupInput(f"read as {tree.source}, but no kubepods cgroup found")
    return tree_report(tree)


# --- text ------------------------------------------------------------------------------------


def _memory(value: Any) -> str:
    if value is None:
        return "no limit"
    for unit, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if value >= size:
            return f"{value / size:.4g}{unit}"
    return f"{value}B"


def _describe(item: dict[str, Any]) -> str:
    parts = []
    if "memory_limit_bytes" in item:
        parts.append(f"mem {_memory(item['memory_limit_bytes'])}")
    if "cpu_limit_cores" in item:
        cores = item["cpu_limit_cores"]
        parts.append("cpu no limit" if cores is None else f"cpu {cores:g} cores")
    if "cpu_shares" in item:
        parts.append(f"shares {item['cpu_shares']}")
    if "cpu_weight" in item:
        parts.append(f"weight {item['cpu_weight']}")
    if "memory_usage_bytes" in item:
        parts.append(f"using {_memory(item['memory_usage_bytes'])}")
    return ", ".join(parts)


def render_cgroups(report: CgroupsReport) -> str:
    version = report["version"] if report["version"] is not None else "?"
    lines = [
        f"input: {report['input']}   driver: {report['driver'] or '?'}   cgroup v{version}",
    ]
    if report["kubepods"]:
        lines.append(f"{report['kubepods']['path']}  {_describe(report['kubepods'])}".rstrip())
    for level in report["qos_levels"]:
        lines.append(f"  {level['qos']:<10}  {level['path']}  {_describe(level)}".rstrip())
    lines.append(f"{len(report['pods'])} pod(s)")
    for pod in report["pods"]:
        name = f"  {pod['name']}" if "name" in pod else ""
        lines.append(f"  pod {pod['uid']}  {pod['qos']}{name}")
        lines.append(f"    {pod['path']}")
        described = _describe(pod)  # type: ignore[arg-type]
        if described:
            lines.append(f"    {described}")
        for container in pod["containers"]:
            what = "sandbox" if container.get("sandbox") else container.get("name", "container")
            details = _describe(container)  # type: ignore[arg-type]
            lines.append(f"    - {what:<20} {container['id'][:13]}  {details}".rstrip())
    return "\n".join(lines) + "\n"
