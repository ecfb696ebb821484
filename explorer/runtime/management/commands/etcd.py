"""`manage.py etcd open FILE [--revision R] [--title T] [--json]`: an etcd data file (what
`etcdctl snapshot save` writes, or a member's `member/snap/db`) kept as a snapshot of its cluster
as of one of its revisions (explorer/snapshots/etcd_snapshots.py). Prints the revisions the file
holds, what the reconstruction held and could not, and the snapshot's URL path. A file that is
not an etcd data file, or a revision it does not hold, is one line and exit status 2."""

from __future__ import annotations

import sys

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from explorer.etcd.boltdb import BoltError
from explorer.etcd.datafile import DataFileError, RevisionUnavailable, open_data_file
from explorer.etcd.keys import DEFAULT_PREFIX, KeyFormError
from explorer.snapshots.etcd_snapshots import keep_data_file

FAILED = 2


class Command(BaseCommand):
    help = "Open an etcd data file as a snapshot of its cluster at one of its revisions."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        opened = commands.add_parser(
            "open", help="keep the state a data file holds as of a revision as a snapshot"
        )
        opened.add_argument("file", help="`etcdctl snapshot save` output, or a member's db")
        opened.add_argument("--revision", type=int, help="default: the last one the file holds")
        opened.add_argument("--title", default="", help="default: the file's name and revision")
        opened.add_argument(
            "--prefix", default=DEFAULT_PREFIX, help="kube-apiserver's --etcd-prefix"
        )
        opened.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: object, **options: object) -> None:
        self._open(options)

    def _open(self, options: dict) -> None:
        path = str(options["file"])
        try:
            data_file = open_data_file(path, prefix=options["prefix"])
        except (BoltError, DataFileError, KeyFormError) as error:
            raise CommandError(f"{path}: {error}", returncode=FAILED) from None
        with data_file:
            earliest = next(data_file.revisions(), None)
            held = {
                "count": data_file.revision_count,  # below the compaction, surviving puts only
                "earliest": earliest.revision if earliest else None,
                "first": data_file.first_revision,  # the earliest whose key space it gives
                "last": data_file.current_revision,
                "compacted": data_file.compacted_revision,
            }
            try:
                snapshot, found = keep_data_file(
                    data_file,
                    options["revision"],
                    file_name=path,
                    creator=None,
                    title=options["title"],
                    on_progress=self._decoded,
                )
            except RevisionUnavailable as error:
                raise CommandError(f"{path}: {error}", returncode=FAILED) from None
            except DataFileError as error:
                raise CommandError(f"{path}: {error}", returncode=FAILED) from None
        url = reverse("snapshot", args=[snapshot.id])
        if options["json"]:
            answer = {
                "revisions": held,
                "reconstruction": found.as_json(),
                "snapshot": {"id": snapshot.id, "title": snapshot.title, "path": url},
            }
            self.stdout.write(orjson.dumps(answer, option=orjson.OPT_INDENT_2).decode())
            return
        compacted = f"compacted at {held['compacted']}" if held["compacted"] else "never compacted"
        self.stdout.write(
            f"revisions held: {held['count']}, from {held['earliest']} to {held['last']} "
            f"({compacted}); the state can be had as of {held['first']}..{held['last']}"
        )
        for line in found.summary():
            self.stdout.write(line)
        if found.problem_count:
            self.stdout.write(f"{found.problem_count} problems decoding values; the first:")
            for problem in found.problems[:5]:
                self.stdout.write(f"  {problem[:300]}")
        self.stdout.write(f"snapshot {snapshot.id}: {snapshot.title}")
        self.stdout.write(url)

    def _decoded(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return  # a progress line is for a person at a terminal
        sys.stderr.write(f"\r{done}/{total} keys decoded".ljust(40))
        if done == total:
            sys.stderr.write("\n")
