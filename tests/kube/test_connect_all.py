"""kube/config.py: `kubeconfig_exists` and `connect_all`, with real kubeconfig files pointing at
the project's own API server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.apiserver import ApiServer
from explorer.apiserver.store import ApiStore
from explorer.kube.config import KubeConfigError, connect_all, kubeconfig_exists, load_kubeconfig
from explorer.kube.transport import get_json

from .kubeconfigs import kubeconfig, write
from .served import small_cluster


@pytest.fixture
def server_url() -> Iterator[str]:
    server = ApiServer(ApiStore(small_cluster()), port=0)
    server.start()
    yield server.url
    server.stop()


def test_a_kubeconfig_exists_when_the_kubeconfig_variable_names_a_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config", kubeconfig({}, {}, {}))
    assert kubeconfig_exists(environ={"KUBECONFIG": str(path)})


def test_a_kubeconfig_exists_when_one_file_of_the_list_does(tmp_path: Path) -> None:
    path = write(tmp_path / "config", kubeconfig({}, {}, {}))
    listed = f"{tmp_path / 'missing'}:{path}"
    assert kubeconfig_exists(environ={"KUBECONFIG": listed})


def test_no_kubeconfig_exists_when_no_file_of_the_list_does(tmp_path: Path) -> None:
    assert not kubeconfig_exists(environ={"KUBECONFIG": str(tmp_path / "missing")})
    assert not kubeconfig_exists(str(tmp_path / "missing"))


def test_connect_all_connects_every_context_to_its_server(tmp_path: Path, server_url: str) -> None:
    doc = kubeconfig(
        {"one": ("c", "u"), "two": ("c", "u")},
        {"c": {"server": server_url}},
        {"u": {"token": "test-token"}},
        current="one",
    )
    config = load_kubeconfig(str(write(tmp_path / "config", doc)))
    skipped: list[str] = []
    clusters = connect_all(config, lambda context, _error: skipped.append(context))
    assert [cluster.name for cluster in clusters] == ["one", "two"] and skipped == []
    for cluster in clusters:
        namespaces = get_json(cluster.api_client, "/api/v1/namespaces")
        assert namespaces["items"], "the served cluster lists its namespaces"
        cluster.api_client.close()


def good_and_broken(tmp_path: Path, server_url: str) -> Path:
    """A kubeconfig with a usable context, `good`, and one naming a user it lacks, `broken`."""
    doc = kubeconfig(
        {"good": ("c", "u"), "broken": ("c", "nobody")},
        {"c": {"server": server_url}},
        {"u": {"token": "test-token"}},
        current="good",
    )
    return write(tmp_path / "config", doc)


def test_connect_all_skips_a_context_it_cannot_use_and_says_why(
    tmp_path: Path, server_url: str
) -> None:
    config = load_kubeconfig(str(good_and_broken(tmp_path, server_url)))
    skipped: list[tuple[str, str]] = []
    clusters = connect_all(config, lambda context, error: skipped.append((context, str(error))))
    assert [cluster.name for cluster in clusters] == ["good"]
    assert [context for context, _ in skipped] == ["broken"]
    assert "nobody" in skipped[0][1]
    clusters[0].api_client.close()


def test_connect_all_fails_when_no_context_can_be_used(tmp_path: Path, server_url: str) -> None:
    doc = kubeconfig({"broken": ("c", "nobody")}, {"c": {"server": server_url}}, {})
    config = load_kubeconfig(str(write(tmp_path / "config", doc)))
    with pytest.raises(KubeConfigError, match="no usable context"):
        connect_all(config, lambda _context, _error: None)


def test_the_watcher_skips_a_context_it_cannot_use_as_serve_does(
    tmp_path: Path, server_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from explorer.runtime.management.commands.watch import Command

    monkeypatch.setenv("KUBECONFIG", str(good_and_broken(tmp_path, server_url)))
    command = Command()

    clusters = command._clusters([])

    assert [cluster.name for cluster in clusters] == ["good"]
    assert "skipping context 'broken'" in capsys.readouterr().err
    clusters[0].api_client.close()
