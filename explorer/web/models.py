"""The web app's permissions. No table: Django keeps a permission on a model, so an unmanaged
model holds them (explorer/web/permissions.py checks them)."""

import uuid

from django.conf import settings
from django.db import models


class Access(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("collect_node_facts", "Can start a collection of every node's facts"),
        ]


class Paste(models.Model):
    """A text pasted or uploaded on the paste page, kept so that its analysis has a permalink.
    The text itself is a private file (explorer/web/paste_store.py); this row says whose it is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)  # the file's name, or "pasted text"
    kind = models.CharField(max_length=20)  # what it was read as (viewmodels/network/pasted.py)
    size = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
