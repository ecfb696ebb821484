"""The aiohttp application: one dispatcher over the REST paths, Status bodies for every error."""

from __future__ import annotations

import logging

import orjson
from aiohttp import web

from . import discovery_documents as discovery
from .audit import heard
from .context import CONTEXT_KEY, ServerContext, json_response
from .exec_stream import serve_exec
from .log_stream import serve_log
from .negotiation import DISCOVERY, OBJECT, Wanted, negotiate
from .node_proxy import serve_node_proxy
from .params import flag
from .protowire import decode_review
from .reads import get_object, list_objects
from .reviews import access_review, rules_review
from .routing import resolve
from .status import ApiError, bad_request, method_not_allowed, path_not_found, status_body
from .watch_stream import serve_watch

log = logging.getLogger(__name__)

_HEALTH = ("healthz", "livez", "readyz")
_READ_METHODS = ("GET", "HEAD")


@web.middleware
async def _audit(request: web.Request, handler):
    audit = request.app[CONTEXT_KEY].audit
    if audit is not None:
        audit.append(heard(request.method, request.path, request.query))
    return await handler(request)


@web.middleware
async def _statuses(request: web.Request, handler):
    try:
        return await handler(request)
    except ApiError as err:
        return json_response(err.body, err.code)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("API request %s %s failed", request.method, request.path_qs)
        return json_response(status_body(500, "InternalError", "an error on the server"), 500)


def _discovery_response(wanted: Wanted, legacy: bool) -> web.Response:
    if wanted.form == DISCOVERY:
        content_type = discovery.DISCOVERY_CONTENT_TYPE.format(version=wanted.version)
        return json_response(
            discovery.aggregated(legacy, wanted.version), content_type=content_type
        )
    return json_response(discovery.api_versions() if legacy else discovery.api_group_list())


async def _review(request: web.Request, ctx: ServerContext, plural: str) -> web.Response:
    body = await request.read()
    if request.content_type == "application/vnd.kubernetes.protobuf":
        review = decode_review(body)
    else:
        try:
            review = orjson.loads(body)
        except orjson.JSONDecodeError as err:
            raise bad_request(f"the request body is not JSON: {err}") from None
    answer = access_review if plural == "selfsubjectaccessreviews" else rules_review
    return json_response(answer(ctx.policy, review if isinstance(review, dict) else {}), 201)


def _is_review(parts: list[str]) -> bool:
    return (
        len(parts) == 4
        and parts[:3] == ["apis", discovery.AUTHORIZATION_GROUP, "v1"]
        and parts[3] in dict(discovery.REVIEWS)
    )


async def dispatch(request: web.Request) -> web.StreamResponse:
    ctx = request.app[CONTEXT_KEY]
    parts = [p for p in request.path.split("/") if p]
    if request.method == "POST" and _is_review(parts):
        return await _review(request, ctx, parts[3])
    if request.method not in _READ_METHODS:
        raise method_not_allowed()
    if len(parts) == 1 and parts[0] in _HEALTH:
        return web.Response(text="ok")
    if parts == ["version"]:
        return json_response(discovery.VERSION_INFO)
    if not parts or parts[0] not in ("api", "apis"):
        raise path_not_found()
    wanted = negotiate(request.headers.get("Accept"))
    if parts in (["api"], ["apis"]):
        return _discovery_response(wanted, legacy=parts == ["api"])
    if parts[0] == "api":
        group, version, tail = "", parts[1], parts[2:]
    elif len(parts) == 2:
        body = discovery.api_group(parts[1])
        if body is None:
            raise path_not_found()
        return json_response(body)
    else:
        group, version, tail = parts[1], parts[2], parts[3:]
    if not tail:
        body = discovery.resource_list(group, version)
        if body is None:
            raise path_not_found()
        return json_response(body)
    return await _serve_resource(request, ctx, group, version, "/".join(tail), wanted)


async def _serve_resource(
    request: web.Request, ctx: ServerContext, group: str, version: str, tail: str, wanted: Wanted
) -> web.StreamResponse:
    target = resolve(group, version, tail)
    if wanted.form == DISCOVERY:
        wanted = Wanted(OBJECT)
    resource = target.resource
    if target.subresource == "exec":
        return await serve_exec(request, ctx, target)
    if target.subresource:
        ctx.policy.check("get", resource, target.namespace, target.name, target.subresource)
        return await serve_log(request, ctx, target)
    if target.name:
        ctx.policy.check("get", resource, target.namespace, target.name)
        return get_object(request, ctx, target, wanted)
    if target.watch_path or flag(request.query, "watch"):
        ctx.policy.check("watch", resource, target.namespace)
        return await serve_watch(request, ctx, target, wanted)
    ctx.policy.check("list", resource, target.namespace)
    return list_objects(request, ctx, target, wanted)


# kube-apiserver names the API Priority and Fairness flow schema and priority level that handled
# each request; clients that see these headers leave throttling to the server.
_FLOW_CONTROL_HEADERS = {
    "X-Kubernetes-Pf-Flowschema-Uid": "00000000-0000-0000-0000-00000000e001",
    "X-Kubernetes-Pf-Prioritylevel-Uid": "00000000-0000-0000-0000-00000000e002",
}


async def _flow_control_headers(_request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(_FLOW_CONTROL_HEADERS)


def build_app(ctx: ServerContext) -> web.Application:
    app = web.Application(middlewares=[_audit, _statuses], client_max_size=1024**2)
    app.on_response_prepare.append(_flow_control_headers)
    app[CONTEXT_KEY] = ctx
    app.router.add_route("GET", "/api/v1/nodes/{name}/proxy/{path:.*}", serve_node_proxy)
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
