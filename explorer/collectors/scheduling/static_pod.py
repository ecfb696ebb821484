"""Where kube-scheduler's configuration file is on its node, from its static pod's manifest
(kubeadm: /etc/kubernetes/manifests/kube-scheduler.yaml).

The file is the one the container's `--config` flag names (`--config=PATH` or `--config PATH`,
in `command` or `args`), seen from the node: the path is inside the container, so it is mapped
through the volumeMount that holds it to that volume's hostPath. `--kubeconfig`
(/etc/kubernetes/scheduler.conf under kubeadm) is the scheduler's connection to the API server,
credentials included — never the configuration. No `--config` flag: the scheduler runs with
its default profile. ValueError for a manifest that is not a Pod running kube-scheduler.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from explorer.lib.json_shape import json_type
from explorer.lib.objects import containers_of, spec_of

MANIFEST = "etc/kubernetes/manifests/kube-scheduler.yaml"  # under the node's root
MAX_MANIFEST_BYTES = 256 * 1024
CONFIG_FLAG = "--config"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scheduler_container(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    containers = [c for c in containers_of(pod) if isinstance(c, Mapping)]
    for container in containers:
        command = container.get("command") or []
        first = str(command[0]) if isinstance(command, list) and command else ""
        if (
            container.get("name") == "kube-scheduler"
            or posixpath.basename(first) == "kube-scheduler"
        ):
            return container
    raise ValueError("the manifest has no kube-scheduler container")


def config_flag(argv: Sequence[Any]) -> str | None:
    """The value of `--config` in an argv (the last one given wins, as with pflag)."""
    found = None
    words = [str(word) for word in argv]
    for i, word in enumerate(words):
        if word.startswith(CONFIG_FLAG + "="):
            found = word[len(CONFIG_FLAG) + 1 :]
        elif word == CONFIG_FLAG and i + 1 < len(words):
            found = words[i + 1]
    return found


def host_path(pod: Mapping[str, Any], container: Mapping[str, Any], path: str) -> str:
    """`path` inside the container as a path on the node: through the deepest volumeMount
    holding it, when that volume is a hostPath; else the path as it is."""
    path = posixpath.normpath(path)
    best: tuple[int, str, str] | None = None
    for mount in container.get("volumeMounts") or ():
        if not isinstance(mount, Mapping):
            continue
        where = posixpath.normpath(str(mount.get("mountPath") or "/"))
        inside = path == where or path.startswith(where.rstrip("/") + "/")
        if inside and (best is None or len(where) > best[0]):
            best = (len(where), where, str(mount.get("name") or ""))
    if best is None:
        return path
    _, where, name = best
    volume = next(
        (
            v
            for v in spec_of(pod).get("volumes") or ()
            if isinstance(v, Mapping) and v.get("name") == name
        ),
        None,
    )
    source = (volume or {}).get("hostPath")
    if not isinstance(source, Mapping) or not source.get("path"):
        return path
    rest = posixpath.relpath(path, where)
    base = str(source["path"])
    return base if rest == "." else posixpath.join(base, rest)


def config_path(manifest: str | bytes) -> str | None:
    """The node's path of the configuration file the manifest's kube-scheduler reads, or None
    when it is given no `--config`."""
    if len(manifest) > MAX_MANIFEST_BYTES:
        raise ValueError(f"the manifest is over {MAX_MANIFEST_BYTES // 1024} KiB")
    try:
        pod = yaml.load(manifest, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        raise ValueError("the manifest is not YAML") from None
    if not isinstance(pod, Mapping) or pod.get("kind") != "Pod":
        raise ValueError(
            f"the manifest is {json_type(pod) if not isinstance(pod, Mapping) else 'not a Pod'}"
        )
    container = _scheduler_container(pod)
    argv = [*(container.get("command") or ()), *(container.get("args") or ())]
    flag = config_flag(argv)
    if flag is None:
        return None
    if not flag:
        raise ValueError("the manifest's --config is empty")
    return host_path(pod, container, flag)
