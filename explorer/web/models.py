"""The web app's permissions. No table: Django keeps a permission on a model, so an unmanaged
model holds them (explorer/web/permissions.py checks them)."""

from django.db import models


class Access(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("collect_node_facts", "Can start a collection of every node's facts"),
        ]
