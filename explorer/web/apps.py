from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages, login and security headers."""

    name = "explorer.web"
    label = "web"
    verbose_name = "Cluster Explorer pages"

    def ready(self) -> None:
        from explorer.snapshots import etcd_extra
        from explorer.snapshots.sharing import open_link
        from explorer.streaming.frozen import serve_frozen_from
        from explorer.streaming.shared import serve_share_checks_from

        from .sources import frozen_state

        # A snapshot's or a past moment's views are built in the web process, from its state.
        serve_frozen_from(frozen_state)
        # A share session's websocket asks before each view whether its link is still open.
        serve_share_checks_from(lambda link_id: open_link(link_id) is not None)
        # A snapshot keeps the cluster's etcd listing when this process can read its etcd.
        etcd_extra.register()
