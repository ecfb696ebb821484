"""An install with one shared snapshot and canaries around it: a live cluster (the demo's
objects), a second snapshot, a paste and two users, each named with a unique string that no
response or websocket frame of the share session may carry."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser

from explorer.demo import build_demo
from explorer.lib.choices import WATCHING
from explorer.lib.sources import snapshot_source
from explorer.snapshots import sharing, store
from explorer.snapshots.models import ShareLink, Snapshot
from explorer.web import paste_store
from explorer.web.models import Paste

SHARED_CLUSTER = "incident-east"
SHARED_TITLE = "Checkout outage at 03:12"


@dataclass
class World:
    shared: Snapshot
    other: Snapshot
    live: str
    staff: AbstractBaseUser  # makes the link
    creator: AbstractBaseUser  # took the shared snapshot
    paste: Paste
    link: ShareLink
    token: str
    canaries: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return snapshot_source(self.shared.id)

    def leaked(self, data: bytes | str) -> list[str]:
        """The canaries `data` carries (none, in a share session)."""
        text = data.decode(errors="replace") if isinstance(data, bytes) else data
        return [what for what, canary in self.canaries.items() if canary in text]


def make_world(settings, django_user_model, tmp_path, watched) -> World:
    settings.EXPLORER_SNAPSHOT_DIR = str(tmp_path / "snapshots")
    tag = secrets.token_hex(6)
    canaries = {
        "live cluster": f"live-canary-{tag}",
        "other snapshot's title": f"title-canary-{tag}",
        "other snapshot's cluster": f"cluster-canary-{tag}",
        "snapshot creator": f"creator-canary-{tag}",
        "link maker": f"staff-canary-{tag}",
        "pasted text": f"paste-canary-{tag}",
    }
    staff = django_user_model.objects.create_user(
        canaries["link maker"], password="x-not-used-1", is_staff=True
    )
    creator = django_user_model.objects.create_user(canaries["snapshot creator"], password="x-2")
    watched.states.add(canaries["live cluster"], build_demo(cluster=canaries["live cluster"]))
    watched.states.status(canaries["live cluster"], "Pod", WATCHING)
    taken = datetime.now(UTC) - timedelta(hours=1)
    shared = store.keep(
        build_demo(cluster=SHARED_CLUSTER, seed=1),
        title=SHARED_TITLE,
        taken_at=taken,
        creator=creator,
        notes="Look at **checkout**.",
    )
    other = store.keep(
        build_demo(cluster=canaries["other snapshot's cluster"], seed=2),
        title=canaries["other snapshot's title"],
        taken_at=taken,
        creator=staff,
        imported=True,
    )
    resolv = f"search {canaries['pasted text']}.svc.cluster.local\nnameserver 10.96.0.10\n"
    paste = paste_store.keep(staff, "resolv.conf", "resolv", resolv)
    link, token = sharing.make_link(shared, staff, days=7)
    return World(
        shared, other, canaries["live cluster"], staff, creator, paste, link, token, canaries
    )
