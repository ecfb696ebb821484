"""The bbolt reader: each part of the format read, and every damaged, foreign or hostile file
refused with one BoltError line in bounded time."""

from __future__ import annotations

import hashlib
import os
import random
import struct
from pathlib import Path

import pytest

from explorer.etcd.boltdb import BoltError, open_bolt
from tests.etcd import bolt_builder as bb

AUGER_DB = Path("/tmp/shared/fixtures/real/etcd/auger/boltdb/db")
ETCD_BUCKETS = [
    b"alarm",
    b"auth",
    b"authRoles",
    b"authUsers",
    b"cluster",
    b"key",
    b"lease",
    b"members",
    b"members_removed",
    b"meta",
]


def _tree_file() -> bytes:
    """A bucket over a branch page and two leaves (one with a value on overflow pages), an
    inline bucket holding a nested inline bucket, and a nested bucket on its own page."""
    return bb.bolt_file(
        {
            3: bb.leaf_page(
                3,
                [
                    (b"inline", bb.inline_bucket(_INLINE), bb.BUCKET_FLAG),
                    (b"tree", bb.bucket(4, sequence=7), bb.BUCKET_FLAG),
                ],
            ),
            4: bb.branch_page(4, [(b"a", 5), (b"m", 6)]),
            5: bb.leaf_page(5, [(b"a", b"1", 0), (b"b", b"2", 0), (b"child", bb.bucket(9), 1)]),
            6: bb.leaf_page(6, [(b"m", _BIG, 0), (b"z", b"26", 0)], overflow=2),
            9: bb.leaf_page(9, [(b"leaf", b"of the child", 0)]),
        },
        root=3,
    )


_BIG = bytes(range(256)) * 40  # 10,240 bytes: three pages
_INLINE = [
    (b"k", b"v", 0),
    (b"nested", bb.inline_bucket([(b"deep", b"down", 0)]), bb.BUCKET_FLAG),
]


# -- reading --------------------------------------------------------------------------------------


def test_the_real_etcd_file_has_etcds_buckets_and_the_current_meta():
    with open_bolt(AUGER_DB) as bolt:
        assert bolt.buckets() == ETCD_BUCKETS
        assert (bolt.page_size, bolt.meta.txid, bolt.has_trailer) == (4096, 3, False)
        assert bolt.damaged_meta is None
        assert dict(bolt.bucket("cluster").items()) == {b"clusterVersion": b"3.2.0"}


def test_a_bucket_over_branch_and_overflow_pages_lists_its_items_in_key_order():
    with open_bolt(_tree_file()) as bolt:
        tree = bolt.bucket("tree")
        assert list(tree.items()) == [(b"a", b"1"), (b"b", b"2"), (b"m", _BIG), (b"z", b"26")]
        assert tree.buckets() == [b"child"]
        assert tree.sequence == 7


def test_get_finds_a_key_in_any_leaf_and_none_for_absent_keys_or_buckets():
    with open_bolt(_tree_file()) as bolt:
        tree = bolt.bucket("tree")
        assert [tree.get(key) for key in (b"a", b"m", b"z")] == [b"1", _BIG, b"26"]
        assert [tree.get(key) for key in (b"0", b"c", b"n", b"zz", b"child")] == [None] * 5


def test_inline_and_nested_buckets_are_opened_by_name():
    with open_bolt(_tree_file()) as bolt:
        inline = bolt.bucket(b"inline")
        assert list(inline.items()) == [(b"k", b"v")]
        assert list(inline.bucket("nested").items()) == [(b"deep", b"down")]
        assert list(bolt.bucket("tree").bucket("child").items()) == [(b"leaf", b"of the child")]
        with pytest.raises(BoltError, match="no bucket 'absent'"):
            bolt.bucket("absent")
        with pytest.raises(BoltError, match="no bucket 'k'"):
            inline.bucket("k")  # a value, not a bucket


def test_a_file_is_read_from_a_path_and_from_bytes_alike(tmp_path):
    path = tmp_path / "db"
    path.write_bytes(_tree_file())

    with open_bolt(path) as from_path, open_bolt(_tree_file()) as from_bytes:
        assert list(from_path.bucket("tree").items()) == list(from_bytes.bucket("tree").items())


def test_the_meta_with_the_higher_txid_wins():
    older = bb.bolt_file({3: bb.leaf_page(3, [(b"old", bb.inline_bucket([]), 1)])}, root=3)
    newer = bb.bolt_file({4: bb.leaf_page(4, [(b"new", bb.inline_bucket([]), 1)])}, root=4, txid=9)
    # page 0 from a file at txid 4 pointing to page 3, page 1 from one at txid 9 pointing to 4
    mixed = older[: bb.PAGE] + newer[bb.PAGE :]
    mixed = mixed[: 3 * bb.PAGE] + older[3 * bb.PAGE : 4 * bb.PAGE] + mixed[4 * bb.PAGE :]

    with open_bolt(mixed) as bolt:
        assert bolt.meta.txid == 9
        assert bolt.buckets() == [b"new"]


def test_a_file_with_a_good_sha256_trailer_is_read_and_says_so():
    body = _tree_file()

    with open_bolt(body + hashlib.sha256(body).digest()) as bolt:
        assert bolt.has_trailer
        assert list(bolt.bucket("tree").keys()) == [b"a", b"b", b"m", b"z"]


# -- damaged, foreign and hostile files: one clear line, in bounded time -------------------------


def _refused(data: bytes | Path, match: str) -> str:
    with pytest.raises(BoltError, match=match) as raised, open_bolt(data) as bolt:
        _walk(bolt.root, depth=0)
    message = str(raised.value)
    assert "\n" not in message
    return message


def _walk(bucket, depth: int) -> None:
    """Everything a reader of the file would touch: every item of every bucket, every get."""
    keys = [key for key, _value in bucket.items()]
    for key in keys:
        bucket.get(key)
    for name in bucket.buckets():
        assert depth < 100, "the reader let a bucket nest forever"
        _walk(bucket.bucket(name), depth + 1)


@pytest.mark.timeout(10)
def test_random_bytes_are_not_a_bolt_database():
    noise = random.Random(12).randbytes(64 * 1024)

    _refused(noise, "not a bolt database")


@pytest.mark.timeout(10)
def test_an_empty_or_tiny_file_is_not_a_bolt_database(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")

    _refused(empty, "empty file")
    _refused(b"\xed\xda\x0c\xed", "both meta pages are invalid")


@pytest.mark.timeout(10)
def test_a_missing_file_is_one_clear_line(tmp_path):
    _refused(tmp_path / "nothing-here", "cannot read nothing-here")


@pytest.mark.timeout(10)
def test_a_directory_or_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    _refused(tmp_path, "not a regular file")
    _refused(fifo, "fifo: not a regular file")


@pytest.mark.timeout(10)
def test_a_page_that_points_to_itself_is_a_cycle_not_a_loop():
    file = bb.bolt_file(
        {
            3: bb.leaf_page(3, [(b"b", bb.bucket(4), 1)]),
            4: bb.branch_page(4, [(b"a", 5), (b"m", 4)]),
            5: bb.leaf_page(5, [(b"a", b"1", 0)]),
        },
        root=3,
    )

    _refused(file, "page 4 is reached twice")
    with open_bolt(file) as bolt, pytest.raises(BoltError, match="reached twice"):
        bolt.bucket("b").get(b"z")  # the descent follows the same pointer


@pytest.mark.timeout(10)
def test_two_branches_sharing_a_page_are_refused():
    file = bb.bolt_file(
        {
            3: bb.leaf_page(3, [(b"b", bb.bucket(4), 1)]),
            4: bb.branch_page(4, [(b"a", 5), (b"m", 5)]),
            5: bb.leaf_page(5, [(b"a", b"1", 0)]),
        },
        root=3,
    )

    _refused(file, "page 5 is reached twice")


@pytest.mark.timeout(10)
def test_a_bucket_nested_in_itself_is_refused():
    file = bb.bolt_file(
        {
            3: bb.leaf_page(3, [(b"loop", bb.bucket(4), 1)]),
            4: bb.leaf_page(4, [(b"again", bb.bucket(4), 1)]),
        },
        root=3,
    )

    _refused(file, "bucket 'again' is nested in itself")


@pytest.mark.timeout(10)
def test_a_bucket_pointing_back_at_the_root_is_refused():
    file = bb.bolt_file({3: bb.leaf_page(3, [(b"root", bb.bucket(3), 1)])}, root=3)

    _refused(file, "bucket 'root' is nested in itself")


@pytest.mark.timeout(10)
def test_a_page_id_past_the_end_is_refused():
    file = bb.bolt_file(
        {3: bb.leaf_page(3, [(b"b", bb.bucket(4), 1)]), 4: bb.branch_page(4, [(b"a", 10**12)])},
        root=3,
    )

    _refused(file, "page 1000000000000 is outside the data pages 2..4")


@pytest.mark.timeout(10)
def test_a_pointer_to_a_meta_page_is_refused():
    file = bb.bolt_file({3: bb.leaf_page(3, [(b"b", bb.bucket(1), 1)])}, root=3)

    _refused(file, "page 1 is outside the data pages")


@pytest.mark.timeout(10)
def test_an_overflow_count_past_the_end_is_refused():
    page = bytearray(bb.leaf_page(3, [(b"k", b"v", 0)]))
    struct.pack_into("<I", page, 12, 0xFFFFFFFF)

    _refused(bb.bolt_file({3: bytes(page)}, root=3), "runs 4294967295 overflow pages past the end")


@pytest.mark.timeout(10)
def test_a_huge_key_count_in_a_small_page_is_refused():
    file = bb.bolt_file({3: bb.leaf_page(3, [(b"k", b"v", 0)], count=0xFFFF)}, root=3)

    _refused(file, "65535 elements do not fit in 4096 bytes")


@pytest.mark.timeout(10)
def test_an_element_running_past_its_page_is_refused():
    page = bytearray(bb.leaf_page(3, [(b"k", b"v", 0)]))
    struct.pack_into("<I", page, 16 + 12, 0x7FFFFFFF)  # the value size

    _refused(bb.bolt_file({3: bytes(page)}, root=3), "element 0 runs past the page")


@pytest.mark.timeout(10)
def test_a_page_that_is_not_the_page_it_should_be_is_refused():
    page = bytearray(bb.leaf_page(3, [(b"k", b"v", 0)]))
    struct.pack_into("<Q", page, 0, 77)

    _refused(bb.bolt_file({3: bytes(page)}, root=3), "page 3 calls itself page 77")


@pytest.mark.timeout(10)
def test_keys_out_of_order_are_refused():
    file = bb.bolt_file({3: bb.leaf_page(3, [(b"b", b"1", 0), (b"a", b"2", 0)])}, root=3)

    _refused(file, "keys out of order")


@pytest.mark.timeout(10)
def test_a_chain_of_branches_deeper_than_any_real_tree_is_refused():
    pages = {3: bb.leaf_page(3, [(b"deep", bb.bucket(4), 1)])}
    for page_id in range(4, 104):
        pages[page_id] = bb.branch_page(page_id, [(b"a", page_id + 1)])
    pages[104] = bb.leaf_page(104, [(b"a", b"bottom", 0)])

    _refused(bb.bolt_file(pages, root=3), "tree deeper than 64 pages")


@pytest.mark.timeout(10)
def test_a_truncated_file_is_refused(tmp_path):
    whole = _tree_file()
    cut = tmp_path / "cut"
    cut.write_bytes(whole[: 5 * bb.PAGE])

    message = _refused(cut, "truncated")
    assert f"the file holds {5 * bb.PAGE} bytes" in message


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("page", "other_txid"), [(0, 5), (1, 4)])
def test_a_flipped_byte_in_one_meta_page_falls_back_to_the_other_as_bbolt_does(page, other_txid):
    damaged = bytearray(_tree_file())
    damaged[page * bb.PAGE + 16 + 40] ^= 0x01  # that meta's txid

    with open_bolt(bytes(damaged)) as bolt:
        assert bolt.meta.txid == other_txid
        assert f"page {page}: checksum mismatch" in bolt.damaged_meta
        assert list(bolt.bucket("tree").keys()) == [b"a", b"b", b"m", b"z"]


@pytest.mark.timeout(10)
def test_a_flipped_byte_in_both_meta_pages_is_refused():
    damaged = bytearray(_tree_file())
    damaged[16 + 24] ^= 0x01
    damaged[bb.PAGE + 16 + 24] ^= 0x01

    _refused(bytes(damaged), "both meta pages are invalid: page 0: checksum mismatch")


@pytest.mark.timeout(10)
def test_a_flipped_byte_under_a_sha256_trailer_is_caught_by_the_trailer():
    body = bytearray(_tree_file())
    trailer = hashlib.sha256(body).digest()
    body[5 * bb.PAGE + 100] ^= 0x40

    _refused(bytes(body) + trailer, "sha256 trailer does not match")


@pytest.mark.timeout(10)
def test_a_bad_trailer_is_refused():
    _refused(_tree_file() + bytes(32), "sha256 trailer does not match")


@pytest.mark.timeout(10)
def test_a_foreign_file_is_refused(tmp_path):
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))

    _refused(foreign, "not a bolt database")


@pytest.mark.timeout(30)
def test_random_damage_anywhere_in_a_real_file_is_read_or_refused_never_anything_else():
    real = AUGER_DB.read_bytes()
    chance = random.Random(7)
    for _ in range(2000):
        damaged = bytearray(real)
        for _flip in range(chance.randint(1, 8)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        try:
            with open_bolt(bytes(damaged)) as bolt:
                _walk(bolt.root, depth=0)
        except BoltError as error:
            assert "\n" not in str(error)


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("value", "match"),
    [
        (b"\x00" * 8, "its header is 8 bytes, not 16"),
        (bb.bucket(0) + b"\x00" * 4, "inline page of 4 bytes"),
        (bb.bucket(0) + struct.pack("<QHHI", 0, bb.BRANCH, 1, 0), "inline page is not a leaf"),
        (bb.bucket(0) + struct.pack("<QHHI", 0, bb.LEAF, 900, 0), "900 elements do not fit"),
    ],
)
def test_a_damaged_inline_bucket_is_refused(value, match):
    _refused(bb.bolt_file({3: bb.leaf_page(3, [(b"in", value, 1)])}, root=3), match)
