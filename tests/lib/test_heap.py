"""The C heap (glibc): held to two malloc arenas in every process of the app, the operator's own
setting left alone (each case in a fresh Python, whose threads have made no arenas yet), and
its freed pages given back to the system."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.lib.heap import give_back_free_heap

REPO = Path(__file__).resolve().parents[2]
CHUNK = 100 * 1024  # under glibc's mmap threshold: from the heap, kept when freed

# Eight threads, each taking a block malloc serves from the thread's arena, alive together;
# then glibc's own account of its arenas (malloc_info: one <heap> each).
COUNT_ARENAS = """
import ctypes, sys, tempfile, threading
from explorer.lib.heap import tune_heap
print(tune_heap() if sys.argv[1] == "tune" else "-")
held, ready, done = [], threading.Barrier(9), threading.Event()
def hold():
    held.append(bytearray(4000))
    ready.wait()
    done.wait()
threads = [threading.Thread(target=hold) for _ in range(8)]
for thread in threads:
    thread.start()
ready.wait()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile() as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(open(out.name).read().count("<heap nr="))
done.set()
"""


def arenas(how: str, env: dict[str, str] | None = None) -> tuple[str, int]:
    ran = subprocess.run(
        [sys.executable, "-c", COUNT_ARENAS, how],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    tuned, count = ran.stdout.split()
    return tuned, int(count)


pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="glibc's malloc is what is tuned"
)


def test_threads_of_a_tuned_process_share_two_malloc_arenas() -> None:
    assert arenas("leave")[1] > 2  # glibc's own limit: 8 a core
    assert arenas("tune") == ("True", 2)


def test_an_operators_malloc_arena_max_is_left_as_it_is() -> None:
    assert arenas("tune", {"MALLOC_ARENA_MAX": "4"}) == ("False", 4)


def _resident_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_memory_freed_in_the_heap_is_given_back_to_the_system() -> None:
    chunks = [bytearray(CHUNK) for _ in range(2000)]  # 200 MB, touched
    pinned = bytearray(CHUNK)  # above them: the heap's top stays, so nothing is trimmed by itself
    del chunks
    freed = _resident_mib()

    assert give_back_free_heap()

    assert freed - _resident_mib() > 100, "the 200 MB freed stayed resident"
    del pinned
