from django.apps import AppConfig


class SnapshotsConfig(AppConfig):
    """Snapshots of a cluster's state: their files, their records, their share links."""

    name = "explorer.snapshots"
    label = "snapshots"
    verbose_name = "Cluster Explorer snapshots"
