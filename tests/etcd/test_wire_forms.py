import pytest

from explorer.etcd import wire_forms
from explorer.etcd.protowire import Writer


def _time(seconds: int, nanos: int = 0) -> bytes:
    return Writer().varint(1, seconds).varint(2, nanos).done()


def test_a_time_is_rfc3339_in_whole_seconds_as_go_shows_it():
    assert wire_forms.read_time(_time(1704164645, 987654321)) == "2024-01-02T03:04:05Z"


def test_a_zero_time_is_null_whether_written_empty_or_as_zeros():
    assert wire_forms.read_time(b"") is None
    assert wire_forms.read_time(_time(0, 0)) is None


def test_a_microtime_keeps_six_fractional_digits():
    assert wire_forms.read_microtime(_time(1704164645, 120000999)) == "2024-01-02T03:04:05.120000Z"


def test_a_time_written_back_reads_the_same():
    text = "2017-06-27T16:35:34Z"

    assert wire_forms.read_time(wire_forms.write_time(text)) == text


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        (0, "0s"),
        (3600 * 10**9, "1h0m0s"),
        (30 * 10**9, "30s"),
        (90 * 10**9, "1m30s"),
        (1_500_000_000, "1.5s"),
        (250_000_000, "250ms"),
        (1500, "1.5µs"),
        (-5 * 10**9, "-5s"),
    ],
)
def test_a_duration_is_gos_duration_text_both_ways(nanoseconds, text):
    written = Writer().varint(1, nanoseconds).done()

    assert wire_forms.read_duration(written) == text
    assert wire_forms.parse_go_duration(text) == nanoseconds


def test_duration_text_that_go_would_refuse_is_an_error():
    with pytest.raises(wire_forms.WireFormError):
        wire_forms.parse_go_duration("5 minutes")


def test_a_quantity_is_its_string_field():
    assert wire_forms.read_quantity(Writer().string(1, "100m").done()) == "100m"


def test_an_int_or_string_is_the_int_or_the_string_its_type_names():
    as_int = Writer().varint(1, 0).varint(2, 8080).string(3, "").done()
    as_string = Writer().varint(1, 1).varint(2, 0).string(3, "http").done()

    assert wire_forms.read_int_or_string(as_int) == 8080
    assert wire_forms.read_int_or_string(as_string) == "http"
    assert wire_forms.read_int_or_string(wire_forms.write_int_or_string("http")) == "http"


def test_raw_extensions_and_fields_v1_are_their_json_parsed():
    raw = Writer().bytes(1, b'{"f:metadata":{"f:labels":{}}}').done()

    assert wire_forms.read_raw_json(raw) == {"f:metadata": {"f:labels": {}}}


def test_raw_bytes_that_are_not_json_are_a_wire_error_not_a_crash():
    with pytest.raises(wire_forms.WireError):
        wire_forms.read_raw_json(Writer().bytes(1, b"{not json").done())
