"""The parsed form of an iptables-save dump: tables → chains → rules.

A rule keeps its arguments exactly (`spec`, the text after `-A CHAIN`); its options, matches and
target are worked out from them when first asked for, so that reading a 100k-rule dump does not
pay for structure nobody looks at. Nothing is dropped: options this module has no name for are
still options, and lines that are not iptables-save at all stay in `Ruleset.unparsed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import tokens

Counters = tuple[int, int]  # packets, bytes


class _Unset:
    """Not worked out yet (a slot left empty would cost an AttributeError to test)."""


_UNSET = _Unset()
_TARGET_FLAGS = ("-j", "--jump", "-g", "--goto")
_GOTO_FLAGS = ("-g", "--goto")


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a rule: `! -s 10.0.0.0/8` is Option("-s", ("10.0.0.0/8",), True, "")."""

    name: str
    values: tuple[str, ...]
    negated: bool
    module: str  # the `-m` match it belongs to, "" for the IP header, the target name after -j


class Rule:
    """`-A chain spec`, with optional `[packets:bytes]` counters."""

    __slots__ = ("_options", "_quoted", "_target", "_words", "chain", "counters", "spec")

    def __init__(self, chain: str, spec: str, counters: Counters | None = None) -> None:
        self.chain = chain
        self.spec = spec
        self.counters = counters
        self._target: str | _Unset | None = _UNSET

    def __repr__(self) -> str:
        return f"Rule({self.chain!r}, {self.spec!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and (self.chain, self.words, self.counters) == (
            other.chain,
            other.words,
            other.counters,
        )

    def __hash__(self) -> int:
        return hash((self.chain, self.spec))

    @property
    def words(self) -> list[str]:
        """The arguments, unquoted."""
        try:
            return self._words
        except AttributeError:
            self._words, self._quoted = tokens.split(self.spec)
            return self._words

    @property
    def quoted(self) -> frozenset[int]:
        """Indexes of the arguments that were quoted."""
        self.words  # noqa: B018 - splits on first use
        return self._quoted

    @property
    def options(self) -> list[Option]:
        try:
            return self._options
        except AttributeError:
            self._options = _options(self.words, self.quoted)
            return self._options

    def _target_index(self) -> int:
        words, quoted = self.words, self.quoted
        for index in range(len(words) - 2, -1, -1):
            if words[index] in _TARGET_FLAGS and index + 1 not in quoted:
                return index
        return -1

    @property
    def target(self) -> str | None:
        """The chain or extension after `-j`/`-g` (None for a rule that only counts)."""
        if self._target is _UNSET:
            self._target = self._find_target()
        return self._target  # type: ignore[return-value]

    def _find_target(self) -> str | None:
        spec = self.spec
        # Fast path: the last ` -j ` with no quoted text after it is the target.
        jump = spec.rfind(" -j ")
        start = jump + 4 if jump != -1 else 3 if spec.startswith("-j ") else -1
        if start != -1 and spec.find('"', start) == -1 and spec.find(" -g ", start) == -1:
            end = spec.find(" ", start)
            return spec[start:] if end == -1 else spec[start:end]
        index = self._target_index()
        return self.words[index + 1] if index >= 0 else None

    @property
    def goto(self) -> bool:
        index = self._target_index()
        return index >= 0 and self.words[index] in _GOTO_FLAGS

    @property
    def matches(self) -> list[str]:
        """The `-m` match modules, in order."""
        return [o.values[0] for o in self.options if o.name in ("-m", "--match") and o.values]

    def values(self, name: str) -> tuple[str, ...] | None:
        """All values of the first option called `name` (None when absent)."""
        for option in self.options:
            if option.name == name:
                return option.values
        return None

    def value(self, name: str) -> str | None:
        """The first value of the first option called `name` (None when absent)."""
        word = _first_value(self.spec, name)
        if word is _UNSET:
            found = self.values(name)
            return found[0] if found else None
        return word if word and (word[0] != "-" or _is_number(word)) else None  # type: ignore[index]

    def has(self, name: str) -> bool:
        word = _first_value(self.spec, name)
        return self.values(name) is not None if word is _UNSET else word is not None

    def negated(self, name: str) -> bool:
        return any(o.negated for o in self.options if o.name == name)

    @property
    def comments(self) -> list[str]:
        """Every `--comment` (Calico puts two on one rule)."""
        fast = _fast_values(self.spec, "--comment")
        if fast is not None:
            return fast
        return [o.values[0] for o in self.options if o.name == "--comment" and o.values]

    @property
    def comment(self) -> str:
        """The first comment, or ""."""
        word = _first_value(self.spec, "--comment")
        if word is _UNSET:
            found = self.comments
            return found[0] if found else ""
        return word or ""  # type: ignore[return-value]


def _fast_values(spec: str, name: str) -> list[str] | None:
    """The word after each `name` option, found with str methods; None when the text has
    escapes or an unclosed quote: ask the tokenizer."""
    if "\\" in spec:
        return None
    found: list[str] = []
    at = _option_at(spec, name, 0)
    while at != -1:
        word = _word_at(spec, at + len(name) + 1)
        if word is None:
            return None
        found.append(word)
        at = _option_at(spec, name, at + len(name))
    return found


def _first_value(spec: str, name: str) -> str | _Unset | None:
    """The word after the first `name` option ("" if none), None when there is no such option;
    _UNSET when the text has escapes or an unclosed quote: ask the tokenizer."""
    if name not in spec:
        return None
    if "\\" in spec:
        return _UNSET
    at = _option_at(spec, name, 0)
    if at == -1:
        return None
    word = _word_at(spec, at + len(name) + 1)
    return _UNSET if word is None else word


def _option_at(spec: str, name: str, start: int) -> int:
    """Where the word `name` stands, from `start` on, outside quotes (an even number of quotes
    precede it), or -1."""
    size, length = len(name), len(spec)
    at = spec.find(name, start)
    while at != -1:
        end = at + size
        if (
            (at == 0 or spec[at - 1] == " ")
            and (end == length or spec[end] == " ")
            and spec.count('"', 0, at) % 2 == 0
        ):
            return at
        at = spec.find(name, end)
    return -1


def _word_at(spec: str, start: int) -> str | None:
    """The bare or quoted word at `start` ("" past the end); None for an unclosed quote."""
    if spec.startswith('"', start):
        close = spec.find('"', start + 1)
        return None if close == -1 else spec[start + 1 : close]
    end = spec.find(" ", start)
    return spec[start:] if end == -1 else spec[start:end]


def _options(words: list[str], quoted: frozenset[int]) -> list[Option]:
    found: list[Option] = []
    module = ""
    negate = False
    index, count = 0, len(words)
    while index < count:
        word = words[index]
        if word == "!" and index not in quoted:
            negate = True
            index += 1
            continue
        if not word.startswith("-") or index in quoted:
            # A stray value (old-style `--dport ! 80`): keep it on the option before it.
            if found:
                last = found[-1]
                found[-1] = Option(last.name, (*last.values, word), last.negated, last.module)
            else:
                found.append(Option("", (word,), negate, module))
            index += 1
            continue
        end = index + 1
        while end < count and (
            end in quoted or not words[end].startswith("-") or _is_number(words[end])
        ):
            if words[end] == "!" and end not in quoted:
                break
            end += 1
        values = tuple(words[index + 1 : end])
        if word in ("-m", "--match") and values:
            module = values[0]
        elif word in _TARGET_FLAGS and values:
            found.append(Option(word, values, negate, module))
            module = values[0]
            negate = False
            index = end
            continue
        found.append(Option(word, values, negate, module))
        negate = False
        index = end
    return found


def _is_number(word: str) -> bool:
    return word[1:2].isdigit()


@dataclass(slots=True)
class Chain:
    name: str
    policy: str | None = None  # ACCEPT/DROP for a built-in chain, None for a user chain ("-")
    counters: Counters | None = None
    rules: list[Rule] = field(default_factory=list)
    declared: bool = True  # False when only rules named it (a grep'd fragment)


@dataclass
class Table:
    name: str  # "filter", "nat", …; UNKNOWN_TABLE for rules seen before any `*table` line
    chains: dict[str, Chain] = field(default_factory=dict)
    committed: bool = False

    def chain(self, name: str) -> Chain:
        found = self.chains.get(name)
        if found is None:
            found = self.chains[name] = Chain(name, declared=False)
        return found

    @property
    def rule_count(self) -> int:
        return sum(len(chain.rules) for chain in self.chains.values())


UNKNOWN_TABLE = "unknown"


@dataclass
class Ruleset:
    tables: dict[str, Table] = field(default_factory=dict)
    # Lines that are neither iptables-save nor blank nor `#` comments, kept as (line number, text).
    unparsed: list[tuple[int, str]] = field(default_factory=list)
    family: str = "ipv4"  # "ipv6" when addresses say so

    def table(self, name: str) -> Table:
        found = self.tables.get(name)
        if found is None:
            found = self.tables[name] = Table(name)
        return found

    def summary(self) -> dict[str, dict[str, int]]:
        """{table: {"chains": n, "rules": n}}."""
        return {
            name: {"chains": len(table.chains), "rules": table.rule_count}
            for name, table in self.tables.items()
        }
