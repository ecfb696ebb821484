from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    """What runs: the wiring of a process (watchers, the state store, the publisher) and every
    management command (`serve`, `watch`, `web`, `apiserver`, `analyze`, `loginlink`, `grant`).
    Every process of the app keeps what it writes private (private_files.py) and its C heap
    to two arenas (explorer/lib/heap.py)."""

    name = "explorer.runtime"
    label = "runtime"

    def ready(self) -> None:
        from explorer.lib.heap import tune_heap

        from .private_files import keep_private

        keep_private()
        tune_heap()
