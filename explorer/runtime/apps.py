from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    """What runs: the wiring of a process (watchers, the state store, the publisher) and every
    management command (`serve`, `watch`, `apiserver`, `analyze`, `loginlink`)."""

    name = "explorer.runtime"
    label = "runtime"
