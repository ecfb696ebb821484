"""`manage.py snapshot take|list|export|import|diff|delete …`: snapshots from the command line
(explorer/snapshots/). `take` talks to a kubeconfig context itself (no app needs to run), or
rebuilds a past moment from the flight recorder with `--at`; `--out` writes the bundle to a file
instead of the snapshot store. `export` writes the one-file HTML of a snapshot; `diff` compares
two of bundle files, stored snapshots and `live`. Errors are one line."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.kube.config import KubeConfigError, kubeconfig_exists, load_kubeconfig
from explorer.lib.sources import SNAPSHOT_PREFIX
from explorer.snapshots import store
from explorer.snapshots.bundle import About, BundleError, open_bundle, write_bundle
from explorer.snapshots.capture import StateUnavailable, cluster_state
from explorer.snapshots.diff import diff_as_json, diff_as_text, diff_states
from explorer.snapshots.extras import captured_extras
from explorer.snapshots.models import Snapshot
from explorer.snapshots.moments import MomentUnavailable, moment_state
from explorer.state.cluster_state import ClusterState

_AGO = re.compile(r"^(?:-(\d+)([smh])|(\d+)([smh]) ago)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours"}


def moment_of(text: str, now: datetime | None = None) -> datetime:
    """`2026-12-06T03:12:00Z`, `2026-12-06 03:12` (UTC when no zone is given), `15m ago` or
    `-15m` (as `--at=-15m`)."""
    now = now or datetime.now(UTC)
    ago = _AGO.match(text.strip())
    if ago:
        amount, unit = (
            (ago.group(1), ago.group(2)) if ago.group(1) else (ago.group(3), ago.group(4))
        )
        return now - timedelta(**{_UNITS[unit]: int(amount)})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(
            f"--at {text[:40]!r}: give a time such as 2026-12-06T03:12:00Z, or '15m ago'"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Command(BaseCommand):
    help = "Take, list, import and delete snapshots of a cluster's state."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        take = commands.add_parser("take", help="keep a cluster as it is now, or was at --at")
        take.add_argument("--context", help="kubeconfig context (default: the current one)")
        take.add_argument("--title", default="", help="what the snapshot is of")
        take.add_argument(
            "--at", help="a past moment from the flight recorder: a UTC time, or '15m ago'"
        )
        take.add_argument("--out", help="write the bundle to this file, not the snapshot store")
        commands.add_parser("list", help="the snapshots in the store")
        imported = commands.add_parser("import", help="keep a bundle file as a snapshot")
        imported.add_argument("file")
        imported.add_argument("--title", default="", help="instead of the bundle's own")
        export = commands.add_parser("export", help="write a snapshot as one HTML file")
        export.add_argument("snapshot", help="its id (see `snapshot list`)")
        export.add_argument("--html", required=True, help="the file to write")
        diff = commands.add_parser("diff", help="what changed from A to B")
        for side in ("a", "b"):
            diff.add_argument(side, help="a bundle file, a stored snapshot's id, or `live`")
        diff.add_argument("--context", help="the cluster `live` reads (default: the current one)")
        diff.add_argument("--json", action="store_true", help="as JSON: added, removed, changed")
        delete = commands.add_parser("delete", help="delete a snapshot from the store")
        delete.add_argument("snapshot", help="its id (see `snapshot list`)")

    def handle(self, *args: object, **options: object) -> None:
        handler = getattr(self, f"_{options['command']}")
        handler(options)

    # ---- take ----------------------------------------------------------------------------

    def _take(self, options: dict) -> None:
        context = options["context"] or _current_context()
        if options["at"]:
            taken_at = moment_of(options["at"])
            try:
                state = moment_state(context, taken_at.timestamp())
            except MomentUnavailable as error:
                raise CommandError(str(error)) from None
        else:
            taken_at = datetime.now(UTC)
            try:
                state = cluster_state(context, self._kind_listed)
            except StateUnavailable as error:
                raise CommandError(str(error)) from None
        extras = captured_extras(state)
        if options["out"]:
            about = About(title=options["title"], notes="", pins=[], taken_at=store.iso(taken_at))
            path = write_bundle(state, options["out"], about=about, extras=extras)
            self.stdout.write(
                f"{path}: {len(state)} objects of {context}, {path.stat().st_size:,} bytes"
            )
            return
        snapshot = store.keep(
            state, title=options["title"], taken_at=taken_at, creator=None, extras=extras
        )
        self.stdout.write(self._line(snapshot))

    def _kind_listed(self, kind: str, objects: int, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return  # a progress line is for a person at a terminal
        sys.stderr.write(f"\r{done}/{total} kinds listed ({kind}: {objects})".ljust(60))
        if done == total:
            sys.stderr.write("\n")

    # ---- list, import, delete ------------------------------------------------------------

    def _list(self, options: dict) -> None:
        snapshots = list(Snapshot.objects.select_related("creator"))
        if not snapshots:
            self.stdout.write(f"no snapshots in {store.directory()}")
        for snapshot in snapshots:
            self.stdout.write(self._line(snapshot))

    def _import(self, options: dict) -> None:
        path = Path(options["file"])
        limit = settings.EXPLORER_SNAPSHOT_UPLOAD_MB * 2**20
        try:
            if path.stat().st_size > limit:
                raise CommandError(f"{path.name}: over {settings.EXPLORER_SNAPSHOT_UPLOAD_MB} MB")
        except OSError as error:
            raise CommandError(f"{path.name}: cannot read: {error.strerror}") from None
        try:
            bundle = open_bundle(path, settings.EXPLORER_SNAPSHOT_MAX_MB * 2**20)
        except BundleError as error:
            raise CommandError(str(error)) from None
        snapshot = store.keep_bundle(bundle, creator=None, title=options["title"] or path.name)
        self.stdout.write(self._line(snapshot))

    def _export(self, options: dict) -> None:
        snapshot = _stored(options["snapshot"])
        try:
            data = store.export_of(snapshot)
        except store.SnapshotGone as error:
            raise CommandError(str(error)) from None
        path = Path(options["html"])
        path.write_bytes(data)
        self.stdout.write(f"{path}: {snapshot.title}, {len(data):,} bytes")

    def _diff(self, options: dict) -> None:
        a, b = (self._state_for(options[side], options["context"]) for side in ("a", "b"))
        found = diff_states(a, b)
        if options["json"]:
            self.stdout.write(
                orjson.dumps(diff_as_json(found), option=orjson.OPT_INDENT_2).decode()
            )
        else:
            self.stdout.write(diff_as_text(found))

    def _state_for(self, name: str, context: str | None) -> ClusterState:
        if name == "live":
            try:
                return cluster_state(context or _current_context(), self._kind_listed)
            except StateUnavailable as error:
                raise CommandError(str(error)) from None
        path = Path(name)
        if path.is_file():
            try:
                return open_bundle(path, settings.EXPLORER_SNAPSHOT_MAX_MB * 2**20).state
            except BundleError as error:
                raise CommandError(str(error)) from None
        try:
            return store.state_of(_stored(name.removeprefix(SNAPSHOT_PREFIX)))
        except store.SnapshotGone as error:
            raise CommandError(str(error)) from None

    def _delete(self, options: dict) -> None:
        snapshot = _stored(options["snapshot"])
        gone = f"{snapshot.id} ({snapshot.title})"
        store.delete(snapshot)
        self.stdout.write(f"deleted {gone}")

    def _line(self, snapshot: Snapshot) -> str:
        imported = " (imported)" if snapshot.imported else ""
        return (
            f"{snapshot.id}  {snapshot.taken_at:%Y-%m-%d %H:%M:%S}Z  {snapshot.cluster}{imported}  "
            f"{snapshot.object_count} objects  {snapshot.size:,} bytes  {snapshot.title}"
        )


def _stored(snapshot_id: str) -> Snapshot:
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        raise CommandError(f"no snapshot {snapshot_id!r} (see `snapshot list`)")
    return snapshot


def _current_context() -> str:
    if not kubeconfig_exists():
        raise CommandError("no kubeconfig: give --context, or set KUBECONFIG")
    try:
        current = load_kubeconfig().current_context
    except KubeConfigError as error:
        raise CommandError(str(error)) from None
    if not current:
        raise CommandError("the kubeconfig names no current context: give --context")
    return current
