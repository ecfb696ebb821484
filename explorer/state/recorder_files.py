"""The flight recorder's files: how one cluster's change log lies on disk. The log's writer
(explorer/state/log_writer.py) writes them; explorer/state/recorded_moments.py reads them, in
any process.

    <root>/<cluster>/                         0700, as every directory the log makes
      changes-<start>-<run>.jsonl.zst         a segment: the lines (log_entries.py) a run
                                              stamped in the SEGMENT_SECONDS from <start>, in
                                              the order recorded; one zstd frame, flushed a
                                              block at a time
      checkpoint-<moment>-<run>.json.zst      the whole state at that moment (state_dump.py),
                                              written to a .partial file, then renamed
      alive-<run>                             its mtime: the moment up to which the run's
                                              writer had written everything recorded

Every file is 0600. A run is one ChangeLog's life (one process's watch of the cluster): each
run starts with a checkpoint, and a moment after a run's `alive` and before the next run's first
checkpoint was not recorded. A file cut short by a crash is read up to where it breaks off.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import orjson
import zstandard

from .state_dump import StateDump

log = logging.getLogger(__name__)

SEGMENT_SECONDS = 600
CHECKPOINT_FORMAT = "cluster-explorer-checkpoint"
CHECKPOINT_VERSION = 1
PARTIAL = ".partial"
_SEGMENT = re.compile(r"^changes-(\d+)(?:-(\d+))?\.jsonl\.zst$")  # without a run: older logs
_CHECKPOINT = re.compile(r"^checkpoint-(\d+(?:\.\d+)?)-(\d+)\.json\.zst$")
_ALIVE = re.compile(r"^alive-(\d+)$")
_CHUNK = 1 << 16
_OBJECTS_A_CHUNK = 1000


class CheckpointFile(NamedTuple):
    at: float  # the moment whose state it holds (exactly: the float's shortest repr)
    run: int
    path: Path


def directory_for(root: Path, cluster: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", cluster) or "_"
    return root / safe


def private_directory(path: Path) -> None:
    """Make `path` and any missing parent 0700 (mkdir's mode alone is cut by the umask only)."""
    missing = []
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)


def private_file(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_APPEND) -> int:
    return os.open(path, flags, 0o600)


# ---- names -------------------------------------------------------------------------------


def segment_path(directory: Path, start: float, run: int) -> Path:
    return directory / f"changes-{int(start)}-{run}.jsonl.zst"


def checkpoint_path(directory: Path, at: float, run: int) -> Path:
    return directory / f"checkpoint-{at!r}-{run}.json.zst"


def alive_path(directory: Path, run: int) -> Path:
    return directory / f"alive-{run}"


def segments(directory: Path) -> list[tuple[float, Path]]:
    """(start, path) of each segment, in the order written (a run's after the run's before)."""
    found = sorted(
        (float(match.group(1)), int(match.group(2) or 0), directory / name)
        for name in _names(directory)
        if (match := _SEGMENT.match(name))
    )
    return [(start, path) for start, _, path in found]


def checkpoints(directory: Path) -> list[CheckpointFile]:
    """Each checkpoint, oldest first."""
    return sorted(
        CheckpointFile(float(match.group(1)), int(match.group(2)), directory / name)
        for name in _names(directory)
        if (match := _CHECKPOINT.match(name))
    )


def alive(directory: Path) -> dict[int, float]:
    """run -> the moment up to which it had written everything."""
    found = {}
    for name in _names(directory):
        if match := _ALIVE.match(name):
            try:
                found[int(match.group(1))] = (directory / name).stat().st_mtime_ns / 1e9
            except OSError:
                continue
    return found


def partials(directory: Path) -> list[Path]:
    return [directory / name for name in _names(directory) if name.endswith(PARTIAL)]


def _names(directory: Path) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


# ---- reading -----------------------------------------------------------------------------


def decompressed(path: Path) -> bytes:
    """A file's zstd frames, decompressed; of a file cut short by a crash, what comes before
    the break."""
    return b"".join(_pieces(path))


def lines_of(path: Path) -> Iterator[bytes]:
    """A segment's lines, decompressed as they are read (a reader that stops early decompresses
    no further); a line cut short by a crash comes last, to be found broken."""
    rest = b""
    for piece in _pieces(path):
        lines = (rest + piece).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _pieces(path: Path) -> Iterator[bytes]:
    try:
        raw = path.open("rb")
    except OSError as error:
        log.warning("flight recorder: %s unreadable: %s", path, error)
        return
    with raw:
        frame = zstandard.ZstdDecompressor().decompressobj()
        while chunk := raw.read(_CHUNK):
            while chunk:
                try:
                    yield frame.decompress(chunk)
                except zstandard.ZstdError as error:
                    log.warning("flight recorder: %s read up to where it breaks: %s", path, error)
                    return
                chunk = frame.unused_data if frame.eof else b""
                if frame.eof:  # the next frame: the run wrote on after a restart or a switch
                    frame = zstandard.ZstdDecompressor().decompressobj()


def lines_after(directory: Path, moment: float) -> Iterator[bytes]:
    """The lines of the segments that may hold entries recorded after `moment`, in the order
    recorded (from the segment `moment` falls in; the caller skips the earlier lines)."""
    found = segments(directory)
    begun = [start for start, _ in found if start <= moment]
    first = next(i for i, (start, _) in enumerate(found) if start == begun[-1]) if begun else 0
    for _, path in found[first:]:
        yield from lines_of(path)


def intact(path: Path) -> bool:
    """The file is whole zstd frames, their checksums right (a checkpoint that a crash or a
    full disk cut short is not), without parsing what they hold."""
    try:
        with path.open("rb") as raw:
            frame = zstandard.ZstdDecompressor().decompressobj()
            while chunk := raw.read(_CHUNK * 16):
                frame.decompress(chunk)
                if frame.eof and frame.unused_data:
                    return False  # a checkpoint is one frame
        return frame.eof
    except (OSError, zstandard.ZstdError):
        return False


def read_checkpoint(path: Path) -> tuple[float, StateDump] | None:
    """The moment a checkpoint holds and its state; None when it is broken (cut short by a
    crash, or not one of ours)."""
    data = decompressed(path)
    try:
        body = orjson.loads(data)
        if body.get("format") != CHECKPOINT_FORMAT or body.get("version") != CHECKPOINT_VERSION:
            raise ValueError("not a checkpoint of this version")
        dump: StateDump = {
            "cluster": str(body["cluster"]),
            "objects": dict(body["objects"]),
            "node_facts": dict(body["node_facts"]),
            "resource_versions": dict(body["resource_versions"]),
            "not_visible": dict(body["not_visible"]),
        }
        return float(body["at"]), dump
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as error:
        log.warning(
            "flight recorder: checkpoint %s is broken (%s): the one before is used",
            path.name,
            error,
        )
        return None


# ---- writing a checkpoint ----------------------------------------------------------------


def write_checkpoint(directory: Path, at: float, run: int, dump: StateDump) -> Path | None:
    """Write the checkpoint of `dump` (the state at `at`); None, and a warning, when a node
    fact is not JSON data. Streamed, a thousand objects at a time, so that it never holds the
    whole text."""
    path = checkpoint_path(directory, at, run)
    partial = path.with_name(path.name + PARTIAL)
    compressor = zstandard.ZstdCompressor(level=3, write_checksum=True)
    try:
        handle = private_file(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        with os.fdopen(handle, "wb") as raw, compressor.stream_writer(raw, closefd=False) as out:
            _write_body(out, at, dump)
    except (OSError, TypeError) as error:
        log.warning("flight recorder: checkpoint at %s not written: %s", at, error)
        partial.unlink(missing_ok=True)
        return None
    partial.replace(path)
    return path


def _write_body(out, at: float, dump: StateDump) -> None:
    head = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "at": at,
        "cluster": dump["cluster"],
        "resource_versions": dump["resource_versions"],
        "not_visible": dump["not_visible"],
    }
    out.write(orjson.dumps(head)[:-1] + b',"node_facts":')
    out.write(orjson.dumps(dump["node_facts"]) + b',"objects":{')
    for number, (kind, objects) in enumerate(dump["objects"].items()):
        out.write((b"," if number else b"") + orjson.dumps(kind) + b":[")
        part = getattr(objects, "fragments", None)  # packed: their JSON as it is held
        for start in range(0, len(objects), _OBJECTS_A_CHUNK):
            stop = start + _OBJECTS_A_CHUNK
            chunk = orjson.dumps(part(start, stop) if part else objects[start:stop])[1:-1]
            out.write((b"," if start and chunk else b"") + chunk)
        out.write(b"]")
    out.write(b"}}")
