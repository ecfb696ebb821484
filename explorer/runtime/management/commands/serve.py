"""`manage.py serve` (what `make run` runs): watcher, demo cluster when needed, and the web app.

With no kubeconfig (or EXPLORER_DEMO=1) the demo cluster is served by the project's API server on
a loopback port and watched through the official client, exactly as a real cluster would be.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.kube.config import (
    Cluster,
    KubeConfigError,
    connect_all,
    in_cluster,
    in_cluster_available,
    kubeconfig_exists,
    load_kubeconfig,
)
from explorer.runtime.web_server import run_web_server
from explorer.web.bootstrap import ADMIN_USERNAME, ensure_admin
from explorer.web.login_links import MAX_AGE_SECONDS, login_url


class Command(BaseCommand):
    help = "Run Cluster Explorer in one process: watcher, demo cluster if needed, web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EXPLORER_PORT)
        parser.add_argument(
            "--demo", action="store_true", help="watch the demo cluster even if a kubeconfig exists"
        )

    def handle(self, *args: object, **options: object) -> None:
        host, port = str(options["host"]), int(options["port"])
        demo = None
        if options["demo"] or settings.EXPLORER_DEMO or not _cluster_configured():
            from explorer.runtime.demo_cluster import start_demo_cluster

            demo = start_demo_cluster(
                churn_interval=settings.EXPLORER_DEMO_CHURN_SECONDS, with_etcd=self._demo_etcd()
            )
            clusters = [load_kubeconfig(str(demo.kubeconfig)).connect()]
            self.stdout.write(
                "Watching the demo cluster (no kubeconfig). Its API server, for kubectl: "
                f"kubectl --server {demo.server.url} get pods -A"
            )
            if demo.etcd is not None:
                self.stdout.write(
                    f"The demo's etcd: {demo.etcd.endpoint} (for etcdctl: "
                    f"etcdctl --endpoints={demo.etcd.endpoint} get /registry --prefix --keys-only)"
                )
        else:
            clusters = self._connect_all()

        try:
            self._serve(clusters, host, port, demo is not None)
        finally:
            if demo is not None:
                demo.stop()

    def _serve(self, clusters: list[Cluster], host: str, port: int, demo: bool) -> None:
        from explorer.runtime.etcd_readers import EtcdReadersError
        from explorer.runtime.process import start_embedded

        try:
            runtime = start_embedded(clusters)
        except EtcdReadersError as error:
            raise CommandError(str(error)) from None
        schedule = _collect_schedule(runtime, demo)
        try:
            user, password = ensure_admin()
            if password:
                self.stdout.write(f"Created the user {ADMIN_USERNAME!r} with password: {password}")
            base = f"http://{host}:{port}"
            self.stdout.write(f"Cluster Explorer: {base}/  (log in with the link below)")
            self.stdout.write(
                f"Login: {login_url(user, base)}  (works once, for {MAX_AGE_SECONDS // 60} minutes)"
            )
            self.stdout.flush()
            run_web_server(host, port)
        finally:
            if schedule is not None:
                schedule.stop()
            runtime.stop()

    def _demo_etcd(self) -> bool:
        """Whether the demo lives in an etcd of its own; says why not when it cannot."""
        from explorer.runtime.etcd_process import etcd_binary

        if not settings.EXPLORER_DEMO_ETCD:
            return False
        if etcd_binary() is None:
            self.stdout.write(
                "etcd is not installed: the demo runs without one, and its etcd pages are "
                "derived from its objects (apt-get install etcd-server for the real thing)."
            )
            return False
        return True

    def _connect_all(self) -> list[Cluster]:
        """Every context of the kubeconfig; one that cannot be used is reported, not fatal."""
        try:
            if not kubeconfig_exists():
                return [in_cluster()]
            return connect_all(load_kubeconfig(), self._skipped)
        except KubeConfigError as error:
            raise CommandError(str(error)) from None

    def _skipped(self, context: str, error: KubeConfigError) -> None:
        self.stderr.write(f"skipping context {context!r}: {error}")


DEMO_COLLECT_SECONDS = 10.0  # the demo churns every few seconds: its facts follow


def _collect_schedule(runtime, demo: bool):
    """Node facts collected once the clusters are listed, then on the settings' schedule."""
    from explorer.runtime.collect_schedule import CollectSchedule

    minutes = settings.EXPLORER_COLLECT_EVERY_MINUTES
    if not demo and not minutes:
        return None
    every = DEMO_COLLECT_SECONDS if demo else minutes * 60.0
    return CollectSchedule(runtime, every, runtime.publisher.loop).start()


def _cluster_configured() -> bool:
    return kubeconfig_exists() or in_cluster_available()
