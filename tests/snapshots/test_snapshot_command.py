"""`manage.py snapshot …`: taking a snapshot straight from a kubeconfig context (no app running),
listing, importing — hostile files refused or neutralised in one line, nothing kept half-way —
and deleting."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import orjson
import pytest
import zstandard
from django.core.management import call_command
from django.core.management.base import CommandError

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.snapshots import store
from explorer.snapshots.bundle import FORMAT, bundle_to_bytes, open_bundle
from explorer.snapshots.models import Snapshot
from explorer.state.state_dump import dump_state

from ..streaming.conftest import kubeconfig_for
from . import known_changes

pytestmark = pytest.mark.django_db

CANARY = "c2VjcmV0LWNhbmFyeS12YWx1ZQ=="  # a Secret's value that must never be kept
HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture
def demo_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiStore]:
    """A kubeconfig whose current context `demo` is the demo behind the project's API server."""
    served = ApiStore(build_demo())
    server = ApiServer(served).start()
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig_for(tmp_path, server.url)))
    yield served
    server.stop()


def run(*args: str) -> str:
    out = StringIO()
    call_command("snapshot", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failure(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_take_reads_the_cluster_itself_and_keeps_it_in_the_store(demo_context: ApiStore) -> None:
    line = run("take", "--title", "before the rollout")
    snapshot = Snapshot.objects.get()
    assert line.startswith(snapshot.id) and "before the rollout" in line
    assert snapshot.cluster == "demo" and snapshot.counts["Pod"] == demo_context.state.count("Pod")
    assert run("list").startswith(f"{snapshot.id}  ")


def test_take_out_writes_a_bundle_file_instead(demo_context: ApiStore, tmp_path: Path) -> None:
    out = tmp_path / "incident.cxb.zst"
    run("take", "--context", "demo", "--out", str(out), "--title", "03:12")
    bundle = open_bundle(out)
    assert bundle.about["title"] == "03:12"
    assert bundle.state.count("Pod") == demo_context.state.count("Pod")
    assert Snapshot.objects.count() == 0


def test_take_from_a_context_that_is_not_there_says_so_in_one_line(demo_context: ApiStore) -> None:
    assert "'nowhere' is not a context" in failure("take", "--context", "nowhere")


def test_an_unreadable_time_is_refused_with_the_forms_it_takes() -> None:
    assert failure("take", "--context", "demo", "--at", "yesterday-ish") == (
        "--at 'yesterday-ish': give a time such as 2026-12-06T03:12:00Z, or '15m ago'"
    )


def hostile_state():
    state = build_demo()
    pod = state.get("Pod", "shop", "db-0")
    state.replace(
        "Pod",
        [
            *state.list("Pod"),
            {**pod, "metadata": {**pod["metadata"], "name": "x", "labels": {"app": HOSTILE}}},
        ],
    )
    return state


def test_an_imported_bundle_brings_no_secret_value_and_its_html_stays_text(tmp_path: Path) -> None:
    state = hostile_state()
    body = orjson.loads(zstandard.ZstdDecompressor().decompress(bundle_to_bytes(state)))
    body["objects"]["Secret"] = [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db", "namespace": "shop"},
            "data": {"password": CANARY},
            "stringData": {"token": CANARY},
        }
    ]
    body["about"] = {"title": HOSTILE, "notes": f"<b>{HOSTILE}</b>", "pins": [], "taken_at": ""}
    path = tmp_path / "hostile.cxb.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(orjson.dumps(body)))
    run("import", str(path))
    snapshot = Snapshot.objects.get()
    assert snapshot.imported and snapshot.title == HOSTILE
    kept = store.path_of(snapshot).read_bytes()
    assert CANARY.encode() not in zstandard.ZstdDecompressor().decompressobj().decompress(kept)
    assert store.state_of(snapshot).get("Secret", "shop", "db") is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a bundle at all", "not a cluster-explorer bundle (not zstd-compressed JSON)"),
        (
            zstandard.ZstdCompressor().compress(b'{"format": "other"}'),
            "not a cluster-explorer bundle (no format 'cluster-explorer-bundle')",
        ),
        (
            zstandard.ZstdCompressor().compress(
                orjson.dumps({"format": FORMAT, "version": 2, "objects": {"Pod": ["x"]}})
            ),
            "bundle is corrupt (a Pod: not a JSON object)",
        ),
    ],
)
def test_a_file_that_is_not_a_good_bundle_is_refused_in_one_line_and_nothing_is_kept(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.cxb.zst"
    path.write_bytes(content)
    assert failure("import", str(path)) == f"bad.cxb.zst: {message}"
    assert Snapshot.objects.count() == 0 and not list(store.directory().glob("*"))


def test_a_truncated_bundle_is_refused(tmp_path: Path) -> None:
    data = bundle_to_bytes(build_demo())
    path = tmp_path / "cut.cxb.zst"
    path.write_bytes(data[: len(data) // 2])
    assert (
        failure("import", str(path))
        == "cut.cxb.zst: bundle is truncated (its zstd data ends early)"
    )
    assert Snapshot.objects.count() == 0


def test_a_bomb_is_refused_before_it_is_decompressed_whole(tmp_path: Path, settings) -> None:
    settings.EXPLORER_SNAPSHOT_MAX_MB = 16
    path = tmp_path / "bomb.cxb.zst"
    path.write_bytes(zstandard.ZstdCompressor(level=19).compress(b"{" + b" " * (256 * 2**20)))
    assert path.stat().st_size < 100_000
    assert (
        failure("import", str(path))
        == "bomb.cxb.zst: bundle decompresses to more than 16 MiB: refused"
    )
    assert Snapshot.objects.count() == 0


def test_a_file_over_the_upload_limit_is_not_read(tmp_path: Path, settings) -> None:
    settings.EXPLORER_SNAPSHOT_UPLOAD_MB = 1
    path = tmp_path / "big.cxb.zst"
    path.write_bytes(b"\0" * (2 * 2**20))
    assert failure("import", str(path)) == "big.cxb.zst: over 1 MB"


def test_delete_removes_a_snapshot(tmp_path: Path) -> None:
    snapshot = store.keep(build_demo(), title="x", taken_at=store.timezone.now(), creator=None)
    assert run("delete", snapshot.id).startswith(f"deleted {snapshot.id}")
    assert failure("delete", snapshot.id) == f"no snapshot {snapshot.id!r} (see `snapshot list`)"


def test_an_imported_snapshot_is_the_state_exported(tmp_path: Path) -> None:
    state = build_demo()
    path = tmp_path / "exported.cxb.zst"
    path.write_bytes(bundle_to_bytes(state))
    run("import", str(path))
    assert (
        dump_state(store.state_of(Snapshot.objects.get()))["objects"]
        == dump_state(state)["objects"]
    )


def rolled_out_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two bundle files of the demo: before, and after a rollout of shop/api."""
    before = build_demo()
    after = known_changes.snapshot(before)
    known_changes.roll_out(after, "shop", "api", "api", "registry.example/api:2.0")
    paths = tmp_path / "before.cxb.zst", tmp_path / "after.cxb.zst"
    for state, path in zip((before, after), paths, strict=True):
        path.write_bytes(bundle_to_bytes(state))
    return paths


def test_diff_of_two_bundles_lists_the_rollout_as_json(tmp_path: Path) -> None:
    before, after = rolled_out_pair(tmp_path)
    found = orjson.loads(run("diff", str(before), str(after), "--json"))
    changed = {(c["kind"], c["name"]): c["fields"] for c in found["changed"]}
    assert "spec.template.spec.containers[name=api].image" in changed[("Deployment", "api")]
    assert {a["kind"] for a in found["added"]} >= {"ReplicaSet", "Pod"}
    assert all(set(a) == {"kind", "namespace", "name"} for a in found["added"] + found["removed"])


def test_diff_reads_stored_snapshots_and_says_it_in_words(tmp_path: Path) -> None:
    before, after = rolled_out_pair(tmp_path)
    ids = []
    for path in (before, after):
        run("import", str(path))
        ids.append(Snapshot.objects.order_by("-created").first().id)
    text = run("diff", ids[0], f"snapshot:{ids[1]}")
    assert "registry.example/api:2.0" in text and "Deployment shop/api" in text


def test_diff_of_something_that_is_not_there_says_so_in_one_line() -> None:
    assert failure("diff", "no-such-id", "live", "--context", "x") == (
        "no snapshot 'no-such-id' (see `snapshot list`)"
    )


def test_export_writes_one_html_file_of_a_stored_snapshot(tmp_path: Path) -> None:
    snapshot = store.keep(
        hostile_state(), title=HOSTILE, taken_at=store.timezone.now(), creator=None
    )
    out = tmp_path / "incident.html"
    assert run("export", snapshot.id, "--html", str(out)).startswith(f"{out}: ")
    page = out.read_text()
    assert page.startswith("<!doctype html>") and HOSTILE not in page
    assert "Content-Security-Policy" in page


def test_take_at_a_moment_without_a_flight_recorder_says_where_it_looked(settings) -> None:
    message = failure("take", "--context", "demo", "--at", "5m ago")
    recorder = f"{settings.EXPLORER_STATE_DIR}/changes"
    assert recorder in message and "demo" in message
    assert Snapshot.objects.count() == 0
