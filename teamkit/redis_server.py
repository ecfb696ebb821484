"""A `redis-server` of the run's own: a free port on loopback, append-only persistence in a
directory of the run's own, killed and started again on the same port and directory. Never the
machine's shared Redis on 6379."""

from __future__ import annotations

import shutil
from pathlib import Path

import redis

from .processes import Child, free_port, wait_until

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    def __init__(self, directory: Path, port: int = 0) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.child: Child | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self, timeout: float = 20) -> PrivateRedis:
        self.directory.mkdir(parents=True, exist_ok=True)
        argv = [
            REDIS_SERVER,
            *("--bind", "127.0.0.1", "--port", str(self.port)),
            *("--dir", str(self.directory), "--appendonly", "yes", "--save", ""),
            *("--daemonize", "no", "--protected-mode", "yes"),
        ]
        log = self.directory / "redis.log"
        self.child = Child.start("redis", argv, {}, log, self.directory)
        self.starts += 1
        wait_until(self._ready, timeout, f"redis-server on port {self.port}")
        return self

    def _ready(self) -> bool:
        assert self.child is not None
        self.child.check_alive()
        with self.client() as client:
            return bool(client.ping())

    def kill(self) -> None:
        """SIGKILL: no save, no goodbye to its clients."""
        if self.child is not None:
            self.child.kill()

    def restart(self, timeout: float = 20) -> None:
        """Started again on the same port and directory: it reads back its append-only file."""
        self.start(timeout)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()
