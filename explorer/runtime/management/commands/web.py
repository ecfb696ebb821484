"""`manage.py web`: the web app alone (pages, JSON, the /ws/ websocket), as the team install's
`web` service runs it; the watcher, worker and beat run beside it. Its pages read etcd with
the readers registered here (explorer/runtime/etcd_readers.py): the clusters it may show are
the kubeconfig's contexts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.kube.config import KubeConfigError
from explorer.runtime.etcd_readers import (
    EtcdReadersError,
    clusters_of_this_process,
    register_etcd_readers,
)
from explorer.runtime.web_server import run_web_server


class Command(BaseCommand):
    help = "Run the web server alone (the team install's web service)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EXPLORER_PORT)

    def handle(self, *args: object, **options: object) -> None:
        try:
            clusters, current = clusters_of_this_process()
            register_etcd_readers(clusters, current)
        except (EtcdReadersError, KubeConfigError) as error:
            raise CommandError(str(error)) from None
        run_web_server(str(options["host"]), int(options["port"]))
