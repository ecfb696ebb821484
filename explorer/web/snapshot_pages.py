"""The snapshot pages: the list, one snapshot (its notes, pins, downloads), taking one from a live
cluster or a past moment (a job, explorer/jobs/snapshot.py), and the time control's move to a
past moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from explorer.etcd.boltdb import BoltError
from explorer.etcd.datafile import DataFileError, open_data_file
from explorer.jobs import dispatch
from explorer.jobs.snapshot import TAKE_STEPS, take_snapshot
from explorer.lib.sources import LIVE, MOMENT, moment_source, parse_source, snapshot_source
from explorer.snapshots import store
from explorer.snapshots.bundle import SUFFIX, BundleError, Pin, bundle_to_bytes, decode_bundle
from explorer.snapshots.models import Snapshot
from explorer.snapshots.notes import MAX_NOTES, render_notes

from .body_limits import MB
from .clusters import known_clusters
from .etcd_upload import PrivateUpload, start_reconstruction, upload_handler
from .share_links import share_context

MAX_PINS = 200


def _owned(request: HttpRequest, snapshot: Snapshot) -> bool:
    """Who may change or delete a snapshot: whoever took or imported it, and staff."""
    return request.user.is_staff or snapshot.creator_id == request.user.pk


@require_GET
def moment(request: HttpRequest) -> HttpResponse:
    """The time control: `next` (a path of this site) shown as `cluster` was at `at` (UTC)."""
    cluster = request.GET.get("cluster", "")[:253]
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = "/"
    if cluster not in {c["name"] for c in known_clusters()}:
        raise Http404("No such cluster is watched here.")
    try:
        at = _utc(request.GET.get("at", ""))
    except ValueError:
        return HttpResponseBadRequest("at: a date and time, such as 2026-12-06T03:12:00 (UTC)")
    if at >= datetime.now(UTC):
        return redirect(f"{target}?cluster={_quoted(cluster)}")
    return redirect(f"{target}?cluster={_quoted(moment_source(cluster, at.timestamp()))}")


@require_GET
def between(request: HttpRequest) -> HttpResponse:
    """What changed in `cluster` between `from` and `to` (UTC; `to` empty: now): the compare
    page of those two moments of the flight recorder."""
    cluster = request.GET.get("cluster", "")[:253]
    if cluster not in {c["name"] for c in known_clusters()}:
        raise Http404("No such cluster is watched here.")
    try:
        start = _utc(request.GET.get("from", ""))
        end = _utc(request.GET["to"]) if request.GET.get("to") else None
    except ValueError:
        return HttpResponseBadRequest("from, to: dates and times such as 2026-12-06T03:12:00 (UTC)")
    a = moment_source(cluster, start.timestamp())
    b = moment_source(cluster, end.timestamp()) if end and end < datetime.now(UTC) else cluster
    return redirect(f"{reverse('compare')}?a={_quoted(a)}&b={_quoted(b)}")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@require_POST
async def take(request: HttpRequest) -> HttpResponse:
    source = request.POST.get("source", "")[:300]
    named = parse_source(source)
    if named is None or named.kind not in (LIVE, MOMENT):
        return HttpResponseBadRequest("source: a live cluster or a past moment")
    user = await request.auser()
    snapshot_id = store.new_id()
    kwargs = {
        "source": source,
        "snapshot_id": snapshot_id,
        "user_id": user.pk,
        "title": request.POST.get("title", "").strip()[:200],
        "fresh": request.POST.get("fresh") == "1",
    }
    task = await dispatch.start(take_snapshot, kwargs, total=TAKE_STEPS)
    return redirect(f"{reverse('snapshot', args=[snapshot_id])}?task={task}")


@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    return _listed(request)


@require_POST
def snapshot_import(request: HttpRequest) -> HttpResponse:
    """A bundle file uploaded (streamed to a temporary file by Django), kept as a snapshot; a
    file that is not a good bundle is refused with one line, and nothing is kept."""
    upload = request.FILES.get("bundle")
    if upload is None:
        return _listed(request, "Choose a bundle file (.cxb.zst) first.", status=400)
    limit = settings.EXPLORER_SNAPSHOT_UPLOAD_MB
    if upload.size > limit * MB:
        return _listed(request, f"{upload.name}: over {limit} MB, the most an import takes.", 413)
    try:
        bundle = decode_bundle(
            upload.read(), upload.name[:100], settings.EXPLORER_SNAPSHOT_MAX_MB * MB
        )
    except BundleError as error:
        return _listed(request, str(error), status=400)
    snapshot = store.keep_bundle(bundle, creator=request.user, title=upload.name[:200])
    return redirect("snapshot", snapshot.id)


@require_POST
@csrf_exempt  # checked below, once the upload handler is in place (Django's documented way)
async def snapshot_from_etcd(request: HttpRequest) -> HttpResponse:
    """An etcd data file uploaded (explorer/web/etcd_upload.py), opened here and reconstructed
    on a thread as of the revision asked (default: its last); its progress on the snapshot's
    page, then the snapshot. A file that is not an etcd data file, a revision it does not hold,
    a file too big: one line on the list page, and nothing kept."""
    handler = upload_handler()
    request.upload_handlers = [handler]
    loop = asyncio.get_running_loop()
    try:
        return await sync_to_async(_received_etcd_file)(request, handler, loop)
    finally:
        if not handler.handed_over:  # refused (by the CSRF check too): the file goes now
            handler.discard()


@csrf_protect
def _received_etcd_file(
    request: HttpRequest, handler: PrivateUpload, loop: asyncio.AbstractEventLoop
) -> HttpResponse:
    request.POST  # noqa: B018 (parsed here if the CSRF check has not: the handler writes)
    if handler.too_big:
        limit = settings.EXPLORER_ETCD_UPLOAD_MB
        return _listed(
            request,
            etcd_error=f"{handler.sent_name[:100]}: over {limit} MB, the most taken.",
            status=413,
        )
    if handler.path is None:
        return _listed(request, etcd_error="Choose an etcd data file first.", status=400)
    name = handler.sent_name[:100]
    revision_text = request.POST.get("revision", "").strip()
    if revision_text and not (revision_text.isdigit() and len(revision_text) <= 19):
        return _listed(request, etcd_error="revision: a whole number.", status=400)
    try:
        data_file = open_data_file(handler.path)
    except (BoltError, DataFileError) as error:
        return _listed(request, etcd_error=f"{name}: {error}", status=400)
    handler.path.unlink(missing_ok=True)  # mapped: the data stays readable, its name goes
    revision = int(revision_text) if revision_text else None
    if revision is not None and not (
        data_file.first_revision <= revision <= data_file.current_revision
    ):
        data_file.close()
        return _listed(
            request,
            etcd_error=(
                f"{name}: revision {revision} is not one this file can give: it holds "
                f"{data_file.first_revision}..{data_file.current_revision}"
            ),
            status=400,
        )
    snapshot_id = store.new_id()
    task = start_reconstruction(
        data_file,
        handler.path,
        revision=revision,
        file_name=name,
        user_id=request.user.pk,
        snapshot_id=snapshot_id,
        loop=loop,
    )
    handler.handed_over = True
    return redirect(f"{reverse('snapshot', args=[snapshot_id])}?task={task}&from=etcd")


def _listed(
    request: HttpRequest, error: str = "", status: int = 200, *, etcd_error: str = ""
) -> HttpResponse:
    snapshots = list(Snapshot.objects.select_related("creator"))
    context = {
        "listed": snapshots,
        "import_error": error,
        "etcd_error": etcd_error,
        "etcd_upload_mb": settings.EXPLORER_ETCD_UPLOAD_MB,
        "upload_mb": settings.EXPLORER_SNAPSHOT_UPLOAD_MB,
        "recorder_hours": settings.EXPLORER_CHANGE_LOG_HOURS,
    }
    return render(request, "snapshots/list.html", context, status=status)


@require_GET
def snapshot_page(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    snapshot = Snapshot.objects.select_related("creator").filter(pk=snapshot_id).first()
    if snapshot is None:
        task = request.GET.get("task", "")[:64]
        if task:
            context = {
                "task": task,
                "snapshot_id": snapshot_id,
                "opening_etcd_file": request.GET.get("from") == "etcd",
            }
            return render(request, "snapshots/taking.html", context)
        raise Http404("No such snapshot.")
    return render_snapshot_page(request, snapshot)


def render_snapshot_page(request: HttpRequest, snapshot: Snapshot, **extra) -> HttpResponse:
    context = {
        "snapshot": snapshot,
        "source_name": snapshot_source(snapshot.id),
        "notes_html": render_notes(snapshot.notes),
        "may_change": _owned(request, snapshot),
        "max_notes": MAX_NOTES,
        **share_context(request, snapshot),
        **extra,
    }
    return render(request, "snapshots/snapshot.html", context)


@require_POST
def snapshot_edit(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    if not _owned(request, snapshot):
        return HttpResponse("Only who took this snapshot, or staff, may change it.", status=403)
    if "title" in request.POST:
        snapshot.title = request.POST["title"].strip()[:200] or snapshot.title
    if "notes" in request.POST:
        snapshot.notes = request.POST["notes"][:MAX_NOTES]
    if request.POST.get("pin_name"):
        pin = Pin(
            kind=request.POST.get("pin_kind", "")[:63],
            namespace=request.POST.get("pin_namespace", "")[:253],
            name=request.POST["pin_name"][:253],
            note=request.POST.get("pin_note", "")[:500],
        )
        snapshot.pins = [*snapshot.pins, pin][:MAX_PINS]
    unpin = request.POST.get("unpin")
    if unpin is not None and unpin.isdigit():
        snapshot.pins = [p for i, p in enumerate(snapshot.pins) if i != int(unpin)]
    snapshot.save(update_fields=["title", "notes", "pins"])
    return redirect("snapshot", snapshot.id)


@require_POST
def snapshot_delete(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    if not _owned(request, snapshot):
        return HttpResponse("Only who took this snapshot, or staff, may delete it.", status=403)
    store.delete(snapshot)
    return redirect("snapshots")


@require_GET
def snapshot_bundle(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    """The snapshot as one bundle file, with its title, notes and pins as they are now."""
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    try:
        bundle = store.open_snapshot(snapshot)
    except store.SnapshotGone as error:
        raise Http404(str(error)) from None
    data = bundle_to_bytes(bundle.state, about=store.about_of(snapshot), extras=bundle.extras)
    response = HttpResponse(data, content_type="application/zstd")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(snapshot)}"'
    return response


@require_GET
def snapshot_export(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    """The snapshot as one HTML file that opens anywhere, with no server and no network."""
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    try:
        data = store.export_of(snapshot)
    except store.SnapshotGone as error:
        raise Http404(str(error)) from None
    response = HttpResponse(data, content_type="text/html; charset=utf-8")
    name = _filename(snapshot, ".html")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _filename(snapshot: Snapshot, suffix: str = SUFFIX) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in snapshot.cluster)[:60]
    return f"{safe}-{snapshot.taken_at:%Y%m%dT%H%M%SZ}-{snapshot.id}{suffix}"


def _quoted(value: str) -> str:
    return quote(value, safe="")
