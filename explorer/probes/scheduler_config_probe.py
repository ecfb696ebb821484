"""kube-scheduler's configuration file, read on its node by the agent (an opt-in privileged way:
explorer/lib/choices.py SCHEDULER_CONFIG).

The agent finds kube-scheduler's static pod manifest under the node's root
(`etc/kubernetes/manifests/kube-scheduler.yaml`), the file its `--config` flag names, mapped to
the node through the pod's hostPath volume (collectors/scheduling/static_pod.py), and reads it,
bounded (`MAX_BYTES`). It sends the text only once it has parsed as a
KubeSchedulerConfiguration: a kubeconfig named by mistake holds the scheduler's client key,
and neither its text nor any part of it leaves the node, nor is it logged (errors name the
path and the reason, never the content).

`read(root, turned_on)`: ("scheduler-config" → text, errors) for the node's facts. A node
without the manifest is not a control-plane node for this: nothing, and no error. With the way
off, a node with the manifest says so (its error), so the pages can tell why the defaults are
used.
"""

from __future__ import annotations

from pathlib import Path

from explorer.collectors.scheduling.config import MAX_BYTES, parse_config
from explorer.collectors.scheduling.static_pod import MANIFEST, MAX_MANIFEST_BYTES, config_path
from explorer.lib.choices import SCHEDULER_CONFIG, access_off
from explorer.state.node_facts import SCHEDULER_CONFIG as FACT


class _Unread(Exception):
    """The configuration could not be read; str() is the reason."""


def _bounded(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise _Unread(f"{path}: {error.strerror or error}") from None
    if len(data) > limit:
        raise _Unread(f"{path}: over {limit // 1024} KiB")
    return data


def _text(root: Path) -> str:
    manifest = root / MANIFEST
    try:
        where = config_path(_bounded(manifest, MAX_MANIFEST_BYTES))
    except ValueError as error:
        raise _Unread(f"{manifest}: {error}") from None
    if where is None:
        raise _Unread(
            f"kube-scheduler runs without --config ({manifest}): its default profile is used"
        )
    path = root / where.lstrip("/")
    data = _bounded(path, MAX_BYTES)
    try:
        text = data.decode()
        parse_config(text)
    except UnicodeDecodeError:
        raise _Unread(f"{path}: not UTF-8 text") from None
    except ValueError as error:
        raise _Unread(f"{path}: {error}") from None
    return text


def read(root: Path, turned_on: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(facts, errors) of the scheduler's configuration on the node whose files are at `root`."""
    if not (root / MANIFEST).is_file():
        return {}, {}
    if not turned_on:
        return {}, {FACT: access_off(SCHEDULER_CONFIG)}
    try:
        return {FACT: _text(root)}, {}
    except _Unread as error:
        return {}, {FACT: str(error)}
