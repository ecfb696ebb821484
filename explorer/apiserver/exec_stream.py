"""`pods/exec`: the websocket channel protocol, answered from the nodes' recorded facts.

This server runs no containers. What a read-only explorer execs — `iptables-save [-c]`,
`ip6tables-save [-c]` and `nft -j list ruleset` in a kube-proxy pod, `cat /etc/resolv.conf` in
any pod — is answered from `node_facts[<the pod's node>]`; `etcdctl` reads in the etcd pod by
the real etcdctl against the demo's own etcd (etcdctl_exec.py); anything else fails as a
kubelet reports a binary the image lacks (exit code 127, the runtime's message on stderr).

Protocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`): binary frames whose first byte is the
channel — 1 stdout, 2 stderr, 3 the final `Status` (Success, or Failure with reason
NonZeroExitCode and the exit code as the `ExitCode` cause). Exec changes nothing here, but it
honours the Policy: one that forbids `pods/exec` gets 403 before the upgrade.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from explorer.lib.objects import labels_of, meta_of, spec_of

from .context import ServerContext
from .etcdctl_exec import run_etcdctl
from .log_stream import choose_container
from .routing import Target
from .status import bad_request, not_found

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDOUT, STDERR, ERROR = 1, 2, 3
FRAME = 64 * 1024
NOT_FOUND_EXIT = 127
KUBE_PROXY_LABEL = ("k8s-app", "kube-proxy")
_COUNTERS = re.compile(r"^\[\d+:\d+\] ", re.M)
_SAVE_COMMANDS = ("iptables-save", "ip6tables-save")
_COUNTER_FLAGS = ("-c", "--counters")


@dataclass(frozen=True)
class Ran:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    refused: str = ""  # not a command this server answers: the Status says so, with this


NO_CONTAINERS = (
    "this API server runs no containers: exec answers only the node-fact commands from what it "
    "recorded (iptables-save [-c], ip6tables-save [-c] and nft -j list ruleset in kube-proxy "
    "pods, cat /etc/resolv.conf)"
)


def _is_etcd(pod: dict) -> bool:
    return labels_of(pod).get("component") == "etcd"


def _is_kube_proxy(pod: dict) -> bool:
    key, value = KUBE_PROXY_LABEL
    return labels_of(pod).get(key) == value


def _not_found(command: str) -> Ran:
    message = (
        "OCI runtime exec failed: exec failed: unable to start container process: "
        f'exec: "{command}": executable file not found in $PATH: unknown\n'
    )
    return Ran(stderr=message, exit_code=NOT_FOUND_EXIT)


def _resolv_conf(ctx: ServerContext, pod: dict, node: str) -> str | None:
    meta = meta_of(pod)
    per_pod = ctx.store.node_fact(node, "pod-resolv.conf") or {}
    text = per_pod.get(f"{meta.get('namespace', '')}/{meta.get('name', '')}")
    if text is None and spec_of(pod).get("hostNetwork"):
        text = ctx.store.node_fact(node, "resolv.conf")
    return text if isinstance(text, str) else None


def run(ctx: ServerContext, pod: dict, node: str, argv: list[str]) -> Ran:
    """What `argv` prints in `pod` on `node`, from the recorded facts."""
    command, args = argv[0], argv[1:]
    if command in _SAVE_COMMANDS and _is_kube_proxy(pod):
        text = ctx.store.node_fact(node, command)
        if not isinstance(text, str):
            return _not_found(command)
        if any(arg not in _COUNTER_FLAGS for arg in args):
            return Ran(stderr=f"{command}: only -c is answered here\n", exit_code=2)
        return Ran(stdout=text if args else _COUNTERS.sub("", text))
    if command == "nft" and _is_kube_proxy(pod):
        text = ctx.store.node_fact(node, "nft")
        if not isinstance(text, str):
            return _not_found(command)
        if args != ["-j", "list", "ruleset"]:
            return Ran(stderr="nft: only -j list ruleset is answered here\n", exit_code=1)
        return Ran(stdout=text)
    if command == "cat":
        texts = [_resolv_conf(ctx, pod, node) if a == "/etc/resolv.conf" else None for a in args]
        missing = [a for a, text in zip(args, texts, strict=True) if text is None]
        stderr = "".join(f"cat: {a}: No such file or directory\n" for a in missing)
        return Ran("".join(t for t in texts if t is not None), stderr, 1 if missing else 0)
    if command in (*_SAVE_COMMANDS, "nft"):  # a node-fact command outside kube-proxy's pods
        return _not_found(command)
    return Ran(exit_code=NOT_FOUND_EXIT, refused=NO_CONTAINERS)


def status_of(argv: list[str], ran: Ran) -> dict[str, Any]:
    """The error channel's Status, as the kubelet writes it."""
    if ran.exit_code == 0:
        return {"metadata": {}, "status": "Success"}
    if ran.refused:
        return {
            "metadata": {},
            "status": "Failure",
            "message": ran.refused,
            "reason": "BadRequest",
            "code": 400,
        }
    return {
        "metadata": {},
        "status": "Failure",
        "message": (
            "command terminated with non-zero exit code: error executing command "
            f"[{' '.join(argv)}], exit code {ran.exit_code}"
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(ran.exit_code)}]},
    }


async def serve_exec(
    request: web.Request, ctx: ServerContext, target: Target
) -> web.StreamResponse:
    ctx.policy.check("get", target.resource, target.namespace, target.name, "exec")
    pod = ctx.store.get("Pod", target.namespace, target.name)
    if pod is None:
        raise not_found(target.resource, target.name)
    argv = request.query.getall("command", [])
    if not argv:
        raise bad_request("you must specify at least 1 command")
    choose_container(pod, request.query.get("container", ""))
    node = spec_of(pod).get("nodeName")
    if not node:
        raise bad_request(f"pod {target.name} does not have a host assigned")
    socket = web.WebSocketResponse(protocols=PROTOCOLS)
    ready = socket.can_prepare(request)
    if not ready.ok:
        raise bad_request("Upgrade request required")
    if ready.protocol is None:
        raise bad_request(
            f"no supported stream protocol; this server speaks {', '.join(PROTOCOLS)}"
        )
    await socket.prepare(request)
    if argv[0] == "etcdctl" and _is_etcd(pod) and ctx.etcd_endpoint:
        # the real etcdctl against the demo's etcd (reads only), a process: not on the loop
        done = await asyncio.to_thread(run_etcdctl, ctx.etcd_endpoint, argv)
        ran = Ran(done.stdout, done.stderr, done.exit_code)
    else:
        ran = run(ctx, pod, node, argv)
    try:
        for channel, text in ((STDOUT, ran.stdout), (STDERR, ran.stderr)):
            data = text.encode()
            for start in range(0, len(data), FRAME):
                await socket.send_bytes(bytes([channel]) + data[start : start + FRAME])
        await socket.send_bytes(bytes([ERROR]) + orjson.dumps(status_of(argv, ran)))
        await socket.close()
    except ConnectionError:
        pass  # the client left; nothing was changed, nothing to undo
    return socket
