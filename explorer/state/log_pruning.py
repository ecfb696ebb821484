"""Which of a change log's files go: those older than the retention, then the oldest past the
size limit — never a file a moment still kept needs.

A moment is rebuilt from the checkpoint before it and the segments after that checkpoint
(explorer/state/recorded_moments.py), so the oldest checkpoint kept is the *anchor*: the newest
one at or before the retention's horizon (the window starts there, never at a moment that cannot
be rebuilt), moved on to the next checkpoints while the files kept are over the size limit. The
checkpoints before the anchor go, and the segments that end by then. The newest checkpoint and
the segment being written always stay. A log without checkpoints (one written before they
existed, or one only read by `after`) loses its segments by age and size alone.
"""

from __future__ import annotations

from pathlib import Path

from .recorder_files import SEGMENT_SECONDS, CheckpointFile


def doomed(
    segments: list[tuple[float, Path]],
    checkpoints: list[CheckpointFile],
    sizes: dict[Path, int],
    horizon: float,
    max_bytes: int,
) -> list[Path]:
    """The segments and checkpoints to delete (oldest first), given each file's size and the
    moment before which nothing need be kept."""
    if not checkpoints:
        return _by_age_and_size(segments, sizes, horizon, max_bytes)
    older = [i for i, checkpoint in enumerate(checkpoints) if checkpoint.at <= horizon]
    anchor = older[-1] if older else 0
    while anchor < len(checkpoints) - 1 and _kept(segments, checkpoints, anchor, sizes) > max_bytes:
        anchor += 1
    cut = checkpoints[anchor].at
    gone = [checkpoint.path for checkpoint in checkpoints[:anchor]]
    gone += [path for start, path in segments[:-1] if start + SEGMENT_SECONDS <= cut]
    return gone


def _kept(
    segments: list[tuple[float, Path]],
    checkpoints: list[CheckpointFile],
    anchor: int,
    sizes: dict[Path, int],
) -> int:
    cut = checkpoints[anchor].at
    kept = [c.path for c in checkpoints[anchor:]]
    kept += [path for start, path in segments if start + SEGMENT_SECONDS > cut]
    return sum(sizes.get(path, 0) for path in kept)


def _by_age_and_size(
    segments: list[tuple[float, Path]], sizes: dict[Path, int], horizon: float, max_bytes: int
) -> list[Path]:
    total = sum(sizes.get(path, 0) for _, path in segments)
    gone = []
    for start, path in segments[:-1]:  # never the one being written
        # a segment holds the changes of its own SEGMENT_SECONDS, however long the next waits
        if start + SEGMENT_SECONDS < horizon or total > max_bytes:
            total -= sizes.get(path, 0)
            gone.append(path)
    return gone
