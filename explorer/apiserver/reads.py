"""GET of one object or of a collection (paged with `limit`/`continue`, filtered by selectors)."""

from __future__ import annotations

import time

from aiohttp import web

from . import continuation
from .context import ServerContext, json_response
from .negotiation import Wanted, include_object
from .params import integer, resource_version
from .representation import collection, single
from .routing import Target
from .selectors import Matcher, combine, field_matcher, label_matcher
from .status import INCONSISTENT_CONTINUE, ApiError, bad_request, expired, not_found


def selector_of(query, kind: str) -> Matcher:
    return combine(
        label_matcher(query.get("labelSelector")),
        field_matcher(query.get("fieldSelector"), kind),
    )


def get_object(
    request: web.Request, ctx: ServerContext, target: Target, wanted: Wanted
) -> web.Response:
    obj = ctx.store.get(target.resource.kind, target.namespace, target.name)
    if obj is None:
        raise not_found(target.resource, target.name)
    body = single(
        target.resource,
        obj,
        wanted,
        include_object(request.query.get("includeObject")),
        time.time(),
    )
    return json_response(body)


def _read_point(ctx: ServerContext, query) -> tuple[int | None, str, bool]:
    """(version to read at, None for now; key to start after; whether from a continue token)."""
    token = query.get("continue", "")
    rv_text = query.get("resourceVersion", "")
    if token:
        if rv_text:
            raise bad_request("specifying resource version is not allowed when using continue")
        rv, start = continuation.decode(token)
        return (None if rv <= 0 else rv), start, True
    if rv_text in ("", "0"):
        return None, "", False
    rv = resource_version(rv_text)
    if query.get("resourceVersionMatch") == "Exact":
        return rv, "", False
    ctx.store.check_version(rv)
    return None, "", False


def list_objects(
    request: web.Request, ctx: ServerContext, target: Target, wanted: Wanted
) -> web.Response:
    query = request.query
    resource = target.resource
    matcher = selector_of(query, resource.kind)
    include = include_object(query.get("includeObject"))
    limit = integer(query, "limit")
    at_rv, start, continuing = _read_point(ctx, query)
    try:
        page = ctx.store.page(resource.kind, target.namespace or None, matcher, limit, start, at_rv)
    except ApiError as err:
        if err.code == 410 and continuing:
            raise expired(
                INCONSISTENT_CONTINUE, {"continue": continuation.encode(continuation.LATEST, start)}
            ) from None
        raise
    list_meta: dict = {"resourceVersion": str(page.resource_version)}
    if page.last_key is not None:
        list_meta["continue"] = continuation.encode(page.resource_version, page.last_key)
        if page.remaining is not None:
            list_meta["remainingItemCount"] = page.remaining
    body = collection(resource, page.items, list_meta, wanted, include, time.time())
    return json_response(body)
