"""Hypothesis strategies for bad input: random text, and structured mutations of real inputs so
that a parser gets past its first line — lines deleted, duplicated, swapped, truncated, tokens
swapped for others or for hostile ones; and for JSON/YAML, a value somewhere in the tree
replaced by the wrong shape (a list where an object is expected, a number where a string,
a deep nest, a missing key)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import orjson
import yaml
import zstandard
from hypothesis import strategies as st

from .seeds import seeds

SYNTAX = "{}[]()<>\"'`:;,.=-+*#/\\|$%&!?@~^_ \t\n\r0123456789aAzZ├└─│…"
HOSTILE_TOKENS = (
    "",
    "-1",
    "0",
    "00",
    "99999999999999999999999",
    "1e999",
    "nan",
    "NaN",
    "-",
    ":",
    "::",
    "/",
    "//",
    ".",
    "{",
    "}",
    "[",
    "]",
    '"',
    "\\",
    "#",
    "(#12)",
    "…",
    "├─",
    "²",
    "\x00",
    "\u2028",
    "-A",
    "-j",
    "*nat",
    "COMMIT",
    "table",
    "chain",
    "goto",
    "vmap",
    "import",
    "{$ENV}",
    "kind: List",
    "items:",
    'id="/kubepods"',
    "pod00000000-0000-0000-0000-000000000000",
)
DEPTHS = (2, 30, 300, 600, 900, 1000, 1100)

random_text = st.one_of(st.text(max_size=300), st.text(alphabet=SYNTAX, max_size=300))

Draw = Callable[[st.SearchStrategy[Any]], Any]


def _index(draw: Draw, items: list[Any]) -> int:
    return draw(st.integers(0, len(items) - 1))


def _token(draw: Draw, lines: list[str]) -> str:
    """A hostile token, or one from elsewhere in the text."""
    if draw(st.booleans()):
        return draw(st.sampled_from(HOSTILE_TOKENS))
    words = lines[_index(draw, lines)].split()
    return words[_index(draw, words)] if words else ""


def _delete(draw: Draw, lines: list[str]) -> list[str]:
    del lines[_index(draw, lines)]
    return lines


def _duplicate(draw: Draw, lines: list[str]) -> list[str]:
    lines.insert(_index(draw, lines), lines[_index(draw, lines)])
    return lines


def _swap(draw: Draw, lines: list[str]) -> list[str]:
    first, second = _index(draw, lines), _index(draw, lines)
    lines[first], lines[second] = lines[second], lines[first]
    return lines


def _truncate(draw: Draw, lines: list[str]) -> list[str]:
    text = "".join(lines)
    return [text[: draw(st.integers(0, len(text)))]]


def _swap_token(draw: Draw, lines: list[str]) -> list[str]:
    index = _index(draw, lines)
    words = lines[index].split(" ")
    words[_index(draw, words)] = _token(draw, lines)
    lines[index] = " ".join(words)
    return lines


def _insert_text(draw: Draw, lines: list[str]) -> list[str]:
    index = _index(draw, lines)
    line = lines[index]
    at = draw(st.integers(0, len(line)))
    lines[index] = line[:at] + draw(random_text) + line[at:]
    return lines


LINE_MUTATIONS = (_delete, _duplicate, _swap, _truncate, _swap_token, _insert_text)


@st.composite
def mutated_lines(draw: Draw, family: str) -> str:
    lines = draw(st.sampled_from(seeds(family))).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        lines = draw(st.sampled_from(LINE_MUTATIONS))(draw, lines)
    return "".join(lines)


# --- JSON and YAML trees ------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_DEEP = "\x00deep:"  # a string that serialise() turns into a nest this many levels deep


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _wrong_shape(draw: Draw, node: Any) -> Any:
    shapes = [
        lambda: [node],
        lambda: {"x": node},
        lambda: draw(st.sampled_from((0, -1, 1.5, 2**64, -(2**63)))),
        lambda: draw(st.sampled_from(("", "x", "-1", "{}", str(node)[:50]))),
        lambda: None,
        lambda: draw(st.sampled_from(({}, [], True, False))),
        lambda: f"{_DEEP}{draw(st.sampled_from(DEPTHS))}",
        lambda: draw(json_values),
    ]
    if isinstance(node, dict):
        shapes.append(lambda: list(node.values()))
    if isinstance(node, list) and node:
        shapes.append(lambda: [*node, node[_index(draw, node)]])
    return draw(st.sampled_from(shapes))()


def _mutate(draw: Draw, document: Any) -> Any:
    """One value of the tree (the root, or a node reached by descending) changed or deleted."""
    parent, key, node = None, None, document
    while (children := _children(node)) and draw(st.integers(0, 3)):
        parent, key = node, children[_index(draw, children)]
        node = node[key]
    if parent is None:
        return _wrong_shape(draw, node)
    if draw(st.integers(0, 4)) == 0:
        del parent[key]
    else:
        parent[key] = _wrong_shape(draw, node)
    return document


def _deep(depth: int) -> str:
    """`depth` levels of lists and objects (orjson reads up to 1024)."""
    lists, objects = depth // 2, depth - depth // 2
    return "[" * lists + '{"a": ' * objects + "1" + "}" * objects + "]" * lists


def serialise(document: Any, as_yaml: bool) -> str:
    """JSON (or YAML, when the tree is shallow enough for PyYAML's emitter) with every deep-nest
    marker replaced by its nest."""
    text = json.dumps(document)
    if as_yaml and _DEEP not in text and "\\u0000deep:" not in text:
        try:
            return yaml.safe_dump(document)
        except (RecursionError, yaml.YAMLError):
            pass
    for depth in DEPTHS:
        text = text.replace(json.dumps(f"{_DEEP}{depth}"), _deep(depth))
    return text


@functools.cache
def _trees(family: str) -> list[Any]:
    found = []
    for text in seeds(family):
        try:
            found.append(orjson.loads(text))
        except orjson.JSONDecodeError:
            try:
                document = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            if isinstance(document, dict | list):
                found.append(document)
    return found


@st.composite
def mutated_tree(draw: Draw, family: str) -> str:
    trees = _trees(family)
    tree = draw(st.sampled_from(trees))
    document = orjson.loads(orjson.dumps(tree, option=orjson.OPT_NON_STR_KEYS))  # a fresh copy
    for _ in range(draw(st.integers(1, 3))):
        document = _mutate(draw, document)
    return serialise(document, as_yaml=draw(st.booleans()))


def _texts(family: str) -> st.SearchStrategy[str]:
    choices = [random_text, mutated_lines(family), st.sampled_from(seeds(family))]
    if _trees(family):
        choices.append(mutated_tree(family))
    return st.one_of(*choices)


def texts(family: str) -> st.SearchStrategy[str]:
    """Bad input for a parser of this family: random text, line mutations of its seeds and,
    where they are JSON or YAML, tree mutations. The seeds are read when a test first draws,
    not when its module is collected."""
    return st.deferred(lambda: _texts(family))


def any_texts() -> st.SearchStrategy[str]:
    """Bad input of any family (what the paste page's "auto" may be handed)."""
    families = ("iptables", "nft", "ipvs", "corefile", "resolv", "cgroups")
    return st.one_of(*(texts(family) for family in families))


@st.composite
def _damaged_bytes(draw: Draw, data: bytes) -> bytes:
    """Bytes cut short, or with one byte changed."""
    if draw(st.booleans()):
        return data[: draw(st.integers(0, len(data)))]
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


def bundles() -> st.SearchStrategy[bytes]:
    """Bad bundle files: mutated bodies, plain or zstd-compressed; damaged compressed bundles;
    random bytes."""
    compress = zstandard.ZstdCompressor(level=1).compress
    bodies = texts("bundle").map(str.encode)
    whole = st.deferred(lambda: _damaged_bytes(compress(seeds("bundle")[0].encode())))
    return st.one_of(bodies, bodies.map(compress), whole, st.binary(max_size=300))


_BOLT_META = (0).to_bytes(8, "little") + (4).to_bytes(2, "little") + bytes(6)
_BOLT_META += (0xED0CDAED).to_bytes(4, "little")


def etcd_files() -> st.SearchStrategy[bytes]:
    """What `analyze etcd` reads: key listings (mutated text and JSON), their bytes damaged, the
    opening of a bbolt data file followed by anything, and random bytes."""
    listings = texts("etcd").map(str.encode)
    damaged = st.deferred(
        lambda: st.sampled_from(seeds("etcd")).flatmap(
            lambda seed: _damaged_bytes_of(seed.encode())
        )
    )
    bolt = st.binary(max_size=300).map(lambda tail: _BOLT_META + tail)
    return st.one_of(listings, damaged, bolt, st.binary(max_size=300))


def _damaged_bytes_of(data: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(0, len(data) - 1).flatmap(
        lambda at: st.integers(0, 255).map(lambda byte: data[:at] + bytes([byte]) + data[at + 1 :])
    )
