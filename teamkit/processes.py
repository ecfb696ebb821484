"""Child processes of a run: started with their output in a log file, always stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class ProcessGone(RuntimeError):
    """A process being waited for exited: waiting longer is pointless."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """`check()`'s first truthy answer within `timeout` seconds (exceptions count as no, but
    ProcessGone); else TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = check()
        except ProcessGone:
            raise
        except Exception:  # not up yet: a refused connection, a half-written file
            answer = None
        if answer:
            return answer
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(interval)


@dataclass
class Child:
    """A process of the run, its stdout and stderr in `log`."""

    name: str
    argv: list[str]
    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path) -> Child:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        return cls(name, argv, process, log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def text(self, since: int = 0) -> str:
        """The log, from byte `since` on."""
        try:
            with self.log.open("rb") as log:
                log.seek(since)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.text().splitlines()[-lines:])

    def check_alive(self) -> None:
        if not self.alive():
            raise ProcessGone(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL, no goodbye; reaped."""
        self.signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, then SIGKILL after `timeout`; reaped."""
        if self.alive():
            self.signal(signal.SIGTERM)
        self.reap(timeout)

    def reap(self, timeout: float) -> None:
        """Wait for it to exit (after a SIGTERM), SIGKILL it after `timeout`."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(10)


def answers(url: str) -> bool:
    """Whether `url` (on loopback) answers 200."""
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
        return response.status == 200
