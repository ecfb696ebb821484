"""`manage.py web`: the web app alone (pages, JSON, the /ws/ websocket), as the team install's
`web` service runs it; the watcher, worker and beat run beside it."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from explorer.runtime.web_server import run_web_server


class Command(BaseCommand):
    help = "Run the web server alone (the team install's web service)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EXPLORER_PORT)

    def handle(self, *args: object, **options: object) -> None:
        run_web_server(str(options["host"]), int(options["port"]))
