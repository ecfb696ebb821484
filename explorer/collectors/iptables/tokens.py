"""Splitting a rule into arguments the way iptables-restore does, and quoting them back the way
iptables-save prints them (xtables_save_string: a value made only of letters, digits, `_` and
`-` is bare; anything else is double-quoted with `"`, `\\` and `'` escaped by a backslash)."""

from __future__ import annotations

import re

# A word: runs of bare characters and quoted strings glued together (iptables-restore's rule).
_WORD = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^\s"]+)+')
_ESCAPED = re.compile(r"\\(.)")
_QUOTED_PART = re.compile(r'"((?:[^"\\]|\\.)*)"')
_BARE = frozenset("_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NEEDS_QUOTES = frozenset(" \t\"'\\")
# Options whose value iptables-save prints through xtables_save_string.
STRING_OPTIONS = frozenset(
    {"--comment", "--log-prefix", "--nflog-prefix", "--string", "--helper", "--name"}
)


def split(spec: str) -> tuple[list[str], frozenset[int]]:
    """The arguments of a rule (quotes removed) and the indexes of those that were quoted."""
    if '"' not in spec:
        return spec.split(), frozenset()
    if "\\" not in spec:
        fast = _split_simple_quotes(spec)
        if fast is not None:
            return fast
    words: list[str] = []
    quoted: set[int] = set()
    for match in _WORD.finditer(spec):
        word = match.group()
        if '"' in word:
            quoted.add(len(words))
            word = _QUOTED_PART.sub(lambda m: _ESCAPED.sub(r"\1", m.group(1)), word)
        words.append(word)
    return words, frozenset(quoted)


def _split_simple_quotes(spec: str) -> tuple[list[str], frozenset[int]] | None:
    """`a "b c" d` without escapes, by str.split; None when a quote touches a bare word."""
    parts = spec.split('"')
    if len(parts) % 2 == 0:
        return None
    words: list[str] = []
    quoted: list[int] = []
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if index % 2:
            if not (parts[index - 1][-1:].isspace() or (index == 1 and not parts[0])):
                return None
            after = parts[index + 1]
            if after and not after[0].isspace():
                return None
            quoted.append(len(words))
            words.append(part)
        elif part:
            words.extend(part.split())
        elif 0 < index < last:
            return None  # two quoted strings glued together
    return words, frozenset(quoted)


def quote(value: str) -> str:
    """A value as xtables_save_string prints it."""
    if value and all(char in _BARE for char in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
    return f'"{escaped}"'


def join(words: list[str], quoted: frozenset[int] | None = None) -> str:
    """Arguments back to a rule's text. `quoted` says which were quoted; without it, values of
    string options and values that could not be read back bare are quoted."""
    out = []
    for index, word in enumerate(words):
        if quoted is not None:
            must = index in quoted
        else:
            must = (
                not word
                or any(char in _NEEDS_QUOTES for char in word)
                or (index > 0 and words[index - 1] in STRING_OPTIONS)
            )
        out.append(quote(word) if must else word)
    return " ".join(out)
