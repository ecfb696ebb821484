"""How big a request body each route takes, enforced by the web server before the body is
buffered (explorer/runtime/web_server.py): a longer declared length, or more bytes received
(chunked bodies have no length), is answered 413 and the connection closed. The limit is known
from the path alone — no session is looked at — so every route's is small but the paste form's.
Large uploads (snapshot bundles, etcd data files) will have routes of their own that need a
login and stream to disk."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

KB = 1024
MB = 1024 * KB
PASTE_MAX_BYTES = 20 * MB  # a file uploaded to the paste form
MULTIPART_SLACK = 64 * KB  # the paste form's boundaries and other fields

DEFAULT_BODY_BYTES = 64 * KB  # login, logout, "Collect now", bundles: small forms
ROUTE_BODY_BYTES = {"/network/paste": PASTE_MAX_BYTES + MULTIPART_SLACK}
IMPORT_ROUTE = "/snapshots/import"  # a bundle file: EXPLORER_SNAPSHOT_UPLOAD_MB
ETCD_ROUTE = "/snapshots/etcd"  # an etcd data file: EXPLORER_ETCD_UPLOAD_MB


def body_limit(target: bytes) -> int:
    """The limit for a request line's target (`/network/paste?x=1`, or an absolute URL)."""
    path = urlsplit(target.decode("latin1")).path.rstrip("/") or "/"
    if path == IMPORT_ROUTE:
        return settings.EXPLORER_SNAPSHOT_UPLOAD_MB * MB + MULTIPART_SLACK
    if path == ETCD_ROUTE:
        return settings.EXPLORER_ETCD_UPLOAD_MB * MB + MULTIPART_SLACK
    return ROUTE_BODY_BYTES.get(path, DEFAULT_BODY_BYTES)
