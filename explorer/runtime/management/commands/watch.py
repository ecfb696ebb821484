"""`manage.py watch`: the team install's watcher process. It watches the clusters of the
kubeconfig (every usable context, or those named with --context; in a pod, its own cluster)
and publishes their views through the Redis channel layer to the web processes."""

from __future__ import annotations

import signal
import threading

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.kube.config import (
    Cluster,
    KubeConfigError,
    connect_all,
    in_cluster,
    kubeconfig_exists,
    load_kubeconfig,
)
from explorer.runtime.etcd_readers import EtcdReadersError
from explorer.runtime.process import start
from explorer.streaming.directory import Directory


class Command(BaseCommand):
    help = "Watch clusters and publish their live views through the channel layer (Redis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--context", action="append", default=[], help="a kubeconfig context (repeatable)"
        )

    def handle(self, *args: object, **options: object) -> None:
        if isinstance(get_channel_layer(), InMemoryChannelLayer):
            raise CommandError(
                "manage.py watch publishes to web processes through Redis: set REDIS_URL "
                "(make run / manage.py serve runs the watcher inside the web process instead)"
            )
        clusters = self._clusters(list(options["context"]))  # type: ignore[call-overload]
        try:
            runtime = start(clusters, directory=Directory(settings.REDIS_URL))
        except EtcdReadersError as error:
            raise CommandError(str(error)) from None
        names = ", ".join(cluster.name for cluster in clusters)
        self.stdout.write(f"Watching {names}; publishing through the channel layer")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        try:
            stop.wait()
        finally:
            runtime.stop()

    def _clusters(self, contexts: list[str]) -> list[Cluster]:
        try:
            if not contexts and not kubeconfig_exists():
                return [in_cluster()]
            kubeconfig = load_kubeconfig()
            if contexts:  # named: each must be usable
                return [kubeconfig.connect(c) for c in contexts]
            return connect_all(kubeconfig, self._skipped)
        except KubeConfigError as error:
            raise CommandError(str(error)) from None

    def _skipped(self, context: str, error: KubeConfigError) -> None:
        self.stderr.write(f"skipping context {context!r}: {error}")
