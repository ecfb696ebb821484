"""An etcd data file kept as a snapshot: the state as of one of its revisions
(explorer/snapshots/from_etcd.py) in the snapshot store, marked imported and reconstructed from
the file, with the file's key index as an extra. What `manage.py etcd open` and the upload on the
snapshots page both do."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.base_user import AbstractBaseUser

from explorer.etcd.datafile import EtcdDataFile

from . import store
from .extras import captured_extras
from .from_etcd import EXTRA_NAME, Progress, Reconstruction, state_as_of
from .models import Snapshot

MAX_NAME = 100


def keep_data_file(
    data_file: EtcdDataFile,
    revision: int | None,
    *,
    file_name: str,
    creator: AbstractBaseUser | None,
    title: str = "",
    snapshot_id: str | None = None,
    on_progress: Progress | None = None,
) -> tuple[Snapshot, Reconstruction]:
    """Keep the state of `data_file` as of `revision` (default: its last) as a new snapshot.
    The data file's RevisionUnavailable errors pass through."""
    name = _plain(file_name)
    state, found = state_as_of(data_file, revision, cluster=name, on_progress=on_progress)
    who = creator.get_username() if creator is not None else "the command line"
    origin = f"the etcd data file {name}, revision {found.revision}"
    extras = captured_extras(state)
    extras[EXTRA_NAME]["source"] = {
        "file": name,
        "revision": found.revision,
        "opened_by": who,
    }
    snapshot = store.keep(
        state,
        snapshot_id=snapshot_id,
        title=title or f"{name} at revision {found.revision}",
        taken_at=found.taken_at or datetime.now(UTC),
        creator=creator,
        notes=notes_of(name, found, who),
        imported=True,
        extras=extras,
        reconstructed_from=origin,
    )
    return snapshot, found


def notes_of(file_name: str, found: Reconstruction, who: str) -> str:
    """The snapshot's notes (Markdown): where it comes from and what it could not hold."""
    moment = (
        ""
        if found.taken_at is not None
        else " No time was found in its objects: its moment is when it was opened."
    )
    lines = [
        f"Reconstructed from the etcd data file `{file_name}` as of revision {found.revision}, "
        f"opened by {who}. An etcd data file has no clock: the moment shown is inferred from the "
        f"latest time written in its objects.{moment}",
        "",
        *(f"- {line}" for line in found.summary()),
    ]
    if found.problem_count:
        lines.append(f"- {found.problem_count} problems decoding values; the first:")
        lines.extend(f"  - `{problem[:300]}`" for problem in found.problems[:10])
    return "\n".join(lines)


def _plain(file_name: str) -> str:
    """A file's name as it may be shown: no directory, no control characters, not too long."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(c if c.isprintable() and c != "`" else "_" for c in base)[:MAX_NAME]
    return shown or "etcd data file"
