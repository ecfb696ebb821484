from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages, login and security headers."""

    name = "explorer.web"
    label = "web"
    verbose_name = "Cluster Explorer pages"
