"""Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1G`, `2e3`) as exact numbers."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}


class QuantityError(ValueError):
    pass


def parse_quantity(text: str | int | float) -> Decimal:
    """The value of a quantity as a Decimal (`"500m"` → 0.5, `"1Ki"` → 1024)."""
    if isinstance(text, int | float):
        return Decimal(str(text))
    raw = str(text).strip()
    if not raw:
        raise QuantityError("empty quantity")
    suffix = raw[-2:]
    if suffix in _BINARY:
        number, multiplier = raw[:-2], Decimal(_BINARY[suffix])
    elif raw[-1] in _DECIMAL and not raw[-1].isdigit():
        number, multiplier = raw[:-1], _DECIMAL[raw[-1]]
    else:
        number, multiplier = raw, Decimal(1)
    try:
        value = Decimal(number) * multiplier
    except InvalidOperation:
        raise QuantityError(f"not a quantity: {text!r}") from None
    if not value.is_finite():
        raise QuantityError(f"not a quantity: {text!r}")
    return value


def cpu_millicores(text: str | int | float) -> int:
    """CPU as whole millicores, rounded up as the API server does (`"0.1"` → 100)."""
    return math.ceil(parse_quantity(text) * 1000)


def memory_bytes(text: str | int | float) -> int:
    """Memory (or any byte quantity) as whole bytes, rounded up."""
    return math.ceil(parse_quantity(text))


def format_bytes(value: int) -> str:
    """Bytes in the largest binary unit that divides them (`1073741824` → `1Gi`)."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if value and value % unit == 0:
            return f"{value // unit}{suffix}"
    return str(value)


def approx_bytes(value: int) -> str:
    """Bytes to a tenth of the largest binary unit under them (`3328599654` → `3.1 GiB`)."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value} bytes"


def format_millicores(value: int) -> str:
    return str(value // 1000) if value % 1000 == 0 else f"{value}m"
