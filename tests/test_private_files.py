"""What the app writes is readable by its own user only: the SQLite database a fresh process
creates, and a download directory an older version left open, tightened at start-up."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from .processes import manage


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_database_and_an_old_download_directory_end_up_private(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir(mode=0o755)
    old = downloads / "old.explorer.zst"
    old.write_bytes(b"bundle")
    old.chmod(0o644)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(40),
        EXPLORER_DOWNLOAD_DIR=str(downloads),
    )

    manage(env, "migrate", "--noinput")

    assert mode(tmp_path / "app.sqlite3") == 0o600
    assert (mode(downloads), mode(old)) == (0o700, 0o600)
