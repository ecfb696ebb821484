"""A small reader of the Prometheus text exposition format: `name{label="value",…} value [ts]`.

Only samples are read (HELP and TYPE lines are skipped); label values are unescaped (`\\"`,
`\\\\`, `\\n`). Enough for the kubelet's /metrics/cadvisor, which is large (megabytes) and
simple, so samples of unwanted metrics are skipped before their labels are parsed.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from typing import NamedTuple

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
_UNESCAPE = {"n": "\n", '"': '"', "\\": "\\"}


class Sample(NamedTuple):
    name: str
    labels: dict[str, str]
    value: float


class NotPrometheusText(ValueError):
    pass


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), m.group(0)), text)


def _labels(text: str, line: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = LABEL.match(text, position)
        if match is None:
            raise NotPrometheusText(f"bad labels in {line[:120]!r}")
        labels[match.group(1)] = _unescape(match.group(2))
        position = match.end()
    return labels


def samples(text: str, wanted: Container[str] | None = None) -> Iterator[Sample]:
    """Every sample (of the wanted metric names only, when given)."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name_match = NAME.match(line)
        if name_match is None:
            raise NotPrometheusText(f"not a sample: {line[:120]!r}")
        name = name_match.group(0)
        if wanted is not None and name not in wanted:
            continue
        rest = line[name_match.end() :]
        labels: dict[str, str] = {}
        if rest.startswith("{"):
            close = _closing_brace(rest)
            labels = _labels(rest[1:close], line)
            rest = rest[close + 1 :]
        fields = rest.split()
        if not fields:
            raise NotPrometheusText(f"no value: {line[:120]!r}")
        try:
            value = float(fields[0])
        except ValueError:
            raise NotPrometheusText(f"bad value: {line[:120]!r}") from None
        yield Sample(name, labels, value)


def _closing_brace(text: str) -> int:
    """The index of the `}` that closes the label set (braces may appear inside values)."""
    quoted = escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "}" and not quoted:
            return index
    raise NotPrometheusText(f"unclosed labels: {text[:120]!r}")
