"""What the app writes is its own: the SQLite database (sessions, users), bundle downloads, the
generated secret key. Every process of the app makes files 0600 and directories 0700 (umask
077), and what an older version left readable to others is tightened at start-up."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings

PRIVATE_UMASK = 0o077


def _tighten(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(mode)
    except OSError:
        pass  # not there yet, or not ours: nothing to tighten


def keep_private() -> None:
    os.umask(PRIVATE_UMASK)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        _tighten(Path(database["NAME"]), 0o600)
    downloads = Path(settings.EXPLORER_DOWNLOAD_DIR)
    _tighten(downloads, 0o700)
    if downloads.is_dir():
        for entry in downloads.iterdir():
            _tighten(entry, 0o600)
