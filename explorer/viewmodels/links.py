"""Links a model hands its page: which page, and the names that pick what it shows there.

A model never carries a URL: `static/js/kit.js` `linkTo` makes one from a link, so the URL scheme
lives in one place on each side (`explorer/urls.py`, the kit). Every string is plain text.

    {"page": "pod", "namespace", "name", ["container"]}   a pod's page
    {"page": "node", "name", ["cgroup"]}                    a node's page
    {"page": "object", "kind", "namespace", "name"}        any other object's page
    {"page": "events", "kind", "namespace", "name"}        the events about an object (no kind:
                                                            a namespace's, "*": the cluster's)
    {"page": "workloads", "namespace"}                      the workload hierarchy of a namespace
    {"page": "service-chain", "service", "node"}           a Service's chains on a node's rules
    {"page": "dns", "pod", "name"}                         a DNS lookup of `name` from a pod
    {"page": "etcd-key", "key"}                             an etcd key's page
    {"page": "overview", "first", "last"}                   the overview of a run of nodes
"""

from __future__ import annotations

from typing import TypedDict


class Link(TypedDict, total=False):
    page: str
    kind: str
    namespace: str
    name: str
    container: str
    cgroup: str
    service: str  # namespace/name
    node: str
    pod: str  # namespace/name
    key: str  # an etcd key
    first: str  # the first node of a run (by name)
    last: str  # its last node


def object_link(kind: str, namespace: str, name: str, **extra: str) -> Link:
    """The page of an object: a pod's and a node's own pages (`extra`: a container, a cgroup),
    the object page for any other."""
    if kind == "Pod":
        return Link(page="pod", namespace=namespace, name=name, **extra)
    if kind == "Node":
        return Link(page="node", name=name, **extra)
    return Link(page="object", kind=kind, namespace=namespace, name=name)


def events_link(kind: str, namespace: str, name: str) -> Link:
    return Link(page="events", kind=kind, namespace=namespace, name=name)


def workloads_link(namespace: str) -> Link:
    return Link(page="workloads", namespace=namespace)


def service_chain_link(namespace: str, name: str, node: str) -> Link:
    return Link(page="service-chain", service=f"{namespace}/{name}", node=node)


def dns_link(pod_namespace: str, pod_name: str, name: str) -> Link:
    return Link(page="dns", pod=f"{pod_namespace}/{pod_name}", name=name)


def etcd_key_link(key: str) -> Link:
    return Link(page="etcd-key", key=key)
