"""A site in its own process, as `make run` serves one: daphne, the ASGI app, and the watcher
and publisher in the same process over the in-memory channel layer — on a fresh SQLite database
holding one logged-in user. Run as `python -m tests.streaming.served_site KUBECONFIG PORT DB`;
prints `READY <session key>` once daphne listens."""

from __future__ import annotations

import os
import secrets
import sys


def main(kubeconfig: str, port: str, database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "explorer.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from explorer.kube.config import load_kubeconfig
    from explorer.runtime.process import start_embedded

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bob", password=secrets.token_urlsafe())
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value

    runtime = start_embedded([load_kubeconfig(kubeconfig).connect()])
    if not runtime.wait_synced(30):
        sys.exit("the watcher did not list the cluster within 30s")
    from daphne.server import Server

    from explorer.asgi import application

    try:
        Server(
            application,
            endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
            ready_callable=lambda: print(f"READY {session}", flush=True),
        ).run()
    finally:
        runtime.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
