"""Benchmark, and `make fuzz`: every parser of outside text fuzzed with Hypothesis, per parser
and paste kind (the property tests of tests/fuzz/, run here with --examples each).

For each target it prints the examples run, the corpus size (saved inputs that once broke a
parser, tests/fuzz/corpus/<target>/, replayed by every test run), the wall time, examples per
second, and the tracebacks found (inputs that gave another exception than the target's
refusal; each is saved to the corpus, shrunk). Fuzzing has no natural peer: the peer here is
`str.splitlines` (`bytes.splitlines` for bundles) on the very same inputs, in the same run, so the
ratio says how many line splits of its input a parser's look at bad input costs.

Usage: python bench/fuzz_parsers.py [--examples 100] [--record FILE]   (make fuzz: 5000 each,
recorded in bench/fuzz_parsers.md). Exits 1 when a traceback was found.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("explorer").setLevel(logging.ERROR)  # bad input is what it is given

from hypothesis import settings  # noqa: E402

import tests.fuzz.conftest  # noqa: E402, F401  (registers the profiles)
from tests.fuzz import (  # noqa: E402
    test_cgroups,
    test_dns,
    test_etcd,
    test_paste,
    test_rules,
    test_snapshots,
)
from tests.fuzz.targets import CORPUS, TALLIES, TARGETS, Tally  # noqa: E402

MODULES = (test_rules, test_dns, test_cgroups, test_snapshots, test_paste, test_etcd)
HEADER = (
    "| parser or paste kind | examples | corpus | seconds | examples/s "
    "| ratio to splitlines | tracebacks |"
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per target")
    parser.add_argument("--record", type=Path, help="write the table (markdown) to this file")
    return parser.parse_args()


def _fuzzers() -> list:
    return [
        getattr(module, name)
        for module in MODULES
        for name in dir(module)
        if name.startswith("test_") and hasattr(getattr(module, name), "hypothesis")
    ]


def _run(fuzzer, examples: int) -> tuple[float, int]:
    """Seconds taken and distinct failures Hypothesis reported."""
    bounded = settings(settings.get_profile("long"), max_examples=examples, database=None)
    started = time.perf_counter()
    try:
        bounded(fuzzer)()
        failures = 0
    except ExceptionGroup as group:
        failures = len(group.exceptions)
    except Exception:
        failures = 1
    return time.perf_counter() - started, failures


def _machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    python = platform.python_version()
    return f"{os.cpu_count()} CPU {model}, {round(kib / 2**20)} GiB, Python {python}"


def _row(name: str, tally: Tally, seconds: float, failures: int) -> str:
    corpus = len(list((CORPUS / TARGETS[name].slug).glob("*")))
    rate = tally.examples / seconds if seconds else 0.0
    ratio = tally.seconds / tally.peer_seconds if tally.peer_seconds else 0.0
    return (
        f"| {name} | {tally.examples:,} | {corpus} | {seconds:.1f} | {rate:,.0f} "
        f"| {ratio:,.0f} | {failures} |"
    )


def main() -> int:
    args = _arguments()
    rows, found, started = [], 0, time.perf_counter()
    for fuzzer in _fuzzers():
        before = {name: tally.examples for name, tally in TALLIES.items()}
        seconds, failures = _run(fuzzer, args.examples)
        (name,) = [n for n, t in TALLIES.items() if t.examples != before.get(n)]
        rows.append(_row(name, TALLIES[name], seconds, failures))
        found += failures
        print(rows[-1], flush=True)
    total = time.perf_counter() - started
    summary = (
        f"{datetime.now(UTC):%Y-%m-%d}, {_machine()}: {len(rows)} targets, "
        f"--examples {args.examples}, {total:.0f} s in all, {found} traceback(s) found"
    )
    table = "\n".join([HEADER, "|---|---|---|---|---|---|---|", *sorted(rows)])
    print(f"\n{summary}\n\n{table}")
    if args.record:
        args.record.write_text(f"{summary}\n\n{table}\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
