"""Starting a long task from a page: its id comes back at once, its progress follows over /ws/.

With REDIS_URL the task goes to a worker through the broker. Without it Celery runs tasks eagerly
(in the caller), which would hold the web request until the job ends: here the task runs instead
on a thread of this process, its reports delivered on the web server's event loop, where the
in-memory channel layer and the websocket consumers live (explorer/jobs/progress.py).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

from celery import Task
from django.db import connection

from .progress import areport_progress, deliver_on

QUEUED_MESSAGE = "waiting for a worker"


async def start(task: Task, kwargs: dict[str, Any], total: int = 0) -> str:
    """Start `task` with `kwargs`; returns its id, whose progress says "queued" until it runs."""
    task_id = str(uuid.uuid4())
    await areport_progress(task_id, 0, total, QUEUED_MESSAGE, state="queued")
    if task.app.conf.task_always_eager:
        loop = asyncio.get_running_loop()
        thread = threading.Thread(
            target=_run_here, args=(task, kwargs, task_id, loop), name=f"job {task.name}"
        )
        thread.daemon = True
        thread.start()
    else:
        await asyncio.to_thread(task.apply_async, kwargs=kwargs, task_id=task_id)
    return task_id


def _run_here(
    task: Task, kwargs: dict[str, Any], task_id: str, loop: asyncio.AbstractEventLoop
) -> None:
    deliver_on(loop)
    try:
        task.apply(kwargs=kwargs, task_id=task_id)
    finally:
        connection.close()  # this thread's own database connection
