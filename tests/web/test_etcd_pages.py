"""The etcd pages against the demo kept in a real etcd: the key space equals the objects' keys,
a pod's key page shows the pod and follows its changes, a diff names the changed field, Secrets'
values appear nowhere, the object pages and the key pages link both ways, a cluster nobody reads
is derived, a snapshot shows its listing, hostile keys stay text, etcd unreachable is one line."""

from __future__ import annotations

import base64
import copy
import secrets
from datetime import UTC, datetime

import orjson
import pytest
import yaml

from explorer.etcd import readers
from explorer.etcd.access import EtcdAccess
from explorer.etcd.client import EtcdClient
from explorer.lib.choices import ADDED, MODIFIED
from explorer.lib.sources import snapshot_source
from explorer.snapshots import store as snapshot_store
from explorer.snapshots.extras import captured_extras
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.links import object_link
from tests.etcd.stored_form import as_stored

from .etcd_demo import etcdctl, start_demo_with_etcd, stop_demo

DEMO = "demo"
HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo():
    cluster = start_demo_with_etcd()
    yield cluster
    stop_demo(cluster)


@pytest.fixture
def site(demo, watched, logged_in):
    """The demo watched as "demo" (read through its etcd) and as "managed" (nobody reads it)."""
    watched.add(DEMO, state=demo.store.state)
    watched.add("managed", state=demo.store.state)
    return logged_in


def _json(client, path: str, **query) -> dict:
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:300]
    return orjson.loads(response.content)


def _overview(client, cluster: str = DEMO) -> dict:
    return _json(client, "/api/etcd/overview", cluster=cluster)


def _key(client, key: str, cluster: str = DEMO, **pair) -> dict:
    return _json(client, "/api/etcd/key", cluster=cluster, key=key, **pair)


def _resources(model: dict, prefix: str = "/registry") -> dict[str, int]:
    return {
        sector["text"]: sector["value"]
        for sector in model["space"]["sectors"].values()
        if sector["parent"] == prefix
    }


def _a_pod(demo) -> dict:
    return next(p for p in demo.store.state.list("Pod") if p["metadata"].get("namespace") == "shop")


def _pod_key(pod: dict) -> str:
    return f"/registry/pods/{pod['metadata']['namespace']}/{pod['metadata']['name']}"


def test_the_key_space_of_the_demos_etcd_holds_its_objects_keys_and_the_derived_one_the_same(
    demo, site
):
    read = _overview(site)
    derived = _overview(site, "managed")
    listed = etcdctl(demo, "get", "/registry/", "--prefix", "--keys-only").split()

    assert read["origin"]["kind"] == "etcd" and not read["origin"]["derived"]
    assert "the demo's own etcd" in read["origin"]["said"]
    assert read["space"]["keys"] == len(listed)
    records = {"masterleases", "ranges", "serviceips", "servicenodeports"}
    etcd_resources = {k: v for k, v in _resources(read).items() if k not in records}
    assert etcd_resources == _resources(derived)
    assert read["space"]["total_bytes"] > 0
    assert read["space"]["headline"].startswith("Events are ")
    assert "of the bytes stored" in read["space"]["headline_bytes"]


def test_a_cluster_nobody_can_read_gets_the_derived_key_space_marked_derived(demo, site):
    model = _overview(site, "managed")

    assert model["origin"] == {**model["origin"], "kind": "derived", "derived": True}
    assert "derived" in model["origin"]["said"]
    assert model["space"]["derived"] is True
    assert model["space"]["total_bytes"] is None
    assert model["status"] == [] and model["encryption"] == [] and not model["live_watch"]
    assert model["space"]["keys"] == sum(
        demo.store.state.count(k) for k in demo.store.state.kinds()
    )


def test_the_db_status_and_encryption_at_rest_are_read_from_etcd(site):
    model = _overview(site)

    facts = dict(model["status"])
    assert facts["etcd version"].startswith("3.")
    assert int(facts["revision"].replace(",", "")) > 300
    rows = {row["resource"]: row for row in model["encryption"]}
    assert rows["secrets"]["encrypted"] == rows["secrets"]["keys"] > 0
    assert rows["secrets"]["providers"].startswith("aescbc v1 ")
    assert rows["pods"]["plain"] == rows["pods"]["keys"]


def test_a_pods_key_page_shows_the_pod_and_its_history_grows_when_the_pod_changes(demo, site):
    pod = copy.deepcopy(_a_pod(demo))
    key = _pod_key(pod)
    before = _key(site, key)

    assert yaml.safe_load(before["yaml"]) == as_stored(pod)
    assert before["mod_revision"] == int(pod["metadata"]["resourceVersion"])
    assert before["envelope"]["encoding"] == "protobuf"
    assert before["envelope"]["head"].startswith(b"k8s\x00".hex())
    assert before["object"] == object_link(
        "Pod", pod["metadata"]["namespace"], pod["metadata"]["name"]
    )

    pod["metadata"].setdefault("labels", {})["etcd-page-test"] = "changed"
    demo.store.apply({"type": MODIFIED, "object": pod})
    after = _key(site, key)

    assert len(after["versions"]) == len(before["versions"]) + 1
    assert after["versions"][-1]["revision"] == after["mod_revision"] > before["mod_revision"]
    diff = _key(site, key, a=before["mod_revision"], b=after["mod_revision"])["diff"]
    assert "+    etcd-page-test: changed" in diff["lines"]
    assert not any(line.startswith("-") and "etcd-page-test" in line for line in diff["lines"])


def _canary_secret(demo, marker: str) -> tuple[str, str]:
    """One Secret written through the demo's storage (encrypted at rest) and one written plain,
    as JSON, with etcdctl: both hold `marker` in their data."""
    encoded = base64.b64encode(marker.encode()).decode()
    stored = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "canary", "namespace": "default", "uid": "c-1"},
        "type": "Opaque",
        "data": {"token": encoded},
    }
    demo.store.apply({"type": ADDED, "object": stored})
    plain = {**stored, "metadata": {**stored["metadata"], "name": "canary-plain"}}
    plain["stringData"] = {"token": marker}
    plain_key = "/registry/secrets/default/canary-plain"
    etcdctl(demo, "put", plain_key, input=orjson.dumps(plain))
    return "/registry/secrets/default/canary", plain_key


def test_a_secrets_value_is_in_no_answer_of_any_etcd_page_or_endpoint(
    demo, site, settings, tmp_path
):
    settings.EXPLORER_SNAPSHOT_DIR = str(tmp_path / "snapshots")
    marker = f"etcd-canary-{secrets.token_hex(8)}"
    forms = [marker, base64.b64encode(marker.encode()).decode(), marker.encode().hex()]
    keys = _canary_secret(demo, marker)
    snapshot = snapshot_store.keep(
        ClusterState(DEMO),
        title="with etcd",
        taken_at=datetime.now(UTC),
        creator=None,
        extras=captured_extras(ClusterState(DEMO)),
    )
    answers = [
        site.get("/etcd/", {"cluster": DEMO}).content,
        site.get("/api/etcd/overview", {"cluster": DEMO}).content,
        site.get("/api/etcd/overview", {"cluster": snapshot_source(snapshot.id)}).content,
        orjson.dumps(snapshot_store.open_snapshot(snapshot).extras),
    ]
    for key in keys:
        for cluster in (DEMO, snapshot_source(snapshot.id), "managed"):
            answers.append(site.get("/etcd/key", {"cluster": cluster, "key": key}).content)
            answers.append(site.get("/api/etcd/key", {"cluster": cluster, "key": key}).content)
        name = key.rsplit("/", 1)[1]
        query = {"cluster": DEMO, "kind": "Secret", "namespace": "default", "name": name}
        answers.append(site.get("/api/etcd/object", query).content)
        page = _key(site, key)
        assert page["secret"] and page["yaml"] == "" and page["envelope"]["head"] == ""
        assert page["envelope"]["size"] > 0
    assert _key(site, keys[0])["envelope"]["encryption"].startswith("aescbc")
    assert _key(site, keys[1])["envelope"]["encryption"] == ""

    leaked = [form for form in forms for answer in answers if form.encode() in answer]
    assert leaked == []


def test_the_object_page_shows_its_key_and_the_key_page_links_back(demo, site):
    pod = _a_pod(demo)
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    facts = _json(
        site, "/api/etcd/object", cluster=DEMO, kind="Pod", namespace=namespace, name=name
    )

    assert facts["key"] == _pod_key(pod)
    assert facts["derived"] is False and facts["way"] == "the demo's own etcd"
    assert facts["mod_revision"] == int(pod["metadata"]["resourceVersion"])
    assert facts["size"] > 0
    page = site.get(f"/pods/{namespace}/{name}", {"cluster": DEMO}).content.decode()
    assert 'id="etcd-object"' in page and "js/etcd/object_key.js" in page
    assert _key(site, facts["key"])["object"] == object_link("Pod", namespace, name)
    derived = _json(
        site, "/api/etcd/object", cluster="managed", kind="Pod", namespace=namespace, name=name
    )
    assert derived["key"] == facts["key"] and derived["derived"] is True and "size" not in derived
    derived_page = _key(site, facts["key"], cluster="managed")
    assert derived_page["derived"] and derived_page["object"] == object_link("Pod", namespace, name)


def test_a_snapshot_shows_the_etcd_listing_it_kept_and_its_keys_facts_only(
    demo, site, settings, tmp_path
):
    settings.EXPLORER_SNAPSHOT_DIR = str(tmp_path / "snapshots")
    extras = captured_extras(ClusterState(DEMO))
    snapshot = snapshot_store.keep(
        ClusterState(DEMO), title="etcd", taken_at=datetime.now(UTC), creator=None, extras=extras
    )
    source = snapshot_source(snapshot.id)
    pod = _a_pod(demo)

    model = _overview(site, source)
    assert model["origin"]["kind"] == "snapshot" and not model["live_watch"]
    assert model["space"]["keys"] == len(extras["etcd"]["keys"]) > 300
    assert model["status"] and model["encryption"]
    page = _key(site, _pod_key(pod), cluster=source)
    assert page["facts_only"] and page["yaml"] == "" and page["exists"]
    assert page["mod_revision"] == int(pod["metadata"]["resourceVersion"])


def test_hostile_keys_stay_text_in_the_page_and_escaped_for_plotly(demo, site):
    key = f"/registry/configmaps/default/{HOSTILE}"
    etcdctl(demo, "put", key, "{}")
    try:
        model = _overview(site)
        html = site.get("/etcd/key", {"cluster": DEMO, "key": key}).content.decode()
        sector = next(
            s for s in model["space"]["sectors"].values() if s.get("link", {}).get("key") == key
        )
    finally:
        etcdctl(demo, "del", key)

    assert HOSTILE not in html and "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert "<script>" not in sector["label"] and "<script>" not in sector["hover"]
    assert "&lt;script&gt;" in sector["hover"]
    assert HOSTILE in sector["text"] + sector["link"]["key"]


def test_keys_asked_for_are_bounded_and_under_the_prefix(site):
    too_long = "/registry/" + "x" * 5000
    assert site.get("/api/etcd/key", {"cluster": DEMO, "key": too_long}).status_code == 400
    assert site.get("/api/etcd/key", {"cluster": DEMO, "key": "/elsewhere/x"}).status_code == 400
    assert site.get("/api/etcd/key", {"cluster": DEMO}).status_code == 400
    assert site.get("/etcd/key", {"cluster": DEMO, "key": too_long}).status_code == 400
    answer = site.get("/api/etcd/key", {"cluster": "no-such-cluster", "key": "/registry/pods/a/b"})
    assert answer.status_code == 404


def test_etcd_unreachable_is_one_line_on_the_page_never_a_traceback(demo, site, watched):
    watched.add("broken", state=demo.store.state)
    dead = EtcdAccess(endpoints=("http://127.0.0.1:9",), timeout=1)
    readers.register("broken", "etcd at 127.0.0.1:9", lambda: EtcdClient(dead))
    try:
        model = _overview(site, "broken")
        answer = site.get("/api/etcd/key", {"cluster": "broken", "key": "/registry/pods/a/b"})
    finally:
        readers.unregister("broken")

    assert model["origin"]["derived"] is True
    assert model["problem"] and "\n" not in model["problem"]
    assert "Traceback" not in model["problem"]
    assert answer.status_code == 502
    message = orjson.loads(answer.content)["message"]
    assert "etcd at 127.0.0.1:9" in message and "\n" not in message


def test_the_etcd_pages_need_a_login(client, demo, watched, db):
    watched.add(DEMO, state=demo.store.state)
    assert client.get("/api/etcd/overview", {"cluster": DEMO}).status_code == 401
    assert (
        client.get("/api/etcd/key", {"cluster": DEMO, "key": "/registry/pods/a/b"}).status_code
        == 401
    )
    assert client.get("/etcd/").status_code == 302
    assert client.get("/etcd/key", {"key": "/registry/pods/a/b"}).status_code == 302


def _revision_of_put(demo, key: str, value: str = "{}") -> int:
    etcdctl(demo, "put", key, value)
    listed = orjson.loads(etcdctl(demo, "get", key, "-w", "json"))
    return listed["kvs"][0]["mod_revision"]


def test_a_key_deleted_and_created_again_shows_the_deletion_not_its_earlier_life(demo, site):
    key = "/registry/configmaps/default/reborn"
    first = _revision_of_put(demo, key)
    etcdctl(demo, "del", key)
    again = _revision_of_put(demo, key)
    try:
        page = _key(site, key)
    finally:
        etcdctl(demo, "del", key)

    assert [v["revision"] for v in page["versions"]] == [again]
    assert page["deletions"] == [{**page["deletions"][0], "revision": again - 1, "after": first}]


def test_a_deleted_keys_page_says_when_it_was_deleted_and_what_was_written_before(demo, site):
    key = "/registry/configmaps/default/gone"
    first = _revision_of_put(demo, key)
    second = _revision_of_put(demo, key, '{"n": 2}')
    etcdctl(demo, "del", key)
    page = _key(site, key)

    assert not page["exists"]
    assert [v["revision"] for v in page["versions"]] == [first, second]
    assert page["deletions"][0]["revision"] == second + 1
    assert (
        page["problem"] == f"The key does not exist now: it was deleted at revision {second + 1:,}."
    )


def test_compacted_revisions_are_shown_as_gone_not_as_an_error(demo, site):
    key = "/registry/configmaps/default/compacted"
    revisions = [_revision_of_put(demo, key, f'{{"n": {n}}}') for n in range(3)]
    etcdctl(demo, "compact", str(revisions[-1]))
    try:
        page = _key(site, key)
        overview = _overview(site)
    finally:
        etcdctl(demo, "del", key)

    assert [v["revision"] for v in page["versions"]] == [revisions[-1]]
    assert page["compacted"] == 2 and page["compact_revision"] == revisions[-1]
    assert page["problem"] == ""
    assert dict(overview["status"])["compact revision"].startswith(f"{revisions[-1]:,} ")


def test_an_events_key_page_shows_its_lease_with_the_ttl_and_what_remains(demo, site):
    event = next(demo.store.state.list("Event"))
    meta = event["metadata"]
    page = _key(site, f"/registry/events/{meta['namespace']}/{meta['name']}")

    assert page["lease_id"] and page["lease"]["id"] == page["lease_id"]
    assert page["lease"]["granted_ttl"] >= 3600
    assert 0 < page["lease"]["remaining"] <= page["lease"]["granted_ttl"]
    assert page["lease"]["keys"] >= 1
