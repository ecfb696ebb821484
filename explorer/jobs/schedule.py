"""The team install's schedule (CELERY_BEAT_SCHEDULE): every EXPLORER_COLLECT_EVERY_MINUTES,
a collection of each watched cluster's node facts, sent to the workers."""

from __future__ import annotations

from django.conf import settings

from explorer.streaming.directory import Directory

from .celery import app
from .collect import collect_cluster


@app.task(name="explorer.jobs.schedule.collect_every_cluster")
def collect_every_cluster() -> list[str]:
    """Start a collection of each cluster the watchers advertise; the names of those started."""
    clusters = [status["cluster"] for status in Directory(settings.REDIS_URL).read()]
    for cluster in clusters:
        collect_cluster.apply_async(kwargs={"cluster": cluster})
    return clusters
