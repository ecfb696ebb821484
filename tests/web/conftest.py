from __future__ import annotations

from collections.abc import Iterator

import pytest

from explorer.lib.choices import ERROR, NOT_VISIBLE, WATCHING
from explorer.state import store
from explorer.state.cluster_state import ClusterState
from explorer.state.store import ClusterStates

from ..snapshots.etcd_backup import etcd_backup  # noqa: F401  (a data file made by a real etcd)

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="ada", password=PASSWORD)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


class Watched:
    """The clusters this process watches, in a real store installed as the process's, each with
    what its watcher reported: `live` (every kind watched) or `error`, and kinds not visible."""

    def __init__(self) -> None:
        self.states = ClusterStates()

    def add(
        self,
        name: str,
        status: str = "live",
        not_visible: tuple[str, ...] = (),
        state: ClusterState | None = None,
    ) -> None:
        self.states.add(name, state)
        if status == "error":
            self.states.status(name, "Pod", ERROR, "Unauthorized")
        else:
            self.states.status(name, "Pod", WATCHING)
        for kind in not_visible:
            self.states.status(name, kind, NOT_VISIBLE, "forbidden")


@pytest.fixture
def watched() -> Iterator[Watched]:
    clusters = Watched()
    store.install(clusters.states)
    yield clusters
    store.uninstall(clusters.states)
