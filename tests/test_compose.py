"""The team install: Debian's docker-compose accepts docker-compose.yml (there is no Docker engine
here, so `config` is the check), and what its services run exists in this tree."""

from __future__ import annotations

import importlib
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery import Celery
from django.conf import settings
from django.core.management import get_commands

REPO = Path(__file__).resolve().parents[1]
COMPOSE = shutil.which("docker-compose")
SERVICES = {"migrate", "web", "watcher", "worker", "beat", "redis", "postgres"}
APP_SERVICES = SERVICES - {"redis", "postgres"}

pytestmark = pytest.mark.skipif(
    COMPOSE is None, reason="docker-compose missing (scripts/test-deps installs Debian's package)"
)


def compose(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KUBECONFIG_FILE": str(kubeconfig),
    }
    files = ["--project-directory", str(REPO), "-f", str(REPO / "docker-compose.yml")]
    return subprocess.run(
        [str(COMPOSE), *files, *args],
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The file as docker-compose resolves it (anchors merged, variables filled in)."""
    done = compose(
        tmp_path_factory.mktemp("compose"), "config", SECRET_KEY="s" * 50, POSTGRES_PASSWORD="pw"
    )
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def argv(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_debian_docker_compose_accepts_the_team_install(tmp_path: Path) -> None:
    done = compose(tmp_path, "config", "-q", SECRET_KEY="s" * 50, POSTGRES_PASSWORD="pw")
    assert done.returncode == 0, done.stderr


def test_the_team_install_refuses_to_start_without_a_secret_key_or_database_password(
    tmp_path: Path,
) -> None:
    no_key = compose(tmp_path, "config", "-q", POSTGRES_PASSWORD="pw")
    assert no_key.returncode != 0 and "SECRET_KEY" in no_key.stderr
    no_password = compose(tmp_path, "config", "-q", SECRET_KEY="s" * 50)
    assert no_password.returncode != 0 and "POSTGRES_PASSWORD" in no_password.stderr


def test_the_services_are_web_watcher_worker_beat_redis_postgres_and_a_one_shot_migrate(
    config: dict[str, Any],
) -> None:
    services = config["services"]
    assert set(services) == SERVICES
    assert services["migrate"]["restart"] == "no"
    for name in APP_SERVICES - {"migrate", "watcher"}:
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_every_app_service_gets_its_settings_from_the_environment(config: dict[str, Any]) -> None:
    settings_source = (REPO / "explorer" / "settings.py").read_text()
    for name in APP_SERVICES:
        environment = config["services"][name]["environment"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DATABASE_URL"] == "postgres://explorer:pw@postgres:5432/explorer"
        assert environment["SECRET_KEY"] == "s" * 50
        for variable in environment:
            assert f'"{variable}"' in settings_source, f"settings.py never reads {variable}"


def test_the_services_that_watch_or_collect_read_the_kubeconfig_mounted_read_only(
    config: dict[str, Any],
) -> None:
    for name in ("watcher", "worker"):
        service = config["services"][name]
        assert service["environment"]["KUBECONFIG"] == "/kube/config"
        assert any(mount.endswith("/kubeconfig:/kube/config:ro") for mount in service["volumes"])
    assert "KUBECONFIG" not in config["services"]["web"]["environment"]


def test_web_and_worker_share_the_volume_where_finished_downloads_wait(
    config: dict[str, Any],
) -> None:
    services = config["services"]
    directory = services["web"]["environment"]["EXPLORER_DOWNLOAD_DIR"]
    assert services["worker"]["environment"]["EXPLORER_DOWNLOAD_DIR"] == directory
    for name in ("web", "worker"):
        assert f"downloads:{directory}:rw" in services[name]["volumes"]
    assert "downloads" in config["volumes"]
    assert f"install -d -o explorer -g explorer {directory}" in (REPO / "Dockerfile").read_text()


def test_the_commands_name_a_management_command_the_celery_app_and_the_asgi_app_that_exist(
    config: dict[str, Any],
) -> None:
    services = config["services"]
    assert argv(services["migrate"])[:3] == ["python", "manage.py", "migrate"]
    watch = argv(services["watcher"])
    assert watch[:2] == ["python", "manage.py"] and watch[2] in get_commands()

    web = argv(services["web"])
    assert web[:3] == ["python", "manage.py", "web"]

    for name, role in (("worker", "worker"), ("beat", "beat")):
        celery = argv(services[name])
        assert celery[0] == "celery" and role in celery
        app = importlib.import_module(celery[celery.index("-A") + 1]).app
        assert isinstance(app, Celery)
    worker = argv(services["worker"])
    assert worker[worker.index("-Q") + 1] == settings.CELERY_TASK_DEFAULT_QUEUE


def test_the_image_holds_the_templates_and_static_files_the_app_serves_itself() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    copied = {
        source
        for line in re.findall(r"^COPY (.+)$", dockerfile, re.MULTILINE)
        for source in line.split()[:-1]
    }
    for source in copied:
        assert (REPO / source).exists(), f"the Dockerfile copies {source}, which is missing"
    wanted = {*settings.STATICFILES_DIRS, *settings.TEMPLATES[0]["DIRS"], settings.BASE_DIR}
    for directory in wanted - {settings.BASE_DIR}:
        assert str(Path(directory).relative_to(settings.BASE_DIR)) in copied
    assert {"manage.py", "explorer"} <= copied
    ignored = (REPO / ".dockerignore").read_text().split()
    assert not copied & set(ignored), "the .dockerignore hides something the Dockerfile copies"


def test_the_watcher_keeps_its_change_logs_and_node_facts_on_a_volume(
    config: dict[str, Any],
) -> None:
    watcher = config["services"]["watcher"]
    directory = watcher["environment"]["EXPLORER_STATE_DIR"]
    assert f"state:{directory}:rw" in watcher["volumes"]
    assert "state" in config["volumes"]
    assert directory in (REPO / "Dockerfile").read_text()
