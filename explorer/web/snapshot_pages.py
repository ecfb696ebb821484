"""The snapshot pages: the list, one snapshot (its notes, pins, downloads), taking one from a live
cluster or a past moment (a job, explorer/jobs/snapshot.py), and the time control's move to a
past moment."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from explorer.jobs import dispatch
from explorer.jobs.snapshot import TAKE_STEPS, take_snapshot
from explorer.lib.sources import LIVE, MOMENT, moment_source, parse_source, snapshot_source
from explorer.snapshots import store
from explorer.snapshots.bundle import SUFFIX, BundleError, Pin, bundle_to_bytes, decode_bundle
from explorer.snapshots.models import Snapshot
from explorer.snapshots.notes import MAX_NOTES, render_notes

from .body_limits import MB
from .clusters import known_clusters
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


def _listed(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    snapshots = list(Snapshot.objects.select_related("creator"))
    context = {
        "listed": snapshots,
        "import_error": error,
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
            return render(
                request, "snapshots/taking.html", {"task": task, "snapshot_id": snapshot_id}
            )
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
