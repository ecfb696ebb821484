"""What the fuzzers call, and the contract they hold it to: for any input, a parser returns its
model or refuses with a ValueError that says why — never another exception (AttributeError,
KeyError, TypeError, RecursionError, …), so `manage.py analyze` prints one line and the paste page
answers 400, not a traceback or a 500.

A target is what a user reaches: `analyze KIND` (the command's own analysis, and the JSON it
prints), the paste page's `analyse(text, kind)` (which may raise only NotThatKind, in one line),
the reader of kubectl object files, and a bundle (read, then its node facts parsed as a page
would). An input that breaks the contract is saved under corpus/<target>/ when Hypothesis has
shrunk it, and test_corpus.py replays every saved input from then on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.errors import HypothesisException

from explorer.collectors.dns.effective import read_host_file
from explorer.collectors.kubeproxy.mode import configured_mode
from explorer.runtime.management.commands.analyze import ANALYSES
from explorer.snapshots.bundle import decode_bundle
from explorer.snapshots.object_files import parse_objects
from explorer.state.cluster_state import ClusterState
from explorer.state.parsed_facts import MB, ParsedFacts
from explorer.viewmodels.network.pasted import KINDS, NotThatKind, analyse

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    run: Callable[[Any], object]
    refusal: type[ValueError] = ValueError
    one_line: bool = False  # the refusal's message is shown as it is (the paste page)

    @property
    def slug(self) -> str:
        return self.name.replace(" ", "-").replace(".", "")


def _command(kind: str) -> Callable[[str], object]:
    def run(text: str) -> object:
        document, readable = ANALYSES[kind][1](text)
        return orjson.dumps(document, option=orjson.OPT_INDENT_2), readable.encode()

    return run


def _paste(kind: str) -> Callable[[str], object]:
    def run(text: str) -> object:
        return orjson.dumps(analyse(text, kind))

    return run


def _object_files(text: str) -> ClusterState:
    state = ClusterState("fuzz")
    for obj in parse_objects(text, "objects.yaml"):
        state.upsert(obj, obj["kind"])
    return state


def _kube_proxy_config(text: str) -> object:
    config_map = {"metadata": {"namespace": "kube-system", "name": "kube-proxy"}}
    return configured_mode([{**config_map, "data": {"config.conf": text}}], [])


def _bundle(data: bytes) -> ClusterState:
    state = decode_bundle(data, "fuzz.cxb.zst").state
    parses = ParsedFacts(64 * MB)
    for facts in state.node_facts.values():
        parses.parse_all(facts)
    return state


TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        *(Target(f"analyze {kind}", _command(kind)) for kind in ANALYSES),
        *(
            Target(f"paste {kind}", _paste(kind), NotThatKind, one_line=True)
            for kind in (*KINDS, "auto")
        ),
        Target("kubelet resolv.conf", read_host_file),
        Target("kube-proxy configuration", _kube_proxy_config),
        Target("object files", _object_files),
        Target("bundle", _bundle),
    )
}
BY_SLUG = {target.slug: target for target in TARGETS.values()}


@dataclass
class Tally:
    """What a target was given in this process: examples, seconds spent in it, and seconds
    spent splitting the same inputs into lines (the benchmark's peer)."""

    examples: int = 0
    seconds: float = 0.0
    peer_seconds: float = 0.0
    broken: list[str] = field(default_factory=list)  # exception types that broke the contract


TALLIES: dict[str, Tally] = {}


def holds_the_contract(name: str, value: str | bytes) -> None:
    """Run the target on `value`: its model, or its refusal with a message; anything else is
    saved to the corpus (once shrunk) and raised."""
    target = TARGETS[name]
    tally = TALLIES.setdefault(name, Tally())
    started = time.perf_counter()
    try:
        target.run(value)
    except target.refusal as refusal:
        message = str(refusal)
        assert message.strip(), f"{name} refused without saying why"
        assert not (target.one_line and "\n" in message), f"{name}: {message!r} is not one line"
    except Exception as error:
        if _shrunk():
            save(target, value)
            tally.broken.append(type(error).__name__)
        raise
    finally:
        tally.examples += 1
        tally.seconds += time.perf_counter() - started
        started = time.perf_counter()
        value.splitlines()
        tally.peer_seconds += time.perf_counter() - started


def _shrunk() -> bool:
    """Whether this is Hypothesis's last run of a failing example, the shrunk one."""
    try:
        return current_build_context().is_final
    except HypothesisException:
        return False  # not under Hypothesis (the corpus replay): nothing new to save


def save(target: Target, value: str | bytes) -> Path:
    data = value.encode() if isinstance(value, str) else value
    path = CORPUS / target.slug / f"{hashlib.sha256(data).hexdigest()[:16]}"
    path = path.with_suffix(".txt" if isinstance(value, str) else ".bin")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def saved(path: Path) -> tuple[Target, str | bytes]:
    """The target and the input of a corpus file."""
    data = path.read_bytes()
    return BY_SLUG[path.parent.name], data if path.suffix == ".bin" else data.decode()


def fuzz_test(name: str, inputs: st.SearchStrategy[Any]) -> Callable[[], None]:
    """A property test: every input drawn from `inputs` holds target `name`'s contract."""

    def test(value: str | bytes) -> None:
        holds_the_contract(name, value)

    # Hypothesis keys a test's saved examples by its name: one per target
    test.__name__ = test.__qualname__ = "fuzz_" + TARGETS[name].slug.replace("-", "_")
    return given(inputs)(test)
