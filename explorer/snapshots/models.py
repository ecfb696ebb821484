"""What the database knows of each snapshot; its state is a bundle file in the snapshot store
(explorer/snapshots/store.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Snapshot(models.Model):
    """A cluster's state at a moment, kept: taken here (from the live state or the flight
    recorder) or imported from a bundle file."""

    id = models.CharField(primary_key=True, max_length=16, editable=False)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, default="")  # Markdown (explorer/snapshots/notes.py)
    pins = models.JSONField(default=list)  # [{kind, namespace, name, note}]
    cluster = models.CharField(max_length=253)  # the cluster it shows, as its bundle names it
    taken_at = models.DateTimeField()  # the moment it shows
    created = models.DateTimeField(auto_now_add=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported = models.BooleanField(default=False)  # from a file, not from a cluster watched here
    size = models.PositiveBigIntegerField(default=0)  # of its bundle file, bytes
    counts = models.JSONField(default=dict)  # kind -> objects

    class Meta:
        ordering = ["-taken_at", "-created"]
        default_permissions = ()
        permissions = [
            ("share_snapshot", "Can make a share link to a snapshot"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"

    @property
    def object_count(self) -> int:
        return sum(self.counts.values())
