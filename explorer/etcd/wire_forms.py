"""Kubernetes' own wire forms (apimachinery), read from protobuf to JSON values and written back.

Field numbers, from k8s.io/apimachinery's `generated.proto` files:
- meta.v1.Time and MicroTime: seconds = 1 (int64), nanos = 2 (int32);
- meta.v1.Duration: duration = 1 (int64 nanoseconds);
- resource.Quantity: string = 1;
- intstr.IntOrString: type = 1 (0 int, 1 string), intVal = 2, strVal = 3;
- runtime.RawExtension: raw = 1 (JSON bytes); meta.v1.FieldsV1: Raw = 1 (JSON bytes).

JSON forms follow Go: a Time is RFC 3339 in whole seconds (`2024-01-02T03:04:05Z`), a zero Time
is null; a MicroTime has six fractional digits; a Duration is Go's `time.Duration.String()`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

import orjson

from .protowire import LEN, VARINT, WireError, Writer, fields, signed

Json = object

_MAX_DURATION_NS = (1 << 63) - 1


class WireFormError(ValueError):
    """A value does not fit the wire form (bad time text, a non-JSON raw extension…)."""


def _seconds_nanos(data: bytes) -> tuple[int, int]:
    seconds = nanos = 0
    for number, wire_type, value in fields(data):
        if wire_type != VARINT:
            raise WireError(f"time field {number} has wire type {wire_type}")
        if number == 1:
            seconds = signed(value)  # type: ignore[arg-type]
        elif number == 2:
            nanos = signed(value)  # type: ignore[arg-type]
    return seconds, nanos


def _utc(seconds: int) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise WireError(f"time {seconds} s is out of range") from error


def read_time(data: bytes) -> str | None:
    seconds, nanos = _seconds_nanos(data)
    if seconds == 0 and nanos == 0:
        return None
    return _utc(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_microtime(data: bytes) -> str | None:
    seconds, nanos = _seconds_nanos(data)
    if seconds == 0 and nanos == 0:
        return None
    if not 0 <= nanos < 1_000_000_000:
        raise WireError(f"nanos {nanos} out of range")
    return _utc(seconds).strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos // 1000:06d}Z"


def read_duration(data: bytes) -> str:
    nanoseconds = 0
    for number, wire_type, value in fields(data):
        if number == 1 and wire_type == VARINT:
            nanoseconds = signed(value)  # type: ignore[arg-type]
    return go_duration(nanoseconds)


def read_quantity(data: bytes) -> str:
    text = ""
    for number, wire_type, value in fields(data):
        if number == 1 and wire_type == LEN:
            text = value.decode()  # type: ignore[union-attr]
    return text


def read_int_or_string(data: bytes) -> int | str:
    kind, int_value, str_value = 0, 0, ""
    for number, wire_type, value in fields(data):
        if number == 1 and wire_type == VARINT:
            kind = signed(value)  # type: ignore[arg-type]
        elif number == 2 and wire_type == VARINT:
            int_value = signed(value)  # type: ignore[arg-type]
        elif number == 3 and wire_type == LEN:
            str_value = value.decode()  # type: ignore[union-attr]
    return str_value if kind == 1 else int_value


def read_raw_json(data: bytes) -> Json:
    """RawExtension and FieldsV1: field 1 holds JSON bytes."""
    raw = b""
    for number, wire_type, value in fields(data):
        if number == 1 and wire_type == LEN:
            raw = value  # type: ignore[assignment]
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise WireError(f"raw JSON does not parse: {error}") from error


_UNITS = (("h", 3600 * 10**9), ("m", 60 * 10**9))


def go_duration(nanoseconds: int) -> str:
    """Go's `time.Duration.String()`: `1h0m0s`, `30s`, `1.5s`, `250ms`, `0s`."""
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    ns = abs(nanoseconds)
    if ns < 10**9:
        for unit, size in (("ms", 10**6), ("µs", 10**3), ("ns", 1)):
            if ns >= size:
                return sign + _fraction(ns, size) + unit
    text = ""
    for unit, size in _UNITS:
        if ns >= size or text:
            text += f"{ns // size}{unit}"
            ns %= size
    return sign + text + _fraction(ns, 10**9) + "s"


def _fraction(value: int, unit: int) -> str:
    whole, rest = divmod(value, unit)
    if not rest:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{rest:0{digits}d}".rstrip("0")


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,
    "μs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}


def parse_go_duration(text: str) -> int:
    """Nanoseconds of Go duration text (`1h0m0s`, `-1.5s`)."""
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0
    position, total = 0, 0
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        number, unit = match.groups()
        whole, _, fraction = number.partition(".")
        scale = _UNIT_NS[unit]
        total += int(whole or 0) * scale
        if fraction:
            total += int(fraction) * scale // 10 ** len(fraction)
        position = match.end()
    if not body or position != len(body) or total > _MAX_DURATION_NS:
        raise WireFormError(f"not a Go duration: {text!r}")
    return -total if text.startswith("-") else total


def parse_time(text: str) -> tuple[int, int]:
    """Seconds and nanoseconds of an RFC 3339 time."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise WireFormError(f"not an RFC 3339 time: {text!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() // 1)
    return seconds, moment.microsecond * 1000


def write_time(text: str | None) -> bytes:
    if text is None:
        return b""
    seconds, nanos = parse_time(text)
    writer = Writer()
    if seconds:
        writer.varint(1, seconds)
    if nanos:
        writer.varint(2, nanos)
    return writer.done()


def write_duration(text: str) -> bytes:
    return Writer().varint(1, parse_go_duration(text)).done()


def write_quantity(text: str) -> bytes:
    return Writer().string(1, text).done()


def write_int_or_string(value: int | str) -> bytes:
    if isinstance(value, str):
        return Writer().varint(1, 1).varint(2, 0).string(3, value).done()
    return Writer().varint(1, 0).varint(2, value).string(3, "").done()


def write_raw_json(value: Json) -> bytes:
    if value is None:
        return b""
    return Writer().bytes(1, orjson.dumps(value)).done()


# A cluster's objects repeat a few thousand times and quantities ("100m", "128Mi") a great many
# times, and formatting a time was a fifth of decoding a Pod: the readers of the forms whose
# value cannot be changed by its caller (a str or an int) remember the last ones read.
_REMEMBERED = 4096

READERS = {
    "time": lru_cache(_REMEMBERED)(read_time),
    "microtime": lru_cache(_REMEMBERED)(read_microtime),
    "duration": lru_cache(_REMEMBERED)(read_duration),
    "quantity": lru_cache(_REMEMBERED)(read_quantity),
    "intorstring": lru_cache(_REMEMBERED)(read_int_or_string),
    "rawextension": read_raw_json,
    "fieldsv1": read_raw_json,
}
