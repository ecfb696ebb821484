"""What a view is: `View` (build, update, the kinds it reads, its parameters), and the checking of
the parameters a browser sends for one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from explorer.lib.objects import spec_of
from explorer.state.cluster_state import Change, ClusterState

Params = dict[str, str]
Update = Callable[[ClusterState, Params, Any, Sequence[Change]], dict[str, Any] | None]
Concerns = Callable[[Params, Change], bool]
MAX_PARAM_LENGTH = 253  # a DNS subdomain, the longest Kubernetes name


class ViewError(ValueError):
    """A view name or parameters a browser may not ask for; str() is safe to show it."""


def _no_memo() -> None:
    return None


@dataclass(frozen=True)
class View:
    """`build(state, params, memo)` makes the model; `memo()` makes a cache the caller keeps
    between builds of one subscription (None when the view needs none). A view may also offer
    `update(state, params, memo, changes)`: the model after `changes` (already in `state`) from
    the memo a build or update left, or None when it cannot (the caller then builds). And
    `concerns(params, change)`, False for a change of its kinds that cannot change the model of
    those parameters (a pod's page and another pod): the caller need not build it again."""

    name: str
    build: Callable[[ClusterState, Params, Any], dict[str, Any]]
    kinds: frozenset[str]  # changes to other kinds cannot change the model
    params: tuple[str, ...] = ("cluster",)  # every one required, no others accepted
    optional: tuple[str, ...] = ()  # taken when given; absent, the view picks its default
    memo: Callable[[], Any] = _no_memo
    update: Update | None = None
    concerns: Concerns | None = None  # None: every change of its kinds may change the model


def on_node(change: Change, node: str) -> bool:
    """The changed object (a pod) is, or was, on `node`."""
    return any(spec_of(held).get("nodeName") == node for held in (change.object, change.old))


def params_of(view: View, raw: object) -> Params:
    """The parameters of a subscription, checked: the view's names (its optional ones only when
    given), short strings."""
    if not isinstance(raw, Mapping):
        raise ViewError("params must be an object")
    unknown = sorted(str(key)[:40] for key in raw if key not in (*view.params, *view.optional))
    if unknown:
        raise ViewError(f"view {view.name} takes no parameter {', '.join(unknown)}")
    params: Params = {}
    for name in (*view.params, *(name for name in view.optional if name in raw)):
        value = raw.get(name)
        if not isinstance(value, str) or not value or len(value) > MAX_PARAM_LENGTH:
            raise ViewError(f"view {view.name} needs {name} as a non-empty short string")
        params[name] = value
    return params
