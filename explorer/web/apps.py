from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages, login and security headers."""

    name = "explorer.web"
    label = "web"
    verbose_name = "Cluster Explorer pages"

    def ready(self) -> None:
        from explorer.streaming.frozen import serve_frozen_from

        from .sources import frozen_state

        # A snapshot's or a past moment's views are built in the web process, from its state.
        serve_frozen_from(frozen_state)
