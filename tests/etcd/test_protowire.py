import pytest

from explorer.etcd.protowire import (
    LEN,
    VARINT,
    WireError,
    Writer,
    fields,
    packed_varints,
    read_varint,
    signed,
    zigzag,
)


def test_a_written_message_reads_back_field_by_field():
    inner = Writer().string(1, "pod").varint(2, 300)
    data = Writer().message(1, inner).varint(3, -5).bool(4, True).bytes(5, b"\x00\xff").done()

    read = list(fields(data))

    assert [(number, wire) for number, wire, _ in read] == [
        (1, LEN),
        (3, VARINT),
        (4, VARINT),
        (5, LEN),
    ]
    assert list(fields(read[0][2])) == [(1, LEN, b"pod"), (2, VARINT, 300)]
    assert signed(read[1][2]) == -5
    assert read[2][2] == 1
    assert read[3][2] == b"\x00\xff"


def test_a_negative_int32_takes_ten_bytes_as_go_writes_it():
    data = Writer().varint(1, -1).done()
    assert len(data) == 11
    assert signed(next(fields(data))[2]) == -1


def test_zigzag_and_packed_varints():
    assert [zigzag(v) for v in (0, 1, 2, 3)] == [0, -1, 1, -2]
    assert packed_varints(b"\x01\x96\x01\x03") == [1, 150, 3]


@pytest.mark.parametrize(
    "data, says",
    [
        (b"\x0a\x05ab", "claims 5 bytes, 2 left"),
        (b"\x08", "cut short"),
        (b"\x08" + b"\xff" * 11, "longer than 10 bytes"),
        (b"\x00\x01", "field number 0"),
        (b"\x0b", "wire type 3"),
        (b"\x09\x01\x02", "cut short"),
    ],
)
def test_a_malformed_message_is_one_clear_error(data, says):
    with pytest.raises(WireError, match=says):
        list(fields(data))


def test_a_varint_reads_with_its_end():
    assert read_varint(b"\xac\x02rest", 0) == (300, 2)
