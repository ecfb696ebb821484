"""The team install's processes, run directly (as docker-compose runs them, without containers):
`manage.py web`, `manage.py watch`, Celery workers (the `default` one, and node agents) and beat,
against a private Redis, a SQLite file and a kubeconfig of the run's own."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from .processes import Child, answers, free_port, wait_until

REPO = Path(__file__).resolve().parents[1]
MANAGE = str(REPO / "manage.py")
CELERY = str(Path(sys.executable).with_name("celery"))
USERNAME = "faults"
_INHERITED_NOT = {"REDIS_URL", "DATABASE_URL", "KUBECONFIG", "EXPLORER_DEMO", "SECRET_KEY"}


class Team:
    """Processes of one run, each logged to `<directory>/<name>.log`; `stop()` ends them all."""

    def __init__(
        self, directory: Path, redis_url: str, kubeconfig: Path, settings: dict[str, str]
    ) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in _INHERITED_NOT}
        self.env.update(
            DJANGO_SETTINGS_MODULE="explorer.settings",
            REDIS_URL=redis_url,
            DATABASE_URL=f"sqlite:///{directory / 'app.sqlite3'}",
            SECRET_KEY=secrets.token_urlsafe(40),
            KUBECONFIG=str(kubeconfig),
            EXPLORER_DOWNLOAD_DIR=str(directory / "downloads"),
            EXPLORER_NODE_ACCESS="exec,nodes-proxy",
            PYTHONUNBUFFERED="1",
            **settings,
        )
        self.children: dict[str, Child] = {}
        self.web_port = 0
        self.user_id = 0

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    # ---- one-shot commands ---------------------------------------------------------------

    def manage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
        """`manage.py ARGS` run to completion; its standard output."""
        done = subprocess.run(
            [sys.executable, MANAGE, *args],
            cwd=REPO,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def migrate(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")

    def session(self, username: str = USERNAME) -> str:
        """A logged-in staff user's session key (the `sessionid` cookie); the user's id is kept
        in `user_id`."""
        code = (
            "from django.contrib.auth import get_user_model; from django.test import Client; "
            f"user = get_user_model().objects.create_user({username!r}, is_staff=True); "
            "client = Client(); client.force_login(user); "
            "print(user.pk, client.cookies['sessionid'].value)"
        )
        user_id, key = self.manage("shell", "-c", code).strip().splitlines()[-1].split()
        self.user_id = int(user_id)
        return key

    # ---- the services --------------------------------------------------------------------

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        log = self.directory / f"{name}.log"
        child = Child.start(name, argv, {**self.env, **(env or {})}, log, REPO)
        self.children[name] = child
        return child

    def start_web(self, port: int = 0, timeout: float = 60) -> Child:
        self.web_port = port or self.web_port or free_port()
        web = self.start("web", [sys.executable, MANAGE, "web", "--port", str(self.web_port)])
        wait_until(lambda: self.healthy(web), timeout, "the web process answering /healthz")
        return web

    def healthy(self, web: Child | None = None) -> bool:
        if web is not None:
            web.check_alive()
        return answers(self.web_url + "/healthz")

    def start_apiserver(self, port: int, *options: str, timeout: float = 300) -> Child:
        """`manage.py apiserver --demo` on `port` with `options` (sizes, churn), answering."""
        argv = [sys.executable, MANAGE, "apiserver", "--demo", "--port", str(port), *options]
        server = self.start("apiserver", argv)
        url = f"http://127.0.0.1:{port}/version"
        wait_until(lambda: server.check_alive() or answers(url), timeout, "the API server")
        return server

    def start_watcher(self) -> Child:
        return self.start("watcher", [sys.executable, MANAGE, "watch"])

    def start_worker(
        self,
        name: str,
        queues: list[str],
        env: dict[str, str] | None = None,
        pool: str = "solo",
        timeout: float = 60,
    ) -> Child:
        """`celery worker` on `queues` (named `name@<host>`), ready when returned."""
        argv = [
            *(CELERY, "-A", "explorer.jobs.celery", "worker", "-Q", ",".join(queues)),
            *("--pool", pool, "-n", f"{name}@%h", "--without-gossip", "--without-mingle"),
            *("--loglevel", "INFO"),
        ]
        log = self.directory / f"{name}.log"
        begun = log.stat().st_size if log.exists() else 0  # a restarted worker's log goes on
        worker = self.start(name, argv, env)
        wait_until(lambda: worker.check_alive() or " ready." in worker.text(begun), timeout, name)
        return worker

    def start_beat(self) -> Child:
        schedule = self.directory / "celerybeat-schedule"
        argv = [CELERY, "-A", "explorer.jobs.celery", "beat", "--loglevel", "INFO"]
        return self.start("beat", [*argv, "--schedule", str(schedule)])

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to every process at once, then each reaped (SIGKILL after `timeout`)."""
        for child in self.children.values():
            if child.alive():
                child.signal(signal.SIGTERM)
        for child in self.children.values():
            child.reap(timeout)


def completions(log_text: str, task_id: str) -> int:
    """How many times a worker's log says the task with this id succeeded."""
    return log_text.count(f"[{task_id}] succeeded in ")


def receipts(log_text: str, task_id: str) -> int:
    """How many times a worker's log says it received the task with this id."""
    return log_text.count(f"[{task_id}] received")
