"""Objects held as compressed JSON, for the kinds that are many, read seldom and small each.

A Python dict tree costs several times its JSON: a pod of 4.4 KB of JSON took 7 KB held as
dicts even with its repeated parts shared (explorer/state/shared_parts.py), an Event of 740
bytes 2.2 KB; compressed with zstd against a dictionary of objects of the kind's own first list
(a zstd "raw content" dictionary: nothing to train; a small document compresses well only when
what it repeats is in the dictionary: its keys, its kinds of values) a pod takes ~300 bytes, an
Event ~200. A ClusterState holds the objects of PACKED_KINDS so, with one `Packer` a kind, and
gives them back as fresh dicts on every read (a few µs to decompress, ~15 µs to parse a pod).

A packed kind is one no page reads whole on every change: pages that walk every object of it
read its records (explorer/state/records.py) and unpack only those they draw. ReplicaSets and
Deployments are packed too (12,500 of each in a 165,000-pod cluster, ~5 KB each as shared
dicts with their indexes, 1.4-1.8 KB packed: tests/state/test_packed_kinds.py; the
workload hierarchy reads who owns a ReplicaSet from its record), and EndpointSlices (one an
endpoint of ~900 bytes as dicts; the network pages that walk them all read their records);
Nodes, Services and the other controllers stay plain dicts: pages read them whole.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import overload

import orjson
import zstandard

PACKED_KINDS = frozenset({"Pod", "Event", "Endpoints", "EndpointSlice", "ReplicaSet", "Deployment"})
SAMPLES = 16  # objects whose JSON makes a dictionary: 70 KB of pods, 12 KB of Events
_LEVEL = 1  # level 3 and 32 samples packed pods no smaller and listed them 10 % slower
NEW_DICTIONARY_AT = 1.5  # a page packing this much worse than its dictionary's own gets one
_MAX_DICTIONARIES = 255  # each blob's first byte names its dictionary


class Packer:
    """Packs one kind's objects of one state (redacted, as the state holds them) against
    dictionaries made of its own objects; its blobs unpack only with it.

    A list comes in namespace order, and its first page may hold none of the shapes of the rest
    (the demo's first 500 pods, against a dictionary of their own, packed the others to ~800
    bytes instead of ~300): a page of a list that compresses NEW_DICTIONARY_AT times worse (its
    blobs' bytes to its JSON's) than the objects its dictionary met first gets a dictionary of
    its own (`pack_page`) — measured on the objects that are not the dictionary's own samples,
    which it packs to almost nothing. Each blob starts with the number of its dictionary."""

    def __init__(self, samples: list[bytes]) -> None:
        """`samples`: the JSON of objects spread over a list (`spread`)."""
        self._dictionaries = [_Dictionary(samples)]
        self._samples = {id(sample) for sample in samples}  # until the first page is packed
        self._baseline: float | None = None  # the ratio the last dictionary met first

    def pack(self, obj: dict) -> bytes:
        """The object as compressed JSON, against the latest dictionary."""
        return self._pack_with(len(self._dictionaries) - 1, orjson.dumps(obj))

    def pack_page(self, texts: list[bytes]) -> list[bytes]:
        """A page of a list (its objects' JSON) packed, with a dictionary of its own made first
        when the latest one does badly on it."""
        latest = len(self._dictionaries) - 1
        packed = [self._pack_with(latest, text) for text in texts]
        ratio = _ratio(packed, texts, self._samples)
        self._samples = set()
        if ratio is None:
            return packed
        if self._baseline is None:
            self._baseline = ratio
        elif ratio > NEW_DICTIONARY_AT * self._baseline and latest + 1 < _MAX_DICTIONARIES:
            samples = spread(texts)
            self._dictionaries.append(_Dictionary(samples))
            packed = [self._pack_with(latest + 1, text) for text in texts]
            self._baseline = _ratio(packed, texts, {id(sample) for sample in samples})
        return packed

    def same(self, held: bytes, packed: bytes) -> bool:
        """Whether two blobs hold the same object: equal JSON (packed against one dictionary
        or two), or JSON written otherwise (a list's as the server wrote it, a watched
        object's as orjson writes it) of equal objects."""
        if held == packed:
            return True
        before, after = self.json(held), self.json(packed)
        return before == after or orjson.loads(before) == orjson.loads(after)

    def unpack(self, packed: bytes) -> dict:
        """A fresh dict of the packed object, the caller's own to change."""
        return orjson.loads(self.json(packed))

    def json(self, packed: bytes) -> bytes:
        """The packed object's JSON, as it was packed."""
        return self._dictionaries[packed[0]].decompress(memoryview(packed)[1:])

    @property
    def dictionaries(self) -> int:
        return len(self._dictionaries)

    def _pack_with(self, number: int, text: bytes) -> bytes:
        # zstandard returns its output in a block the size of the worst case (~800 bytes for an
        # Event that packs to 200): the concatenation holds only what it needs
        return _NUMBERS[number] + self._dictionaries[number].compress(text)


_NUMBERS = [bytes((number,)) for number in range(_MAX_DICTIONARIES)]


def _ratio(packed: list[bytes], texts: list[bytes], left_out: set[int]) -> float | None:
    """Packed bytes to JSON bytes over the texts but those `left_out` (ids); None if none."""
    kept = [i for i, text in enumerate(texts) if id(text) not in left_out]
    json = sum(len(texts[i]) for i in kept)
    return sum(len(packed[i]) for i in kept) / json if json else None


def spread(objects: list) -> list:
    """SAMPLES objects spread over `objects` (a list's neighbours are alike)."""
    return objects[:: max(1, len(objects) // SAMPLES)][:SAMPLES]


class _Dictionary:
    """One zstd "raw content" dictionary and its contexts, one pair a thread (zstd contexts are
    not to be shared between threads)."""

    def __init__(self, samples: list[bytes]) -> None:
        text = b"".join(samples[:SAMPLES])
        self._dictionary = zstandard.ZstdCompressionDict(
            text, dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
        self._local = threading.local()

    def compress(self, text: bytes) -> bytes:
        return self._contexts()[0].compress(text)

    def decompress(self, packed: memoryview) -> bytes:
        return self._contexts()[1].decompress(packed)

    def _contexts(self) -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
        contexts = getattr(self._local, "contexts", None)
        if contexts is None:
            contexts = self._local.contexts = (
                zstandard.ZstdCompressor(level=_LEVEL, dict_data=self._dictionary),
                zstandard.ZstdDecompressor(dict_data=self._dictionary),
            )
        return contexts


class Packed:
    """One packed object, with its Packer: what a change (and the change log's recent entries)
    carries of a packed kind, unpacked only by whoever reads it."""

    __slots__ = ("blob", "packer")

    def __init__(self, blob: bytes, packer: Packer) -> None:
        self.blob = blob
        self.packer = packer

    def unpack(self) -> dict:
        return self.packer.unpack(self.blob)

    def fragment(self) -> orjson.Fragment:
        """Its JSON, which orjson writes as it is."""
        return orjson.Fragment(self.packer.json(self.blob))


def opened(value: dict | Packed | None) -> dict | None:
    """An object that may be packed, as a dict."""
    return value.unpack() if value.__class__ is Packed else value  # type: ignore[union-attr]


class PackedObjects(Sequence):
    """A kind's packed objects as a list of them, taken without unpacking any (a checkpoint
    copies the maps under the cluster's lock: unpacking 124,000 Events there took seconds and
    hundreds of MB). Read as a list, each object is unpacked as it is read; `fragments` gives
    their JSON as `orjson.Fragment`s, which orjson writes as they are, so that the checkpoint's
    writer streams them without making a dict."""

    def __init__(self, packed: list[bytes], packer: Packer) -> None:
        self._packed = packed
        self._packer = packer

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> dict: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._packer.unpack(p) for p in self._packed[index]]
        return self._packer.unpack(self._packed[index])

    def __iter__(self) -> Iterator[dict]:
        return map(self._packer.unpack, self._packed)

    def fragments(self, start: int, stop: int) -> list[orjson.Fragment]:
        return [orjson.Fragment(self._packer.json(p)) for p in self._packed[start:stop]]
