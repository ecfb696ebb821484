"""Small bolt files made page by page, for the tests: sound ones to show each part of the format
is read, and hostile ones (cycles, pages past the end, lying counts) that a reader must refuse.
Written from the format as explorer/etcd/boltdb.py documents it."""

from __future__ import annotations

import struct

from explorer.etcd.boltdb import MAGIC, VERSION, fnv1a_64

PAGE = 4096
BRANCH, LEAF, META, FREELIST = 0x01, 0x02, 0x04, 0x10
BUCKET_FLAG = 0x01

Item = tuple[bytes, bytes, int]  # key, value, element flags


def _header(page_id: int, flags: int, count: int, overflow: int = 0) -> bytes:
    return struct.pack("<QHHI", page_id, flags, count, overflow)


def meta_page(
    page_id: int, *, root: int, high_water: int, txid: int, page_size: int = PAGE
) -> bytes:
    body = struct.pack("<IIIIQQQQQ", MAGIC, VERSION, page_size, 0, root, 0, 2, high_water, txid)
    return _pad(_header(page_id, META, 0) + body + struct.pack("<Q", fnv1a_64(body)), page_size)


def leaf_body(items: list[Item]) -> bytes:
    """The elements and data of a leaf page (after its header)."""
    table, data = b"", b""
    for index, (key, value, flags) in enumerate(items):
        pos = (len(items) - index) * 16 + len(data)  # from this element to its key
        table += struct.pack("<IIII", flags, pos, len(key), len(value))
        data += key + value
    return table + data


def leaf_page(page_id: int, items: list[Item], *, overflow: int = 0, count: int | None = None):
    body = leaf_body(items)
    pages = 1 + overflow
    return _pad(
        _header(page_id, LEAF, len(items) if count is None else count, overflow) + body,
        PAGE * pages,
    )


def branch_page(page_id: int, children: list[tuple[bytes, int]]) -> bytes:
    table, data = b"", b""
    for index, (key, child) in enumerate(children):
        pos = (len(children) - index) * 16 + len(data)
        table += struct.pack("<IIQ", pos, len(key), child)
        data += key
    return _pad(_header(page_id, BRANCH, len(children)) + table + data, PAGE)


def bucket(root_page: int, sequence: int = 0) -> bytes:
    return struct.pack("<QQ", root_page, sequence)


def inline_bucket(items: list[Item]) -> bytes:
    return bucket(0) + _header(0, LEAF, len(items)) + leaf_body(items)


def bolt_file(pages: dict[int, bytes], *, root: int, txid: int = 5) -> bytes:
    """Metas at 0 and 1 (the higher txid at 1), a freelist at 2, then `pages` (id → bytes,
    overflow pages included in the bytes), with the root bucket's tree at `root`."""
    body = {2: _pad(_header(2, FREELIST, 0), PAGE), **pages}
    high_water = max(page_id + len(data) // PAGE for page_id, data in body.items())
    out = bytearray(high_water * PAGE)
    body[0] = meta_page(0, root=root, high_water=high_water, txid=txid - 1)
    body[1] = meta_page(1, root=root, high_water=high_water, txid=txid)
    for page_id, data in body.items():
        out[page_id * PAGE : page_id * PAGE + len(data)] = data
    return bytes(out)


def _pad(data: bytes, size: int) -> bytes:
    assert len(data) <= size, "page contents larger than the page"
    return data + bytes(size - len(data))
