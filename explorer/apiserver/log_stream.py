"""`pods/log`: container logs, from `node_facts[node]["logs"]["<ns>/<pod>/<container>"]`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiohttp import web

from explorer.lib.objects import meta_of, name_of, spec_of, status_of

from .context import ServerContext, Stream
from .duration import parse_time
from .params import flag, integer
from .routing import Target
from .status import bad_request, not_found

FOLLOW_POLL = 0.25  # seconds between looks at a followed log


def _container_names(pod: dict, field: str) -> list[str]:
    return [c.get("name", "") for c in spec_of(pod).get(field) or ()]


def choose_container(pod: dict, asked: str) -> str:
    name = name_of(pod)
    containers = _container_names(pod, "containers")
    init = _container_names(pod, "initContainers")
    ephemeral = _container_names(pod, "ephemeralContainers")
    if not asked:
        if len(containers) == 1:
            return containers[0]
        message = (
            f"a container name must be specified for pod {name}, "
            f"choose one of: [{' '.join(containers)}]"
        )
        if init:
            message += f" or one of the init containers: [{' '.join(init)}]"
        raise bad_request(message)
    if asked not in containers + init + ephemeral:
        raise bad_request(f"container {asked} is not valid for pod {name}")
    return asked


def _container_state(pod: dict, container: str) -> dict:
    status = status_of(pod)
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(field) or ():
            if cs.get("name") == container:
                return cs.get("state") or {}
    return {}


def _log_text(ctx: ServerContext, pod: dict, container: str) -> str | None:
    node = spec_of(pod).get("nodeName")
    logs = ctx.store.node_fact(node, "logs") if node else None
    meta = meta_of(pod)
    return (logs or {}).get(f"{meta.get('namespace', '')}/{meta.get('name', '')}/{container}")


def _stamp(state: dict) -> str:
    started = parse_time((state.get("running") or state.get("terminated") or {}).get("startedAt"))
    when = datetime.fromtimestamp(started, UTC) if started is not None else datetime.now(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def _shape(text: str, tail: int | None, timestamps: str | None, limit_bytes: int) -> bytes:
    lines = text.splitlines(keepends=True)
    if tail is not None:
        lines = lines[-tail:] if tail else []
    if timestamps:
        lines = [f"{timestamps} {line}" for line in lines]
    data = "".join(lines).encode()
    return data[:limit_bytes] if limit_bytes else data


async def serve_log(request: web.Request, ctx: ServerContext, target: Target) -> web.StreamResponse:
    query = request.query
    pod = ctx.store.get("Pod", target.namespace, target.name)
    if pod is None:
        raise not_found(target.resource, target.name)
    container = choose_container(pod, query.get("container", ""))
    state = _container_state(pod, container)
    text = _log_text(ctx, pod, container)
    waiting = state.get("waiting")
    if text is None and waiting:
        reason = waiting.get("reason", "")
        raise bad_request(
            f'container "{container}" in pod "{target.name}" is waiting to start: {reason}'
        )
    tail = integer(query, "tailLines", -1)
    stamp = _stamp(state) if flag(query, "timestamps") else None
    body = _shape(text or "", None if tail < 0 else tail, stamp, integer(query, "limitBytes"))
    if not flag(query, "follow"):
        return web.Response(body=body, headers={"Content-Type": "text/plain"})
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    stream = Stream(request)
    ctx.streams.add(stream)
    try:
        await response.write(body)
        await _follow(ctx, stream, response, target, container, text or "", stamp)
        if not stream.gone:
            await response.write_eof()
    except (ConnectionError, asyncio.CancelledError):
        stream.cut()
    finally:
        ctx.streams.discard(stream)
    return response


async def _follow(
    ctx, stream: Stream, response, target: Target, container: str, seen: str, stamp
) -> None:
    """Send what is appended to the log until the pod goes or the client leaves."""
    while not stream.gone:
        await asyncio.sleep(FOLLOW_POLL)
        pod = ctx.store.get("Pod", target.namespace, target.name)
        if pod is None:
            return
        text = _log_text(ctx, pod, container) or ""
        if text == seen:
            continue
        fresh = text[len(seen) :] if text.startswith(seen) else text
        seen = text
        await response.write(_shape(fresh, None, stamp, 0))
