from django.contrib.auth import views as auth_views
from django.urls import path

from explorer.web import (
    compare,
    etcd,
    headroom,
    network,
    objects,
    pages,
    share_links,
    snapshot_pages,
    storage,
    workloads,
)
from explorer.web.login_view import ThrottledLoginView

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("healthz", pages.healthz, name="healthz"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("api/clusters", pages.clusters_api, name="api-clusters"),
    path(
        "api/clusters/<path:cluster>/bundle",
        pages.start_bundle_download,
        name="api-cluster-bundle",
    ),
    path("downloads/<str:task>", pages.download, name="download"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("login/once/<str:token>", pages.login_once, name="login-once"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("network/", network.index, name="network"),
    path("network/service-chain", network.service_chain, name="network-service-chain"),
    path("network/chains", network.chains, name="network-chains"),
    path("network/dns", network.dns, name="network-dns"),
    path("network/corefile", network.corefile, name="network-corefile"),
    path("network/paste", network.paste, name="network-paste"),
    path("network/pasted/<uuid:paste_id>", network.pasted, name="network-pasted"),
    path(
        "network/pasted/<uuid:paste_id>/delete", network.delete_paste, name="network-paste-delete"
    ),
    path("network/drift", network.drift_page, name="network-drift"),
    path("network/packet-trace", network.packet_trace_page, name="network-packet-trace"),
    path("network/proxy-mode", network.proxy_mode_page, name="network-proxy-mode"),
    path("api/clusters/<path:cluster>/dns-trace", network.dns_live, name="api-dns-trace"),
    path("api/clusters/<path:cluster>/collect", network.start_collection, name="api-collect"),
    path("workloads/", workloads.hierarchy_page, name="workloads"),
    path("pods/<str:namespace>/<str:name>", workloads.pod_page, name="pod"),
    path("nodes/<str:name>", workloads.node_page, name="node"),
    path("events/", workloads.events_page, name="events"),
    path("scheduling/history/", workloads.scheduling_history_page, name="scheduling-history"),
    path("search", workloads.search_page, name="search"),
    path("storage/", storage.storage_page, name="storage"),
    path("scheduling/headroom/", headroom.headroom_page, name="headroom"),
    path("objects/<str:kind>/<str:name>", objects.object_page, name="object-cluster-scoped"),
    path("objects/<str:kind>/<str:namespace>/<path:name>", objects.object_page, name="object"),
    path("etcd/", etcd.etcd_page, name="etcd"),
    path("etcd/key", etcd.key_page, name="etcd-key"),
    path("api/etcd/overview", etcd.overview_api, name="api-etcd-overview"),
    path("api/etcd/key", etcd.key_api, name="api-etcd-key"),
    path("api/etcd/object", etcd.object_api, name="api-etcd-object"),
    path("moment", snapshot_pages.moment, name="moment"),
    path("compare", compare.compare_page, name="compare"),
    path("changes", snapshot_pages.between, name="changes"),
    path("snapshots/", snapshot_pages.snapshot_list, name="snapshots"),
    path("snapshots/take", snapshot_pages.take, name="snapshot-take"),
    path("snapshots/import", snapshot_pages.snapshot_import, name="snapshot-import"),
    path("snapshots/etcd", snapshot_pages.snapshot_from_etcd, name="snapshot-etcd"),
    path("snapshots/<str:snapshot_id>", snapshot_pages.snapshot_page, name="snapshot"),
    path("snapshots/<str:snapshot_id>/edit", snapshot_pages.snapshot_edit, name="snapshot-edit"),
    path(
        "snapshots/<str:snapshot_id>/delete", snapshot_pages.snapshot_delete, name="snapshot-delete"
    ),
    path(
        "snapshots/<str:snapshot_id>/bundle", snapshot_pages.snapshot_bundle, name="snapshot-bundle"
    ),
    path(
        "snapshots/<str:snapshot_id>/export.html",
        snapshot_pages.snapshot_export,
        name="snapshot-export",
    ),
    path("share/<str:token>", share_links.open_share, name="share-open"),
    path(
        "snapshots/<str:snapshot_id>/share",
        share_links.create_share_link,
        name="snapshot-share",
    ),
    path(
        "snapshots/<str:snapshot_id>/share/<int:link_id>/revoke",
        share_links.revoke_share_link,
        name="snapshot-share-revoke",
    ),
    path(
        "api/clusters/<path:cluster>/pods/<str:namespace>/<str:name>/log",
        workloads.log_tail,
        name="api-pod-log",
    ),
]
