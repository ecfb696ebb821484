"""ClusterState: one consistent picture of one cluster, with the indexes the views walk.

Objects are plain dicts as the API serves them (parsed with orjson), held by kind and
(namespace, name), and by uid. `apply()` takes a watch event and says what changed; `replace()`
takes a fresh list (a relist) and says what changed against what was held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from explorer.lib.resources import BY_KIND

from .redact import redact

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"

Key = tuple[str, str]  # (namespace or "", name)
Ref = tuple[str, str, str]  # (kind, namespace or "", name)


@dataclass(frozen=True, slots=True)
class Change:
    type: str  # ADDED, MODIFIED or DELETED
    kind: str
    namespace: str
    name: str
    object: dict  # the new object; for DELETED the last one held
    old: dict | None = None

    @property
    def ref(self) -> Ref:
        return (self.kind, self.namespace, self.name)


def key_of(obj: dict) -> Key:
    meta = obj.get("metadata") or {}
    return (meta.get("namespace") or "", meta.get("name") or "")


def uid_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("uid") or ""


class ClusterState:
    """Objects of one cluster (kubeconfig context) plus per-node facts."""

    def __init__(self, cluster: str = "default") -> None:
        self.cluster = cluster
        self._objects: dict[str, dict[Key, dict]] = defaultdict(dict)
        self._by_uid: dict[str, Ref] = {}
        self._children: dict[str, set[Ref]] = defaultdict(set)
        self._pods_by_node: dict[str, set[Key]] = defaultdict(set)
        self._slices_by_service: dict[Key, set[str]] = defaultdict(set)
        self._by_namespace: dict[str, set[tuple[str, str]]] = defaultdict(set)
        # node name -> {fact name (e.g. "iptables-save", "cgroups", "resolv.conf") -> value}
        self.node_facts: dict[str, dict[str, Any]] = {}
        # kind -> resourceVersion of the last list or event seen, for watchers and bundles
        self.resource_versions: dict[str, str] = {}
        # kind -> why it cannot be seen (RBAC, not served), so views can say "not visible"
        self.not_visible: dict[str, str] = {}

    # ---- reading -------------------------------------------------------------------------

    def kinds(self) -> list[str]:
        return [kind for kind, objs in self._objects.items() if objs]

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        return self._objects.get(kind, {}).get((namespace or "", name))

    def list(self, kind: str, namespace: str | None = None) -> Iterator[dict]:
        objs = self._objects.get(kind, {})
        if namespace is None:
            yield from objs.values()
        else:
            yield from (obj for (ns, _), obj in objs.items() if ns == namespace)

    def count(self, kind: str) -> int:
        return len(self._objects.get(kind, {}))

    def __len__(self) -> int:
        return sum(len(objs) for objs in self._objects.values())

    def by_uid(self, uid: str) -> dict | None:
        ref = self._by_uid.get(uid)
        return self.get(*ref) if ref else None

    def children(self, owner_uid: str) -> list[dict]:
        """Objects whose ownerReferences name this uid (ReplicaSets of a Deployment, …)."""
        return [obj for ref in sorted(self._children.get(owner_uid, ())) if (obj := self.get(*ref))]

    def owner_chain(self, obj: dict) -> list[dict]:
        """The controlling owners of an object, nearest first, up to the top controller."""
        chain: list[dict] = []
        seen = {uid_of(obj)}
        current = obj
        while True:
            owner = _controller_ref(current)
            if owner is None or owner.get("uid") in seen:
                return chain
            parent = self.by_uid(owner.get("uid", ""))
            if parent is None:
                return chain
            chain.append(parent)
            seen.add(uid_of(parent))
            current = parent

    def pods_on_node(self, node: str) -> list[dict]:
        return [
            pod
            for key in sorted(self._pods_by_node.get(node, ()))
            if (pod := self.get("Pod", *key))
        ]

    def endpoint_slices_for_service(self, namespace: str, name: str) -> list[dict]:
        names = sorted(self._slices_by_service.get((namespace, name), ()))
        return [s for n in names if (s := self.get("EndpointSlice", namespace, n))]

    def pods_for_service(self, namespace: str, name: str) -> list[dict]:
        """Pods a Service reaches, through its EndpointSlices' targetRefs."""
        pods: dict[str, dict] = {}
        for eps in self.endpoint_slices_for_service(namespace, name):
            for endpoint in eps.get("endpoints") or ():
                ref = endpoint.get("targetRef") or {}
                if ref.get("kind") == "Pod":
                    pod = self.get("Pod", ref.get("namespace") or namespace, ref.get("name", ""))
                    if pod is not None:
                        pods[uid_of(pod)] = pod
        return list(pods.values())

    def volume_for_claim(self, namespace: str, name: str) -> dict | None:
        claim = self.get("PersistentVolumeClaim", namespace, name)
        volume_name = ((claim or {}).get("spec") or {}).get("volumeName")
        if volume_name:
            return self.get("PersistentVolume", "", volume_name)
        for pv in self.list("PersistentVolume"):
            ref = (pv.get("spec") or {}).get("claimRef") or {}
            if ref.get("namespace") == namespace and ref.get("name") == name:
                return pv
        return None

    def claim_for_volume(self, name: str) -> dict | None:
        pv = self.get("PersistentVolume", "", name)
        ref = ((pv or {}).get("spec") or {}).get("claimRef") or {}
        return self.get("PersistentVolumeClaim", ref.get("namespace", ""), ref.get("name", ""))

    def namespace_objects(self, namespace: str) -> list[dict]:
        refs = sorted(self._by_namespace.get(namespace, ()))
        return [obj for kind, name in refs if (obj := self.get(kind, namespace, name))]

    # ---- writing -------------------------------------------------------------------------

    def apply(self, event: dict, kind: str | None = None) -> Change | None:
        """Apply one watch event (`{"type": ..., "object": ...}`); return what changed.

        BOOKMARK and ERROR events change nothing and return None; so does a MODIFIED that carries
        the same resourceVersion as the object held.
        """
        etype = event.get("type")
        obj = event.get("object")
        if etype not in (ADDED, MODIFIED, DELETED) or not isinstance(obj, dict):
            return None
        kind = kind or obj.get("kind")
        if not kind:
            raise ValueError("event object has no kind and none was given")
        obj.setdefault("kind", kind)
        if etype == DELETED:
            return self._remove(kind, key_of(obj))
        return self._put(kind, redact(obj))

    def upsert(self, obj: dict, kind: str | None = None) -> Change | None:
        return self.apply({"type": MODIFIED, "object": obj}, kind)

    def delete(self, kind: str, namespace: str, name: str) -> Change | None:
        return self._remove(kind, (namespace or "", name))

    def replace(
        self, kind: str, objects: Iterable[dict], resource_version: str = ""
    ) -> list[Change]:
        """Make `kind` hold exactly `objects` (a fresh list); return the differences."""
        changes: list[Change] = []
        seen: set[Key] = set()
        for obj in objects:
            obj.setdefault("kind", kind)
            seen.add(key_of(obj))
            change = self._put(kind, redact(obj))
            if change is not None:
                changes.append(change)
        for key in [k for k in self._objects.get(kind, {}) if k not in seen]:
            change = self._remove(kind, key)
            if change is not None:
                changes.append(change)
        if resource_version:
            self.resource_versions[kind] = resource_version
        return changes

    def set_node_facts(self, node: str, facts: dict[str, Any]) -> None:
        self.node_facts.setdefault(node, {}).update(facts)

    # ---- internals -----------------------------------------------------------------------

    def _put(self, kind: str, obj: dict) -> Change | None:
        key = key_of(obj)
        objs = self._objects[kind]
        old = objs.get(key)
        if old is not None:
            old_rv = (old.get("metadata") or {}).get("resourceVersion")
            new_rv = (obj.get("metadata") or {}).get("resourceVersion")
            if old_rv and old_rv == new_rv and old == obj:
                return None
            self._unindex(kind, key, old)
        objs[key] = obj
        self._index(kind, key, obj)
        return Change(ADDED if old is None else MODIFIED, kind, key[0], key[1], obj, old)

    def _remove(self, kind: str, key: Key) -> Change | None:
        old = self._objects.get(kind, {}).pop(key, None)
        if old is None:
            return None
        self._unindex(kind, key, old)
        return Change(DELETED, kind, key[0], key[1], old, old)

    def _index(self, kind: str, key: Key, obj: dict) -> None:
        ref = (kind, *key)
        uid = uid_of(obj)
        if uid:
            self._by_uid[uid] = ref
        for owner in (obj.get("metadata") or {}).get("ownerReferences") or ():
            self._children[owner.get("uid", "")].add(ref)
        if key[0]:
            self._by_namespace[key[0]].add((kind, key[1]))
        if kind == "Pod":
            node = (obj.get("spec") or {}).get("nodeName")
            if node:
                self._pods_by_node[node].add(key)
        elif kind == "EndpointSlice":
            service = ((obj.get("metadata") or {}).get("labels") or {}).get(
                "kubernetes.io/service-name"
            )
            if service:
                self._slices_by_service[(key[0], service)].add(key[1])

    def _unindex(self, kind: str, key: Key, obj: dict) -> None:
        ref = (kind, *key)
        uid = uid_of(obj)
        if uid and self._by_uid.get(uid) == ref:
            del self._by_uid[uid]
        for owner in (obj.get("metadata") or {}).get("ownerReferences") or ():
            _discard(self._children, owner.get("uid", ""), ref)
        if key[0]:
            _discard(self._by_namespace, key[0], (kind, key[1]))
        if kind == "Pod":
            _discard(self._pods_by_node, (obj.get("spec") or {}).get("nodeName") or "", key)
        elif kind == "EndpointSlice":
            service = ((obj.get("metadata") or {}).get("labels") or {}).get(
                "kubernetes.io/service-name"
            )
            _discard(self._slices_by_service, (key[0], service or ""), key[1])


def _discard(index: dict, bucket: Any, item: Any) -> None:
    members = index.get(bucket)
    if members is not None:
        members.discard(item)
        if not members:
            del index[bucket]


def _controller_ref(obj: dict) -> dict | None:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or ()
    for ref in refs:
        if ref.get("controller"):
            return ref
    return refs[0] if refs else None


def is_known_kind(kind: str) -> bool:
    return kind in BY_KIND
