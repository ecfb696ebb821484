"""Pods bound to a node that do not start, in words, each with the kubelet's or the controller's
own text and how often it was said: a container whose image cannot be pulled (ErrImagePull, then
ImagePullBackOff: the kubelet retries, backing off up to five minutes), a sandbox the container
runtime cannot create (FailedCreatePodSandBox; "network is not ready" when the node's CNI plugin
is not up), a volume that cannot be mounted (FailedMount), and a volume the attach/detach
controller will not attach because it is attached to another node already (FailedAttachVolume's
"Multi-Attach error").

Every string is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from explorer.lib.objects import container_statuses, spec_of, status_of

from .not_picked_up import Stuck
from .said import Said, latest_said

PULL_WAITING = ("ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull", "InvalidImageName")
NETWORK_WORDS = ("network is not ready", "network plugin", "cni", "failed to setup network")
_VOLUME = re.compile(r'volume "([^"]+)"')
_USED_BY = re.compile(r"used by pod\(s\) (.+?)(?:$| Volume )")


def _stuck(concern: str, headline: str, said: Said | None) -> Stuck:
    return {
        "concern": concern,
        "headline": headline,
        "said": said["message"] if said else "",
        "reason": said["reason"] if said else "",
        "count": said["count"] if said else None,
        "last_seen": said["last_seen"] if said else "",
    }


def image_pull(pod: Mapping, events: list[dict]) -> list[Stuck]:
    found = []
    images = {
        str(c.get("name")): str(c.get("image") or "")
        for c in [
            *(spec_of(pod).get("initContainers") or ()),
            *(spec_of(pod).get("containers") or ()),
        ]
        if isinstance(c, Mapping)
    }
    for status in container_statuses(pod):
        waiting = (status.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") not in PULL_WAITING:
            continue
        name = str(status.get("name") or "?")
        image = images.get(name) or str(status.get("image") or "")
        said = latest_said(events, ("Failed",), f'image "{image}"') or latest_said(
            events, ("Failed", "BackOff"), image
        )
        headline = (
            f"Container {name} cannot pull its image {image} ({waiting['reason']}): the kubelet "
            "keeps trying, waiting longer each time (up to five minutes). A wrong name or tag, a "
            "private registry without imagePullSecrets, or a registry it cannot reach."
        )
        found.append(_stuck("image", headline, said or _waiting_said(waiting)))
    return found


def _waiting_said(waiting: Mapping) -> Said | None:
    if not waiting.get("message"):
        return None
    return {
        "reason": str(waiting.get("reason") or ""),
        "message": str(waiting["message"]),
        "count": 1,
        "last_seen": "",
        "first_seen": "",
    }


def sandbox(events: list[dict]) -> Stuck | None:
    said = latest_said(events, ("FailedCreatePodSandBox", "NetworkNotReady"))
    if said is None:
        return None
    text = said["message"].lower()
    if any(words in text for words in NETWORK_WORDS):
        headline = (
            "Its sandbox cannot be created because the node's pod network is not ready: the CNI "
            "plugin (its DaemonSet pod on the node) has not written its configuration or failed "
            "to give the pod an address."
        )
        return _stuck("network", headline, said)
    return _stuck("network", "The container runtime cannot create its sandbox.", said)


def mount(events: list[dict]) -> Stuck | None:
    said = latest_said(events, ("FailedMount",))
    if said is None:
        return None
    volume = _VOLUME.search(said["message"])
    what = f"volume {volume.group(1)}" if volume else "a volume"
    headline = (
        f"The kubelet cannot mount {what}, so no container starts: a missing ConfigMap, Secret "
        "or claim, or a volume not attached to the node yet."
    )
    return _stuck("mount", headline, said)


def multi_attach(events: list[dict]) -> Stuck | None:
    said = latest_said(events, ("FailedAttachVolume",), "Multi-Attach error")
    if said is None:
        return None
    volume = _VOLUME.search(said["message"])
    users = _USED_BY.search(said["message"])
    holder = f" (used by {users.group(1)})" if users else ""
    headline = (
        f"Volume {volume.group(1) if volume else '?'} is attached to another node already"
        f"{holder}, and it can be attached to one node at a time: it will attach here once the "
        "pods using it there are gone and it is detached."
    )
    return _stuck("multi-attach", headline, said)


def not_starting(pod: Mapping, events: list[dict]) -> list[Stuck]:
    """Why a pod bound to a node does not start, if the kubelet or a controller said so."""
    if not spec_of(pod).get("nodeName"):
        return []
    found = image_pull(pod, events)
    if status_of(pod).get("phase", "Pending") == "Pending":
        found += [s for s in (multi_attach(events), mount(events), sandbox(events)) if s]
    return found
