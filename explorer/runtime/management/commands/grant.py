"""`manage.py grant USER ACTION [--revoke]`: let a user who is not staff start what staff may
(explorer/web/permissions.py), or take it back."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.web.permissions import PERMISSIONS


class Command(BaseCommand):
    help = "Give a user a permission that staff hold already (collect: start a node collection)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="username")
        parser.add_argument("action", choices=sorted(PERMISSIONS), help="what the user may do")
        parser.add_argument("--revoke", action="store_true", help="take the permission back")

    def handle(self, *args: object, **options: object) -> None:
        username, action = str(options["user"]), str(options["action"])
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        app_label, codename = PERMISSIONS[action].split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        if options["revoke"]:
            user.user_permissions.remove(permission)
            done = "may no longer"
        else:
            user.user_permissions.add(permission)
            done = "may now"
        staff = " (staff: allowed whatever this says)" if user.is_staff else ""
        self.stdout.write(f"{username} {done} {action}{staff}")
