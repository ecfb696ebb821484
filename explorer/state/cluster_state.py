"""ClusterState: one consistent picture of one cluster, with the indexes the views walk.

Objects are plain dicts as the API serves them (parsed with orjson), held by kind and
(namespace, name), and by uid. `apply()` takes a watch event and says what changed; `replace()`
takes a fresh list (a relist) and says what changed against what was held.

A state made with `pack` holds the objects of those kinds as compressed JSON
(explorer/state/packed.py, a Packer a kind): every read of one gives a fresh dict. For the kinds in
explorer/state/records.py RECORDED it keeps each object's record too (`records()`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from sys import intern
from typing import Any, NamedTuple

import msgspec
import orjson

from explorer.lib.choices import ADDED, BOOKMARK, DELETED, MODIFIED
from explorer.lib.objects import (
    Key,
    controlling_reference,
    key_of,
    owner_references,
    resource_version_of,
    spec_of,
    uid_of,
)
from explorer.lib.redact import redact
from explorer.lib.resources import BY_KIND

from .listed_json import READS, TakenJson, take_json
from .packed import PACKED_KINDS, Packed, PackedObjects, Packer, opened, spread
from .records import RECORDED
from .shared_parts import SharedParts

log = logging.getLogger(__name__)

Ref = tuple[str, str, str]  # (kind, namespace or "", name)
# Kinds no object names by uid (no ownerReference, involvedObject or claimRef points at an
# Event): kept out of the uid index, which holds a uid string, a dict entry and a reference
# tuple an object; find reads an Event's uid from its record (records.py EventRecord.uid).
UNINDEXED_UIDS = frozenset({"Event"})


class Change:
    """One object's change: `type` ADDED, MODIFIED or DELETED; `object` the new object (for
    DELETED the last one held) and `old` the one before. Of a packed kind it carries them packed
    (`held_object`, `held_old`: explorer/state/packed.py Packed) and unpacks each when first read:
    a list of 165,000 pods makes as many changes, and most are never read."""

    __slots__ = ("held_object", "held_old", "kind", "name", "namespace", "type")

    def __init__(
        self,
        type: str,
        kind: str,
        namespace: str,
        name: str,
        object: dict | Packed,
        old: dict | Packed | None = None,
    ) -> None:
        self.type = type
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.held_object = object
        self.held_old = old

    @property
    def object(self) -> dict:
        held = self.held_object
        if held.__class__ is Packed:
            held = self.held_object = held.unpack()  # type: ignore[union-attr]
        return held  # type: ignore[return-value]

    @property
    def old(self) -> dict | None:
        held = self.held_old
        if held.__class__ is Packed:
            held = self.held_old = held.unpack()  # type: ignore[union-attr]
        return held  # type: ignore[return-value]

    @property
    def ref(self) -> Ref:
        return (self.kind, self.namespace, self.name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Change:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # its objects are dicts

    def _fields(self) -> tuple:
        return (self.type, self.kind, self.namespace, self.name, self.object, self.old)

    def __repr__(self) -> str:
        return f"Change({self.type}, {self.kind}, {self.namespace!r}, {self.name!r})"


class ClusterState:
    """Objects of one cluster (kubeconfig context) plus per-node facts."""

    def __init__(
        self,
        cluster: str = "default",
        *,
        share_parts: bool = False,
        pack: frozenset[str] = frozenset(),
    ) -> None:
        """`share_parts`: hold equal parts of objects once (explorer/state/shared_parts.py) —
        for a state of many objects that is never changed in place. `pack`: the kinds held as
        compressed JSON (explorer/state/packed.py PACKED_KINDS)."""
        self.cluster = cluster
        self.parts = SharedParts() if share_parts else None
        self.packed = pack
        self._packers: dict[str, Packer] = {}
        self._records: dict[str, dict[Key, Any]] = defaultdict(dict)  # kind -> key -> record
        self._shared_lists: set[str] = set()  # kinds whose coming list is shared already
        self._objects: dict[str, dict[Key, dict]] = defaultdict(dict)
        self._by_uid: dict[str, Ref] = {}
        # The indexes' buckets are dicts used as sets (every value None): a set takes 56-145
        # bytes an element, a dict 21-37 (2-3 of a pod's bytes in the state were set tables).
        self._children: dict[str, dict[Ref, None]] = defaultdict(dict)
        self._pods_by_node: dict[str, dict[Key, None]] = defaultdict(dict)
        self._by_namespace: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)  # (ns, kind)
        self._volume_by_claim: dict[Key, str] = {}  # from PersistentVolume spec.claimRef
        # node name -> {fact name (e.g. "iptables-save", "cgroups", "resolv.conf") -> value}
        self.node_facts: dict[str, dict[str, Any]] = {}
        # kind -> resourceVersion of the last list or event seen, for watchers and bundles
        self.resource_versions: dict[str, str] = {}
        # kind -> why it cannot be seen (RBAC, not served), so views can say "not visible"
        self.not_visible: dict[str, str] = {}
        # every change applied, with its time (explorer/state/change_log.py), when the store
        # keeps one: what explorer/state/as_of.py reads to draw an earlier moment
        self.change_log: Any = None

    @classmethod
    def compact(cls, cluster: str) -> ClusterState:
        """A state for many objects, as the app watches a cluster: equal parts shared and the
        PACKED_KINDS packed."""
        return cls(cluster, share_parts=True, pack=PACKED_KINDS)

    # ---- reading -------------------------------------------------------------------------

    def kinds(self) -> list[str]:
        return [kind for kind, objs in self._objects.items() if objs]

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        obj = self._objects.get(kind, {}).get((namespace or "", name))
        return self._packers[kind].unpack(obj) if obj.__class__ is bytes else obj

    def list(self, kind: str, namespace: str | None = None) -> Iterator[dict]:
        objs = self._objects.get(kind, {})
        if namespace is None:
            held: Iterable = objs.values()
        elif not namespace:  # cluster-scoped objects are not in the namespace index
            held = (obj for (ns, _), obj in objs.items() if not ns)
        else:
            names = sorted(self._by_namespace.get((namespace, kind), ()))
            held = (obj for n in names if (obj := objs.get((namespace, n))) is not None)
        packer = self._packers.get(kind)  # a packed kind has one once it holds anything
        yield from map(packer.unpack, held) if packer else held

    def held(self, kind: str) -> Sequence[dict]:
        """Every `kind` object held, in no order, at the cost of copying one map: what a
        checkpoint takes under the lock (a packed kind's objects stay packed until read)."""
        objs = list(self._objects.get(kind, {}).values())
        packer = self._packers.get(kind)
        return PackedObjects(objs, packer) if packer else objs

    def records(self, kind: str, namespace: str | None = None) -> Iterator[Any]:
        """The records (explorer/state/records.py) of the `kind` objects held: in the order
        `list` gives the objects."""
        if kind not in RECORDED:
            raise KeyError(f"no records are kept of {kind}")
        kept = self._records.get(kind, {})
        if namespace is None:
            yield from kept.values()
            return
        names = sorted(self._by_namespace.get((namespace, kind), ()))
        yield from (record for n in names if (record := kept.get((namespace, n))) is not None)

    def record(self, kind: str, namespace: str, name: str) -> Any:
        """The record of one object held, None when none is so named."""
        if kind not in RECORDED:
            raise KeyError(f"no records are kept of {kind}")
        return self._records.get(kind, {}).get((namespace or "", name))

    def record_by_uid(self, uid: str) -> Any:
        """The record of the object held with that uid, None when none is or its kind has no
        records."""
        ref = self._by_uid.get(uid)
        if ref is None or ref[0] not in RECORDED:
            return None
        return self._records.get(ref[0], {}).get(ref[1:])

    def keys(self, kind: str) -> Iterator[Key]:
        """The (namespace or "", name) of every object of `kind` held, in no order."""
        return iter(self._objects.get(kind, {}))

    def count(self, kind: str) -> int:
        return len(self._objects.get(kind, {}))

    def __len__(self) -> int:
        return sum(len(objs) for objs in self._objects.values())

    def by_uid(self, uid: str) -> dict | None:
        """The object held with that uid, of any kind but UNINDEXED_UIDS."""
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
            owner = controlling_reference(current)
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

    def pod_records_on_node(self, node: str) -> list[Any]:
        """The records (explorer/state/records.py PodRecord) of the pods on `node`, by key."""
        kept = self._records.get("Pod", {})
        return [kept[key] for key in sorted(self._pods_by_node.get(node, ())) if key in kept]

    def nodes_named_by_pods(self) -> set[str]:
        """The node names pods are scheduled to, held as Nodes or not."""
        return set(self._pods_by_node)

    def volume_for_claim(self, namespace: str, name: str) -> dict | None:
        claim = self.get("PersistentVolumeClaim", namespace, name)
        volume_name = spec_of(claim).get("volumeName")
        if volume_name:
            return self.get("PersistentVolume", "", volume_name)
        bound = self._volume_by_claim.get((namespace, name))
        return self.get("PersistentVolume", "", bound) if bound else None

    def storage_class_for_volume(self, name: str) -> dict | None:
        """The StorageClass a PersistentVolume names (None if it names none, or one not held)."""
        pv = self.get("PersistentVolume", "", name)
        class_name = spec_of(pv).get("storageClassName")
        return self.get("StorageClass", "", class_name) if class_name else None

    # ---- writing -------------------------------------------------------------------------

    def apply(self, event: dict, kind: str | None = None) -> Change | None:
        """Apply one watch event (`{"type": ..., "object": ...}`); return what changed.

        BOOKMARK and ERROR events change nothing and return None; so does an event whose object
        equals the one held. The resourceVersion of every event (BOOKMARK included) is recorded
        in `resource_versions`, as a reflector does. The object is taken over (redacted in place).
        """
        etype = event.get("type")
        obj = event.get("object")
        if not isinstance(obj, dict) or etype not in (ADDED, MODIFIED, DELETED, BOOKMARK):
            return None
        kind = kind or obj.get("kind")
        if not kind:
            raise ValueError("event object has no kind and none was given")
        version = resource_version_of(obj)
        if version:
            self.resource_versions[kind] = str(version)
        if etype == BOOKMARK or not _take(kind, obj):
            return None
        if etype == DELETED:
            return self._remove(kind, key_of(obj))
        return self._put(kind, obj)

    def upsert(self, obj: dict, kind: str | None = None) -> Change | None:
        return self.apply({"type": MODIFIED, "object": obj}, kind)

    def delete(self, kind: str, namespace: str, name: str) -> Change | None:
        return self._remove(kind, (namespace or "", name))

    def share_page(self, kind: str, objects: list[Any]) -> None:
        """Take a page of `kind`'s coming list now, so that no whole list is ever held as it
        was parsed (that made the process's peak as large as if nothing were shared): its
        objects' parts are shared (`replace` then does not), or for a packed kind each object
        in the list is replaced, in place, by what the state will hold of it (packed, its
        record made): the list handed to `replace` afterwards holds those."""
        if kind in self.packed:
            self.pack_page(kind, objects)
            for i, obj in enumerate(objects):
                if obj.__class__ is _Packed:
                    objects[i] = _Taken(obj.key, obj.blob, self._facts(kind, obj.fields))
            return
        if self.parts is None:
            return
        self._shared_lists.add(kind)
        for obj in objects:
            if _take(kind, obj):
                self.parts.share(kind, obj)

    def replace(
        self, kind: str, objects: Iterable[Any], resource_version: str = ""
    ) -> list[Change]:
        """Make `kind` hold exactly `objects` (a fresh list; dicts, or what `share_page` made
        of them); return the differences.

        A first list of 165,000 pods goes through here at once, on the watcher's critical path:
        each object's key is read once, and a kind that holds nothing yet is neither compared
        nor swept for what is gone."""
        changes: list[Change] = []
        seen: set[Key] = set()
        held = self._objects.get(kind)
        if kind in self.packed and kind not in self._packers:  # its dictionary from the list
            objects = list(objects)
            self._packer_from(kind, objects)
        shared = kind in self._shared_lists
        self._shared_lists.discard(kind)
        for obj in objects:
            if obj.__class__ is _Taken:
                key = obj.key
            elif _take(kind, obj):
                metadata = obj["metadata"]  # _take made sure of it, with a name
                key = (metadata.get("namespace") or "", metadata["name"])
            else:
                continue
            seen.add(key)
            change = self._put(kind, obj, key, shared=shared)
            if change is not None:
                changes.append(change)
        if held:  # what it held before and the list no longer has is gone
            for key in [k for k in held if k not in seen]:
                change = self._remove(kind, key)
                if change is not None:
                    changes.append(change)
        if resource_version:
            self.resource_versions[kind] = resource_version
        return changes

    def set_node_facts(self, node: str, facts: dict[str, Any]) -> None:
        self.node_facts.setdefault(node, {}).update(facts)

    def takes_json(self, kind: str) -> bool:
        """Whether `share_page` takes `kind`'s list items as their JSON (`msgspec.Raw`, read
        by explorer/state/listed_json.py) rather than parsed."""
        return kind in self.packed and kind in READS

    def pack_page(self, kind: str, objects: list[Any]) -> None:
        """The first half of `share_page` for a packed kind, which reads nothing of the state
        but the kind's Packer (used by one watcher's thread only): each object of the page
        replaced, in place, by its key, its packed JSON and what its facts are read from. The
        store runs it outside the cluster's lock, so that one kind's list packs (zstd lets go
        of the GIL) while another's takes its facts."""
        at: list[int] = []
        texts: list[bytes] = []
        read: list[tuple[Key, dict]] = []  # each object's key and what its facts are read from
        for i, obj in enumerate(objects):
            if obj.__class__ is msgspec.Raw:
                taken = take_json(kind, obj)
                if taken.__class__ is TakenJson:
                    at.append(i)
                    texts.append(taken.json)
                    read.append((taken.key, taken.fields))
                    continue
                objects[i] = obj = taken  # to be taken as parsed
            if obj.__class__ is dict and _take(kind, obj):
                at.append(i)
                texts.append(orjson.dumps(obj))
                read.append((key_of(obj), obj))
        if not texts:  # an empty page, or one packed already
            return
        packer = self._packers.get(kind)
        if packer is None:  # its dictionary from objects spread over the list's first page
            packer = self._packers[kind] = Packer(spread(texts))
        blobs = packer.pack_page(texts)
        for i, blob, (key, fields) in zip(at, blobs, read, strict=True):
            objects[i] = _Packed(key, blob, fields)

    # ---- internals -----------------------------------------------------------------------

    def _packer_from(self, kind: str, objects: list[Any]) -> Packer:
        """The kind's Packer, its dictionary made of objects spread over `objects` (a list is
        in namespace order: its first objects are alike and say little of the rest)."""
        taken = [obj for obj in objects if obj.__class__ is dict and _take(kind, obj)]
        packer = self._packers[kind] = Packer([orjson.dumps(obj) for obj in spread(taken)])
        return packer

    def _put(
        self, kind: str, obj: dict | _Taken, key: Key | None = None, *, shared: bool = False
    ) -> Change | None:
        packer = self._packers.get(kind)
        taken = obj.__class__ is _Taken
        if taken:
            key, held, facts = obj  # type: ignore[misc]
        else:
            if key is None:
                key = key_of(obj)  # type: ignore[arg-type]
            held = obj
            if kind in self.packed:
                packer = packer or self._packer_from(kind, [obj])  # one that came alone
                held = packer.pack(obj)  # type: ignore[arg-type]
        objs = self._objects[kind]
        old = objs.get(key)
        if old is not None and (old == held if packer is None else packer.same(old, held)):
            return None
        if not taken:
            if self.parts is not None and not shared and held is obj:
                self.parts.share(kind, obj)  # type: ignore[arg-type]
            facts = self._facts(kind, obj)  # type: ignore[arg-type]
        if held is not obj:  # changes carry it packed too: the change log keeps thousands
            obj = Packed(held, packer)  # type: ignore[arg-type]
        if old is not None:
            if old.__class__ is bytes:
                old = Packed(old, packer)  # type: ignore[arg-type]
            self._unindex(kind, key, self._facts(kind, opened(old), recorded=False))
        objs[key] = held
        self._index(kind, key, facts)
        return Change(ADDED if old is None else MODIFIED, kind, key[0], key[1], obj, old)

    def _remove(self, kind: str, key: Key) -> Change | None:
        old = self._objects.get(kind, {}).pop(key, None)
        if old is None:
            return None
        if old.__class__ is bytes:
            old = Packed(old, self._packers[kind])
        self._unindex(kind, key, self._facts(kind, opened(old), recorded=False))
        self._records.get(kind, {}).pop(key, None)  # _index replaces it in place, for a change
        return Change(DELETED, kind, key[0], key[1], old, old)

    def _facts(self, kind: str, obj: dict, *, recorded: bool = True) -> _Facts:
        """What the indexes file an object under (its record only when `recorded`)."""
        make = RECORDED.get(kind) if recorded else None
        node = claim = None
        if kind == "Pod":
            node = spec_of(obj).get("nodeName") or None
        elif kind == "PersistentVolume":
            claim = _claim_key(obj)
        record = None
        if make is not None:
            record = make(obj, self.parts.part if self.parts is not None else None)
            if self.parts is not None:
                self.parts.tidy()  # a packed kind's parts are shared by its records alone
        return _Facts(
            uid="" if kind in UNINDEXED_UIDS else (obj.get("metadata") or {}).get("uid") or "",
            owner_uids=tuple(_owner_uids(obj)),
            node=node,
            claim=claim,
            record=record,
        )

    def _index(self, kind: str, key: Key, facts: _Facts) -> None:
        ref = (kind, *key)
        if facts.uid:
            self._by_uid[facts.uid] = ref
        for owner_uid in facts.owner_uids:
            self._children[owner_uid][ref] = None
        if key[0]:
            self._by_namespace[(key[0], kind)][key[1]] = None
        if facts.record is not None:
            self._records[kind][key] = facts.record
        if facts.node:
            self._pods_by_node[facts.node][key] = None
        if facts.claim:
            self._volume_by_claim[facts.claim] = key[1]

    def _unindex(self, kind: str, key: Key, facts: _Facts) -> None:
        ref = (kind, *key)
        if facts.uid and self._by_uid.get(facts.uid) == ref:
            del self._by_uid[facts.uid]
        for owner_uid in facts.owner_uids:
            _discard(self._children, owner_uid, ref)
        if key[0]:
            _discard(self._by_namespace, (key[0], kind), key[1])
        if facts.node:
            _discard(self._pods_by_node, facts.node, key)
        if facts.claim and self._volume_by_claim.get(facts.claim) == key[1]:
            del self._volume_by_claim[facts.claim]


class _Facts(NamedTuple):
    uid: str
    owner_uids: tuple[str, ...]
    node: str | None  # a Pod's spec.nodeName
    claim: Key | None  # a PersistentVolume's claimRef
    record: Any  # explorer/state/records.py, for the kinds it records


class _Packed(NamedTuple):
    """An object of a packed kind packed ahead of its list (`pack_page`)."""

    key: Key
    blob: bytes
    fields: dict  # what its facts are read from: the object, or the fields read of its JSON


class _Taken(NamedTuple):
    """An object of a packed kind taken ahead of its list (`share_page`)."""

    key: Key
    blob: bytes
    facts: _Facts


def _discard(index: dict, bucket: Any, item: Any) -> None:
    members = index.get(bucket)
    if members is not None:
        members.pop(item, None)
        if not members:
            del index[bucket]


def _take(kind: str, obj: dict) -> bool:
    """Make an incoming object fit to hold as `kind`, in place; False if it cannot be held.

    Redacts it, names its kind (a Secret watched as PartialObjectMetadata is held as a Secret),
    and files it where a reader looks: a namespaced kind without a namespace lands in "default"
    as kubectl would put it, a cluster-scoped kind never has one.
    """
    redact(obj, kind)
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict) or not metadata.get("name"):
        log.warning("ignoring a %s without metadata.name", kind)
        return False
    resource = BY_KIND.get(kind)
    if obj.get("kind") == "PartialObjectMetadata":
        obj.pop("apiVersion", None)
        obj["kind"] = kind
    obj.setdefault("kind", kind)
    if resource is not None:
        obj.setdefault("apiVersion", resource.api_version)
        if resource.namespaced and not metadata.get("namespace"):
            metadata["namespace"] = "default"
        elif not resource.namespaced:
            metadata.pop("namespace", None)
    namespace = metadata.get("namespace")
    if namespace.__class__ is str:  # one string a namespace, in every key and index
        metadata["namespace"] = intern(namespace)
    return True


def _claim_key(pv: dict) -> Key | None:
    ref = spec_of(pv).get("claimRef") or {}
    return (ref.get("namespace") or "", ref["name"]) if ref.get("name") else None


def _owner_uids(obj: dict) -> list[str]:
    return [ref["uid"] for ref in owner_references(obj) if ref.get("uid")]
