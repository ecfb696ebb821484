"""`manage.py loginlink`: print a fresh one-time `Login: <url>` line for a user (the admin)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.web.bootstrap import ADMIN_USERNAME
from explorer.web.login_links import MAX_AGE_SECONDS, local_base_url, login_url


class Command(BaseCommand):
    help = f"Print a link that logs a user in once and expires in {MAX_AGE_SECONDS // 60} minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default=ADMIN_USERNAME, help="username (default: admin)")
        parser.add_argument(
            "--base-url", default=None, help="where the app is served (default: EXPLORER_PORT)"
        )

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["user"])
        user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                f"no active user {username!r}: `make run` creates the admin on its first run"
            )
        url = login_url(user, str(options["base_url"] or local_base_url()))
        self.stdout.write(f"Login: {url}")
