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
    # what an imported state was rebuilt from, when not a bundle ("the etcd data file x.db,
    # revision 52"): its moment is then inferred, not measured
    reconstructed_from = models.CharField(max_length=300, blank=True, default="")
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


class ShareLink(models.Model):
    """A link that opens one snapshot read-only, without an account, until it expires or is
    revoked (explorer/snapshots/sharing.py). Only the sha256 of its token is kept."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="share_links")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
    allow_download = models.BooleanField(default=False)  # the bundle (and the one-file export)

    class Meta:
        ordering = ["-created"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"share link {self.pk} to {self.snapshot_id}"

    def is_open(self, now) -> bool:
        return self.revoked is None and now < self.expires


class ShareOpening(models.Model):
    """One use of a share link's token: when, and from which address (for who made the link
    and the snapshot's creator)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    at = models.DateTimeField(auto_now_add=True)
    address = models.CharField(max_length=64)  # explorer/web/client_address.py

    class Meta:
        ordering = ["-at"]
        default_permissions = ()
