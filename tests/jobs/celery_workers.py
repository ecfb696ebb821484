"""Real Celery workers for the jobs tests: a Redis database of the run's own, worker processes
that are always stopped, and this process's Celery app pointed at that Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

from explorer.jobs.celery import app

SPARE_DATABASES = range(9, 16)
CLAIM = "explorer-tests:claimed-by"
REPO = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


@contextmanager
def claimed_redis_db() -> Iterator[str]:
    """A Redis database no other run is using, emptied, and released at the end."""
    for db in SPARE_DATABASES:
        client = redis.Redis(host="127.0.0.1", port=6379, db=db)
        if client.set(CLAIM, os.getpid(), nx=True, ex=900):
            break
    else:
        pytest.skip(f"every spare Redis database ({SPARE_DATABASES}) is claimed by another run")
    for key in client.scan_iter():
        if key != CLAIM.encode():
            client.delete(key)
    try:
        yield f"redis://127.0.0.1:6379/{db}"
    finally:
        client.flushdb()


@contextmanager
def celery_worker(
    name: str,
    queues: list[str],
    env: dict[str, str],
    log_path: Path,
    *,
    pool: tuple[str, ...] = ("solo",),
    wrap: tuple[str, ...] = (),
) -> Iterator[subprocess.Popen]:
    """`celery worker --pool solo` (or `pool`, e.g. ("threads", "--concurrency", "4")) on
    `queues`, ready when yielded, stopped on leaving (a test may also kill it: it is then only
    reaped). `wrap`: a command that runs the worker's argv (e.g. `unshare … sh -c '…; exec
    "$@"' sh`, for a worker in namespaces of its own)."""
    argv = [
        *wrap,
        str(CELERY),
        "-A",
        "explorer.jobs.celery",
        "worker",
        "-Q",
        ",".join(queues),
        "--pool",
        *pool,
        "-n",
        name,
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            argv, cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log_path.read_text():
            assert process.poll() is None, f"the worker exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"the worker is not ready:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def configure_celery(**conf: Any) -> None:
    """Point this process's Celery app elsewhere: drop the connections and the result backend
    it made for the old settings (Celery keeps them once made)."""
    app.conf.update(conf)
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local = threading.local()


@contextmanager
def celery_through(redis_url: str) -> Iterator[None]:
    """This process sends tasks to the workers through `redis_url` and reads their results."""
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    configure_celery(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        yield
    finally:
        configure_celery(**saved)
