"""The networking pages: service chains, the chain browser, the DNS trace, the Corefile, and the
analysis of text pasted or uploaded from any machine.

Pages over a cluster are live: they hold the parameters in data- attributes and their scripts
(static/js/network/) subscribe to the views over the tab's websocket. Pasted text is analysed
in the request and shown at once, the models in data- attributes for the same scripts to draw;
the text is parsed, never run, and not kept past the request.
"""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from datetime import timedelta

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from explorer.jobs import dispatch
from explorer.jobs.collect import collect_cluster
from explorer.viewmodels.network import chain_browser
from explorer.viewmodels.network import service_chain as service_chain_view
from explorer.viewmodels.network.pasted import KINDS, NotThatKind, analyse

from . import paste_store
from .body_limits import MB, MULTIPART_SLACK, PASTE_MAX_BYTES
from .clusters import known_clusters
from .dns_live import LiveLookupError, live_trace
from .live_pages import cluster_of
from .login_required import json_error
from .models import Paste
from .permissions import COLLECT, NOT_ALLOWED, amay


def _dumps(model: object) -> str:
    return orjson.dumps(model).decode()


def _live(request: HttpRequest, template: str, context: dict, params: dict[str, str]):
    params = {"cluster": cluster_of(request), **params}
    return render(request, template, {**context, "params": _dumps(params)})


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "network/index.html")


@require_GET
def service_chain(request: HttpRequest) -> HttpResponse:
    node = request.GET.get("node", "")
    service = request.GET.get("service", "") or service_chain_view.ALL
    context = {"node": node, "service": service}
    params = {"node": node, "service": service}
    return _live(request, "network/service_chain.html", context, params)


@require_GET
def chains(request: HttpRequest) -> HttpResponse:
    node = request.GET.get("node", "")
    dump = request.GET.get("dump", "") or chain_browser.AUTO
    dumps = (chain_browser.AUTO, *chain_browser.DUMPS)
    context = {"node": node, "dump": dump, "dumps": dumps}
    return _live(request, "network/chains.html", context, {"node": node, "dump": dump})


@require_GET
def dns(request: HttpRequest) -> HttpResponse:
    pod = request.GET.get("pod", "")
    namespace, _, pod_name = pod.partition("/")
    name = request.GET.get("name", "").strip()
    context = {
        "pod": pod,
        "name": name,
        "live_enabled": getattr(settings, "EXPLORER_DNS_LIVE", False),
    }
    params = {"namespace": namespace if pod_name else "", "pod": pod_name, "name": name}
    return _live(request, "network/dns.html", context, params)


@require_GET
def corefile(request: HttpRequest) -> HttpResponse:
    return _live(request, "network/corefile.html", {}, {})


@require_GET
def drift_page(request: HttpRequest) -> HttpResponse:
    return _live(request, "network/drift.html", {}, {})


@require_GET
def proxy_mode_page(request: HttpRequest) -> HttpResponse:
    return _live(request, "network/proxy_mode.html", {}, {})


@require_GET
def packet_trace_page(request: HttpRequest) -> HttpResponse:
    source = request.GET.get("source", "")
    destination = request.GET.get("destination", "").strip()
    context = {"source": source, "destination": destination}
    params = {"source": source, "destination": destination}
    return _live(request, "network/packet_trace.html", context, params)


@require_GET
def dns_live(request: HttpRequest, cluster: str) -> JsonResponse:
    """The DNS trace with the pod's nameserver asked for real (only when EXPLORER_DNS_LIVE)."""
    if not getattr(settings, "EXPLORER_DNS_LIVE", False):
        message = "Live DNS lookups are off (set EXPLORER_DNS_LIVE=1 to allow them)."
        return json_error(403, "dns_live_off", message)
    namespace, _, pod = request.GET.get("pod", "").partition("/")
    name = request.GET.get("name", "").strip()
    if not (namespace and pod and name) or len(name) > 253:
        return json_error(400, "bad_request", "Give pod=<namespace>/<name> and a name to look up.")
    try:
        return JsonResponse(live_trace(cluster, namespace, pod, name))
    except LiveLookupError as error:
        return json_error(404, "not_found", str(error))


@require_POST
async def start_collection(request: HttpRequest, cluster: str) -> JsonResponse:
    """Collect every node's rules and resolv.conf now; the page follows the task's progress
    and its live views redraw as each node's facts arrive. Staff, or the collect permission."""
    if not await amay(await request.auser(), COLLECT):
        return json_error(403, "not_allowed", NOT_ALLOWED[COLLECT])
    if cluster not in {c["name"] for c in await asyncio.to_thread(known_clusters)}:
        return json_error(404, "no_such_cluster", f"Cluster {cluster!r} is not watched.")
    task = await dispatch.start(collect_cluster, {"cluster": cluster})
    return JsonResponse({"task": task}, status=202)


# -- paste or upload ---------------------------------------------------------------------------


class _BoundedMemoryUpload(FileUploadHandler):
    """Keeps an uploaded file in memory (never on disk), up to PASTE_MAX_BYTES."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > PASTE_MAX_BYTES:
            self.request.paste_too_big = True
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, file_size, None
        )


def _paste_form(
    request: HttpRequest,
    error: str = "",
    kind: str = "auto",
    status: int = 200,
    text: str = "",
    read: str = "",
):
    """The form; after an error, with the text pasted (`text`) kept, and the line the error
    names shown from what was read (`read`: the pasted text or the uploaded file's)."""
    context = {
        "kinds": KINDS,
        "kind": kind,
        "error": error,
        "text": text,
        "error_line": _line_named(error, read),
        "max_mb": PASTE_MAX_BYTES // MB,
        "field_mb": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB:.1f}".removesuffix(".0"),
    }
    return render(request, "network/paste.html", context, status=status)


_LINE = re.compile(r"\bline (\d+)")


def _line_named(error: str, read: str) -> dict[str, object] | None:
    """The line an error message names ("… line 12 …"), with its text, if it is there."""
    found = _LINE.search(error)
    if not found or not read:
        return None
    number = int(found.group(1))
    lines = read.splitlines()
    if not 1 <= number <= len(lines):
        return None
    return {"number": number, "text": lines[number - 1][:300]}


def _too_big() -> str:
    return (
        f"That text is larger than {PASTE_MAX_BYTES // MB} MB, the most this page reads. Save "
        "only the part you need (for example one table: iptables-save -t nat), or use "
        "`python manage.py analyze` on the machine that has the file."
    )


@csrf_exempt  # checked below, once the size is known to be acceptable
@require_http_methods(["GET", "POST"])
def paste(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _paste_form(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > PASTE_MAX_BYTES + MULTIPART_SLACK:
        return _paste_form(request, _too_big(), status=400)
    request.upload_handlers = [_BoundedMemoryUpload(request)]
    try:
        return _analyse_paste(request)
    except RequestDataTooBig:
        field_mb = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB:.1f}".removesuffix(".0")
        message = (
            f"Pasted text is limited to {field_mb} MB. Upload it as a file instead (up to "
            f"{PASTE_MAX_BYTES // MB} MB)."
        )
        return _paste_form(request, message, status=400)


@csrf_protect
def _analyse_paste(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "auto")
    kind = kind if kind in KINDS or kind == "auto" else "auto"
    if getattr(request, "paste_too_big", False):
        return _paste_form(request, _too_big(), kind, status=400)
    upload = request.FILES.get("file")
    raw = upload.read() if upload is not None else request.POST.get("text", "").encode()
    if not raw.strip():
        return _paste_form(request, "Paste some text or choose a file first.", kind, status=400)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        message = "That file is not UTF-8 text (is it compressed, or a binary?)."
        return _paste_form(request, message, kind, status=400)
    try:
        result = analyse(text, kind)
    except NotThatKind as error:
        pasted = text if upload is None else ""  # a file cannot be put back into its field
        return _paste_form(request, str(error), kind, 400, text=pasted, read=text)
    name = upload.name if upload is not None else "pasted text"
    kept = paste_store.keep(request.user, name, result["kind"], text)
    return _pasted_page(request, kept, result)


def _pasted_page(request: HttpRequest, paste: Paste, result: dict) -> HttpResponse:
    context = {
        "result": result,
        "paste": paste,
        "name": paste.name,
        "size": paste.size,
        "may_delete": paste.owner_id == request.user.pk or request.user.is_staff,
        "expires": paste.created + timedelta(days=settings.EXPLORER_PASTE_DAYS),
        "models": {
            key: _dumps(result[key])
            for key in ("service_chains", "chain_browser", "corefile")
            if key in result
        },
    }
    return render(request, "network/pasted.html", context)


@require_GET
def pasted(request: HttpRequest, paste_id: uuid.UUID) -> HttpResponse:
    """A kept paste's analysis, at its permalink (any logged-in user of this install)."""
    paste = Paste.objects.filter(pk=paste_id).first()
    text = paste_store.text_of(paste) if paste is not None else None
    if paste is None or text is None:
        days = settings.EXPLORER_PASTE_DAYS
        return _paste_form(
            request, f"No such paste: it was deleted, or is older than {days} days.", status=404
        )
    return _pasted_page(request, paste, analyse(text, paste.kind))


@require_POST
def delete_paste(request: HttpRequest, paste_id: uuid.UUID) -> HttpResponse:
    paste = Paste.objects.filter(pk=paste_id).first()
    if paste is None:
        return redirect("network-paste")
    if paste.owner_id != request.user.pk and not request.user.is_staff:
        return _paste_form(request, "Only who pasted it (or staff) may delete a paste.", status=403)
    paste_store.forget(paste)
    return redirect("network-paste")
