"""The keys kube-apiserver keeps a state's objects under (explorer/etcd/derived.py), for a cluster
whose etcd nobody here can read, a past moment, or a snapshot taken without an etcd listing."""

from __future__ import annotations

from collections.abc import Iterator

from explorer.etcd.derived import DerivedKeys, derived_keys
from explorer.etcd.keys import DEFAULT_PREFIX
from explorer.lib.objects import name_of, namespace_of
from explorer.lib.resources import Resource, resource_named
from explorer.state.cluster_state import ClusterState


def derived_from_state(state: ClusterState, prefix: str = DEFAULT_PREFIX) -> DerivedKeys:
    return derived_keys(_objects(state), prefix)


def _objects(state: ClusterState) -> Iterator[tuple[Resource, str, str]]:
    for kind in state.kinds():
        resource = resource_named(kind)
        if resource is None:
            continue
        for obj in state.list(kind):
            yield resource, namespace_of(obj), name_of(obj)
