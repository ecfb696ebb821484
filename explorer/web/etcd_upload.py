"""An etcd data file uploaded on the snapshots page, opened as a snapshot of its cluster.

The file holds every Secret of its cluster, so it is never kept: the upload is written to a
private temporary file (0600, `mkstemp` in FILE_UPLOAD_TEMP_DIR or the system's), counted against
EXPLORER_ETCD_UPLOAD_MB as it arrives, opened (the bolt reader maps it), and its name removed from
the disk at once; the mapping is closed when the reconstruction ends, and the name is removed
again in every case. The web server refuses a larger body before it is buffered
(explorer/web/body_limits.py); the count here stops one that arrives another way.

The reconstruction (explorer/snapshots/etcd_snapshots.py) runs on a thread of this process, never
on the event loop, and never on a Celery worker: the file is on this machine's disk and must not
travel or outlive the job. Its progress goes to the tab like a snapshot being taken
(explorer/jobs/progress.py, templates/snapshots/taking.html).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import connection

from explorer.etcd.datafile import EtcdDataFile
from explorer.jobs.progress import deliver_on, report_progress
from explorer.snapshots.etcd_snapshots import keep_data_file

from .body_limits import MB

log = logging.getLogger(__name__)

FIELD = "datafile"
_PREFIX = "etcd-upload-"


class PrivateUpload(FileUploadHandler):
    """Writes the form's data file to a 0600 temporary file of its own, and stops the upload
    once it passes `limit` bytes. Other file fields are dropped."""

    def __init__(self, limit: int, directory: str | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.directory = directory
        self.path: Path | None = None
        self.received = 0
        self.too_big = False
        self._file = None
        self._taking = False
        self.sent_name = ""  # the data file's name as the browser sent it
        self.handed_over = False  # to the reconstruction, which removes the file when done

    def new_file(self, field_name: str, file_name: str, *args: object, **kwargs: object) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)  # type: ignore[arg-type]
        self._taking = field_name == FIELD and self.path is None
        if self._taking:
            descriptor, name = tempfile.mkstemp(prefix=_PREFIX, suffix=".db", dir=self.directory)
            self.path = Path(name)
            self.sent_name = file_name
            self._file = os.fdopen(descriptor, "wb")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if not self._taking or self._file is None:
            return None
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            self.discard()
            raise StopUpload(connection_reset=True)
        self._file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> None:
        if self._taking and self._file is not None:
            self._file.close()
            self._file = None
        self._taking = False

    def upload_interrupted(self) -> None:
        self.discard()

    def discard(self) -> None:
        """Close and remove the temporary file (again, harmlessly, if it is gone)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def upload_handler() -> PrivateUpload:
    return PrivateUpload(settings.EXPLORER_ETCD_UPLOAD_MB * MB, settings.FILE_UPLOAD_TEMP_DIR)


def start_reconstruction(
    data_file: EtcdDataFile,
    path: Path,
    *,
    revision: int | None,
    file_name: str,
    user_id: int | None,
    snapshot_id: str,
    loop: asyncio.AbstractEventLoop,
) -> str:
    """Reconstruct and keep the snapshot on a thread of this process; its task id for the
    progress. The thread closes `data_file` and removes `path` whatever happens."""
    task_id = str(uuid.uuid4())
    thread = threading.Thread(
        target=_reconstruct,
        args=(data_file, path, revision, file_name, user_id, snapshot_id, task_id, loop),
        name="etcd data file",
        daemon=True,
    )
    thread.start()
    return task_id


def _reconstruct(
    data_file: EtcdDataFile,
    path: Path,
    revision: int | None,
    file_name: str,
    user_id: int | None,
    snapshot_id: str,
    task_id: str,
    loop: asyncio.AbstractEventLoop,
) -> None:
    deliver_on(loop)

    def decoded(done: int, total: int) -> None:
        report_progress(task_id, done, total + 1, f"{done} of {total} keys decoded")

    try:
        with data_file:
            report_progress(task_id, 0, 1, f"reading {file_name}")
            creator = get_user_model()._default_manager.filter(pk=user_id).first()
            snapshot, _found = keep_data_file(
                data_file,
                revision,
                file_name=file_name,
                creator=creator,
                snapshot_id=snapshot_id,
                on_progress=decoded,
            )
        report_progress(
            task_id, 1, 1, f"{snapshot.object_count} objects, {snapshot.size:,} bytes", state="done"
        )
    except Exception as error:  # one line on the page; the file's contents are never logged
        line = " ".join(str(error).split())[:300] or type(error).__name__
        log.warning("etcd data file %s not opened: %s", snapshot_id, type(error).__name__)
        report_progress(task_id, 0, 1, f"failed: {line}", state="failed")
    finally:
        path.unlink(missing_ok=True)
        connection.close()  # this thread's own database connection
