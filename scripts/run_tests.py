"""Run the test suite as `make test` does: one pytest process for each package under tests/
(and one for the tests at its top), one after another, then a line for each.

One process for the whole suite grew to 17 GB and CI's kernel killed it near the end: a stopped
5,000-node demo kept building node facts behind every later test (fixed in
explorer/runtime/demo_cluster.py). A process a package bounds what any one package can leave
behind — threads it did not stop, memory the process keeps — and a failure in one still lets
the others run.

Usage: python scripts/run_tests.py [PYTEST ARGS]   (given a path under tests/, one process runs
just that, as plain pytest would)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
NOTHING_SELECTED = 5  # pytest's exit code when -k or -m leave a package nothing to run


def packages() -> list[list[str]]:
    """Each package with tests in it, and the test files at the top together."""
    groups = [
        [f"tests/{entry.name}"]
        for entry in sorted(TESTS.iterdir())
        if entry.is_dir() and any(entry.rglob("test_*.py"))
    ]
    top = [f"tests/{entry.name}" for entry in sorted(TESTS.glob("test_*.py"))]
    return groups + ([top] if top else [])


def run(paths: list[str], args: list[str]) -> tuple[int, str, float]:
    """pytest over `paths`, its output passed through: its exit code, its last line, seconds."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", *args, *paths],
        cwd=TESTS.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    last = ""
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.strip():
            last = line.strip().strip("= ")
    return process.wait(), last, time.monotonic() - started


def main(args: list[str]) -> int:
    if any(arg.startswith("tests") for arg in args):
        return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=TESTS.parent)
    filtered = any(arg.startswith(("-k", "-m")) for arg in args)
    passed = (0, NOTHING_SELECTED) if filtered else (0,)  # unfiltered, every package has tests
    results = [(paths, *run(paths, args)) for paths in packages()]
    print("\n== the suite, a process a package")
    for paths, code, last, seconds in results:
        name = paths[0] if len(paths) == 1 else "tests/test_*.py"
        print(f"{'ok  ' if code in passed else 'FAIL'} {name:28} {seconds:7.0f} s  {last}")
    failed = [paths for paths, code, *_ in results if code not in passed]
    print(f"{len(results) - len(failed)} of {len(results)} packages passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
