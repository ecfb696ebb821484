"""A read-only reader of the bbolt file format (go.etcd.io/bbolt), the store under every etcd
data file: `etcdctl snapshot save` output and a member's `member/snap/db`.

The format, all integers little-endian:
- The file is pages of one size. A page opens with a 16-byte header: id u64, flags u16 (branch
  0x01, leaf 0x02, meta 0x04, freelist 0x10), count u16, overflow u32 — a page may run on over
  `overflow` following pages.
- Pages 0 and 1 are meta pages; after the header: magic u32 (0xED0CDAED), version u32 (2),
  page size u32, flags u32, the root bucket (root page u64, sequence u64), freelist page u64,
  high-water page id u64, txid u64, and the FNV-1a 64 checksum of the meta's bytes before it.
  The valid meta with the higher txid is the current one.
- A branch page holds `count` elements (pos u32, key size u32, child page u64); a leaf page
  `count` elements (flags u32, pos u32, key size u32, value size u32); `pos` counts from the
  element itself; a value follows its key. A leaf element with flag 0x01 is a nested bucket:
  its value is (root page u64, sequence u64), and a root page of 0 means an inline bucket, whose
  leaf page follows in the value itself.

Every offset is checked against the page and the file, every traversal keeps the pages it has
seen (a cycle is an error, not a loop) and a depth bound, so a hostile file costs one
`BoltError` line in time bounded by its size. Files are mapped (mmap), never read whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAGIC = 0xED0CDAED
VERSION = 2
SHA256_TRAILER = 32  # `etcdctl snapshot save` appends the sha256 of the bolt bytes

_PAGE_HEADER = struct.Struct("<QHHI")
_META = struct.Struct("<IIIIQQQQQQ")  # after the page header; the checksum is the last field
_META_SUMMED = _META.size - 8
_BRANCH_ELEMENT = struct.Struct("<IIQ")
_LEAF_ELEMENT = struct.Struct("<IIII")
_BUCKET_HEADER = struct.Struct("<QQ")

_BRANCH_PAGE, _LEAF_PAGE = 0x01, 0x02
_BUCKET_LEAF_FLAG = 0x01
_FIRST_DATA_PAGE = 2  # 0 and 1 are the metas
_MAX_DEPTH = 64  # a B+tree of 2^64 pages with two keys a page is not deeper
_PAGE_SIZES = tuple(1 << shift for shift in range(9, 21))  # 512 B .. 1 MiB

_FNV_OFFSET, _FNV_PRIME, _U64 = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


class BoltError(ValueError):
    """The file is not a bolt database, or a damaged or hostile one; the message says where."""


@dataclass(frozen=True, slots=True)
class BoltMeta:
    page_size: int
    flags: int
    root_page: int
    root_sequence: int
    freelist_page: int
    high_water: int  # pages in use: every page id is below it
    txid: int


@dataclass(frozen=True, slots=True)
class _Page:
    """A page's header and the bytes it spans (overflow pages included)."""

    id: int
    flags: int
    count: int
    data: memoryview


def fnv1a_64(data: bytes | memoryview) -> int:
    value = _FNV_OFFSET
    for byte in bytes(data):
        value = ((value ^ byte) * _FNV_PRIME) & _U64
    return value


def open_bolt(source: str | os.PathLike | bytes | bytearray | memoryview) -> BoltFile:
    """A bolt file from a path (mapped, not read) or from bytes already in memory."""
    if isinstance(source, bytes | bytearray | memoryview):
        return BoltFile(memoryview(source).cast("B"), closer=None)
    try:
        if not stat.S_ISREG(os.stat(source).st_mode):  # a FIFO or a device would block or lie
            raise BoltError(f"{Path(source).name}: not a regular file")
        with open(source, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise BoltError(f"{Path(source).name}: empty file, not a bolt database")
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as error:
        raise BoltError(f"cannot read {Path(source).name}: {error.strerror or error}") from None
    try:
        return BoltFile(memoryview(mapped), closer=mapped)
    except BaseException:
        with contextlib.suppress(BufferError):
            mapped.close()
        raise


class BoltFile:
    """An open bolt database, read-only. Use as a context manager, or call close()."""

    def __init__(self, data: memoryview, *, closer: mmap.mmap | None) -> None:
        self._closer = closer
        self.size = len(data)
        self.meta, self.damaged_meta = _current_meta(data)
        self.page_size = self.meta.page_size
        self.has_trailer = self.size % self.page_size == SHA256_TRAILER
        if self.has_trailer:
            _check_trailer(data)
            data = data[: self.size - SHA256_TRAILER]
        self._data = data
        in_use = self.meta.high_water * self.page_size
        if in_use > len(data):
            raise BoltError(
                f"truncated: the meta page counts {self.meta.high_water} pages of "
                f"{self.page_size} bytes ({in_use} bytes), the file holds {len(data)} bytes"
            )
        self.root = Bucket(self, b"", self.meta.root_page, self.meta.root_sequence, None, ())

    def bucket(self, name: bytes | str) -> Bucket:
        """A top-level bucket; BoltError when there is none of that name."""
        return self.root.bucket(name)

    def buckets(self) -> list[bytes]:
        return self.root.buckets()

    def close(self) -> None:
        """Unmap the file. A value or page view still held elsewhere keeps the mapping alive
        until it is collected (mmap refuses to close under a live view)."""
        self._data.release()
        if self._closer is not None:
            with contextlib.suppress(BufferError):
                self._closer.close()

    def __enter__(self) -> BoltFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _page(self, page_id: int) -> _Page:
        if not _FIRST_DATA_PAGE <= page_id < self.meta.high_water:
            raise BoltError(
                f"page {page_id} is outside the data pages 2..{self.meta.high_water - 1}"
            )
        start = page_id * self.page_size
        header = _PAGE_HEADER.unpack_from(self._data, start)
        own_id, flags, count, overflow = header
        if own_id != page_id:
            raise BoltError(f"page {page_id} calls itself page {own_id}")
        if page_id + 1 + overflow > self.meta.high_water:
            raise BoltError(f"page {page_id} runs {overflow} overflow pages past the end")
        end = start + (1 + overflow) * self.page_size
        return _Page(page_id, flags, count, self._data[start:end])


@dataclass(frozen=True, slots=True)
class _Ref:
    """Where a bucket's tree starts: a page of the file, or an inline page in a value."""

    page_id: int  # 0 for an inline bucket
    inline: memoryview | None


class Bucket:
    """A bucket (a B+tree of sorted keys); its values and its nested buckets."""

    def __init__(
        self,
        file: BoltFile,
        name: bytes,
        root_page: int,
        sequence: int,
        inline: memoryview | None,
        ancestors: tuple[int, ...],
    ) -> None:
        self.name = name
        self.sequence = sequence
        self._file = file
        self._root = _Ref(root_page, inline)
        self._ancestors = ancestors  # root pages of the buckets above: one seen again is a cycle

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        """Every (key, value) in key order; nested buckets are left out (see buckets())."""
        for key, flags, value in self._elements():
            if not flags & _BUCKET_LEAF_FLAG:
                yield key, bytes(value)

    def keys(self) -> Iterator[bytes]:
        for key, flags, _value in self._elements():
            if not flags & _BUCKET_LEAF_FLAG:
                yield key

    def get(self, key: bytes) -> bytes | None:
        """The value of one key (one root-to-leaf descent); None when absent or a bucket."""
        found = self._find(key)
        if found is None or found[0] & _BUCKET_LEAF_FLAG:
            return None
        return bytes(found[1])

    def buckets(self) -> list[bytes]:
        """The names of the buckets nested in this one, in key order."""
        return [key for key, flags, _value in self._elements() if flags & _BUCKET_LEAF_FLAG]

    def bucket(self, name: bytes | str) -> Bucket:
        """A nested bucket; BoltError when there is none of that name."""
        name = name.encode() if isinstance(name, str) else bytes(name)
        found = self._find(name)
        if found is None or not found[0] & _BUCKET_LEAF_FLAG:
            raise BoltError(f"no bucket {name.decode('utf-8', 'backslashreplace')!r}")
        return self._nested(name, found[1])

    def __repr__(self) -> str:
        return f"<Bucket {self.name.decode('utf-8', 'backslashreplace')!r}>"

    def _nested(self, name: bytes, value: memoryview) -> Bucket:
        shown = name.decode("utf-8", "backslashreplace")
        if len(value) < _BUCKET_HEADER.size:
            raise BoltError(f"bucket {shown!r}: its header is {len(value)} bytes, not 16")
        root_page, sequence = _BUCKET_HEADER.unpack_from(value)
        ancestors = (*self._ancestors, self._root.page_id)
        if root_page == 0:
            return Bucket(self._file, name, 0, sequence, value[_BUCKET_HEADER.size :], ancestors)
        if root_page in ancestors:
            raise BoltError(f"bucket {shown!r} is nested in itself (page {root_page})")
        if len(ancestors) > _MAX_DEPTH:
            raise BoltError(f"bucket {shown!r} is nested over {_MAX_DEPTH} deep")
        return Bucket(self._file, name, root_page, sequence, None, ancestors)

    def _root_page(self) -> _Page:
        if self._root.inline is None:
            return self._file._page(self._root.page_id)
        inline = self._root.inline
        if len(inline) < _PAGE_HEADER.size:
            raise BoltError(f"{self!r}: inline page of {len(inline)} bytes")
        _id, flags, count, _overflow = _PAGE_HEADER.unpack_from(inline)
        if flags != _LEAF_PAGE:
            raise BoltError(f"{self!r}: inline page is not a leaf (flags {flags:#x})")
        return _Page(0, flags, count, inline)

    def _elements(self) -> Iterator[tuple[bytes, int, memoryview]]:
        """(key, flags, value) of every leaf element, in order: one depth-first pass that
        visits each page once."""
        seen: set[int] = set()
        stack: list[tuple[_Page, int]] = [(self._root_page(), 0)]
        previous: bytes | None = None
        while stack:
            page, depth = stack.pop()
            if page.id:
                if page.id in seen:
                    raise BoltError(f"{self!r}: page {page.id} is reached twice (a cycle)")
                seen.add(page.id)
            if page.flags == _LEAF_PAGE:
                for key, flags, value in _leaf_elements(page):
                    if previous is not None and key <= previous:
                        raise BoltError(f"{self!r}: keys out of order in page {page.id}")
                    previous = key
                    yield key, flags, value
            elif page.flags == _BRANCH_PAGE:
                if depth >= _MAX_DEPTH:
                    raise BoltError(f"{self!r}: tree deeper than {_MAX_DEPTH} pages")
                children = [child for _key, child in _branch_elements(page)]
                stack.extend((self._file._page(child), depth + 1) for child in reversed(children))
            else:
                raise BoltError(f"{self!r}: page {page.id} is neither branch nor leaf")

    def _find(self, key: bytes) -> tuple[int, memoryview] | None:
        """(flags, value) of a key in the leaf it belongs to, by one descent."""
        page = self._root_page()
        seen: set[int] = set()
        for _depth in range(_MAX_DEPTH + 1):
            if page.id in seen:
                raise BoltError(f"{self!r}: page {page.id} is reached twice (a cycle)")
            seen.add(page.id)
            if page.flags == _LEAF_PAGE:
                for element_key, flags, value in _leaf_elements(page):
                    if element_key == key:
                        return flags, value
                    if element_key > key:
                        return None
                return None
            if page.flags != _BRANCH_PAGE:
                raise BoltError(f"{self!r}: page {page.id} is neither branch nor leaf")
            elements = _branch_elements(page)
            chosen = elements[0][1]
            for element_key, child in elements:
                if element_key > key:
                    break
                chosen = child
            page = self._file._page(chosen)
        raise BoltError(f"{self!r}: tree deeper than {_MAX_DEPTH} pages")


def _leaf_elements(page: _Page) -> Iterator[tuple[bytes, int, memoryview]]:
    data = page.data
    size = len(data)
    table_end = _PAGE_HEADER.size + page.count * _LEAF_ELEMENT.size
    if table_end > size:
        raise BoltError(f"page {page.id}: {page.count} elements do not fit in {size} bytes")
    table = data[_PAGE_HEADER.size : table_end]
    for index, (flags, pos, key_size, value_size) in enumerate(_LEAF_ELEMENT.iter_unpack(table)):
        start = _PAGE_HEADER.size + index * _LEAF_ELEMENT.size + pos
        middle = start + key_size
        end = middle + value_size
        if end > size:
            raise BoltError(f"page {page.id}: element {index} runs past the page")
        yield bytes(data[start:middle]), flags, data[middle:end]


def _branch_elements(page: _Page) -> list[tuple[bytes, int]]:
    data = page.data
    size = len(data)
    if page.count == 0:
        raise BoltError(f"page {page.id}: a branch page with no elements")
    table_end = _PAGE_HEADER.size + page.count * _BRANCH_ELEMENT.size
    if table_end > size:
        raise BoltError(f"page {page.id}: {page.count} elements do not fit in {size} bytes")
    elements = []
    table = data[_PAGE_HEADER.size : table_end]
    for index, (pos, key_size, child) in enumerate(_BRANCH_ELEMENT.iter_unpack(table)):
        start = _PAGE_HEADER.size + index * _BRANCH_ELEMENT.size + pos
        if start + key_size > size:
            raise BoltError(f"page {page.id}: element {index} runs past the page")
        elements.append((bytes(data[start : start + key_size]), child))
    return elements


def _read_meta(data: memoryview, offset: int) -> BoltMeta | str:
    """The meta page at an offset, or why it is not a valid one."""
    if offset + _PAGE_HEADER.size + _META.size > len(data):
        return "the file ends before it"
    start = offset + _PAGE_HEADER.size
    magic, version, page_size, flags, root, sequence, freelist, high_water, txid, checksum = (
        _META.unpack_from(data, start)
    )
    if magic != MAGIC:
        return "no bolt magic number"
    if version != VERSION:
        return f"bolt format version {version}, not {VERSION}"
    if checksum != fnv1a_64(data[start : start + _META_SUMMED]):
        return "checksum mismatch"
    if page_size not in _PAGE_SIZES:
        return f"page size {page_size} is not a power of two from 512 B to 1 MiB"
    if not _FIRST_DATA_PAGE <= root < high_water:
        return f"root page {root} is outside the data pages (high water {high_water})"
    return BoltMeta(page_size, flags, root, sequence, freelist, high_water, txid)


def _current_meta(data: memoryview) -> tuple[BoltMeta, str | None]:
    """The valid meta with the higher txid, and why the other is not valid (None if it is).
    The second meta sits one page in; its page size comes from the first meta, or is tried
    (as bbolt does) when the first is damaged."""
    first = _read_meta(data, 0)
    if isinstance(first, BoltMeta):
        second = _read_meta(data, first.page_size)
    else:
        second = "not found at any page size"
        for page_size in _PAGE_SIZES:
            candidate = _read_meta(data, page_size)
            if isinstance(candidate, BoltMeta) and candidate.page_size == page_size:
                second = candidate
                break
    valid = [meta for meta in (first, second) if isinstance(meta, BoltMeta)]
    if not valid:
        if first == "no bolt magic number" and not isinstance(second, BoltMeta):
            raise BoltError("not a bolt database (no bolt magic number at the start)")
        raise BoltError(f"both meta pages are invalid: page 0: {first}; page 1: {second}")
    if isinstance(second, BoltMeta) and isinstance(first, BoltMeta):
        if first.page_size != second.page_size:
            raise BoltError(
                f"the meta pages disagree on the page size: {first.page_size}, {second.page_size}"
            )
        return max(valid, key=lambda meta: meta.txid), None
    damaged = f"page 0: {first}" if isinstance(second, BoltMeta) else f"page 1: {second}"
    return valid[0], damaged


def _check_trailer(data: memoryview) -> None:
    body = data[: len(data) - SHA256_TRAILER]
    if hashlib.sha256(body).digest() != bytes(data[len(data) - SHA256_TRAILER :]):
        raise BoltError("the sha256 trailer does not match the file: it is damaged or cut")
