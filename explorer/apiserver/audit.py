"""What reached the server, named as RBAC names it: one (verb, resource, subresource) per
request, kept while `ServerContext.audit` is a list (tests set it to see every request a client
made, a denied one included). `pods/exec` arrives as a GET upgraded to a websocket: the
subresource is what tells it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .params import flag

_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class Heard(NamedTuple):
    verb: str  # get, list, watch, create, …; a path outside the API: the HTTP method
    resource: str  # the plural (`pods`, `nodes`), "" for a path outside the resources
    subresource: str  # `exec`, `log`, `proxy`, …
    path: str


def heard(method: str, path: str, query: Mapping[str, str]) -> Heard:
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) > 2:
        tail = parts[2:]
    elif parts[:1] == ["apis"] and len(parts) > 3:
        tail = parts[3:]
    else:
        return Heard(method.lower(), "", "", path)
    watching = tail[0] == "watch"
    if watching:
        tail = tail[1:]
    if len(tail) >= 3 and tail[0] == "namespaces":
        tail = tail[2:]
    resource = tail[0] if tail else ""
    name = tail[1] if len(tail) > 1 else ""
    subresource = tail[2] if len(tail) > 2 else ""
    verb = _VERBS.get(method)
    if verb is None:
        verb = "get" if name else "watch" if watching or flag(query, "watch") else "list"
    return Heard(verb, resource, subresource, path)
