from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages, login, security headers and the `loginlink` command."""

    name = "explorer.web"
    label = "web"
    verbose_name = "Cluster Explorer pages"
