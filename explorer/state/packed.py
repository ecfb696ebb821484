"""Objects held as compressed JSON, for the kinds that are many, read seldom and small each.

A Python dict tree costs several times its JSON: a pod of 4.4 KB of JSON took 7 KB held as
dicts even with its repeated parts shared (explorer/state/shared_parts.py), an Event of 740
bytes 2.2 KB; compressed with zstd against a dictionary of objects of the kind's own first list
(a zstd "raw content" dictionary: nothing to train; a small document compresses well only when
what it repeats is in the dictionary: its keys, its kinds of values) a pod takes ~300 bytes, an
Event ~200. A ClusterState holds the objects of PACKED_KINDS so, with one `Packer` a kind, and
gives them back as fresh dicts on every read (a few µs to decompress, ~15 µs to parse a pod).

A packed kind is one no page reads whole on every change: pages that walk every object of it
read its records (explorer/state/records.py) and unpack only those they draw. Nodes and the
workload controllers stay plain dicts: pages read them whole.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import overload

import orjson
import zstandard

PACKED_KINDS = frozenset({"Pod", "Event", "Endpoints"})
SAMPLES = 16  # objects whose JSON makes a kind's dictionary: 12 KB of Events, 40 of Endpoints
_LEVEL = 1  # small documents: higher levels gain a few bytes for much more time


class Packer:
    """Packs one kind's objects of one state, against a dictionary made of `samples` (objects as
    the state holds them: redacted). Its blobs unpack only with it."""

    def __init__(self, samples: list[dict]) -> None:
        text = b"".join(orjson.dumps(sample) for sample in samples[:SAMPLES])
        self._dictionary = zstandard.ZstdCompressionDict(
            text, dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
        self._local = threading.local()  # zstd contexts are not to be shared between threads

    def pack(self, obj: dict) -> bytes:
        """The object as compressed JSON; equal objects (keys in the same order) pack equal."""
        packed = self._contexts()[0].compress(orjson.dumps(obj))
        # zstandard returns its output in a block the size of the worst case (~800 bytes for an
        # Event that packs to 200): a copy holds only what it needs
        return bytes(memoryview(packed))

    def unpack(self, packed: bytes) -> dict:
        """A fresh dict of the packed object, the caller's own to change."""
        return orjson.loads(self.json(packed))

    def json(self, packed: bytes) -> bytes:
        """The packed object's JSON, as orjson wrote it."""
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
