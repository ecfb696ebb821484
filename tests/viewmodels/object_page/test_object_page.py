"""The object page's view: every watched kind as YAML with its owners, dependents and events,
and the links each kind is worth opening for."""

from __future__ import annotations

import copy

import pytest

from explorer.demo import build_demo
from explorer.lib.objects import key_of
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.objects.page import CLUSTER_SCOPED, object_view
from explorer.viewmodels.objects.usage import DATA_NEVER_FETCHED
from explorer.viewmodels.objects.yaml_text import MANAGED_FIELDS, NOT_KEPT

from ..workload_states import HOSTILE, every_plotly_text

DEMO = build_demo()
KINDS = sorted(kind for kind in DEMO.kinds() if kind != "Event")


def page(state: ClusterState, kind: str, namespace: str, name: str, memo=None) -> dict:
    params = {
        "cluster": "demo",
        "kind": kind,
        "namespace": namespace or CLUSTER_SCOPED,
        "name": name,
    }
    return object_view(state, params, memo)


def section(model: dict, key: str) -> dict:
    return next(s for s in model["sections"] if s["id"] == key)


def links(value: object) -> list[dict]:
    """Every link in a model part, in order."""
    found: list[dict] = []
    if isinstance(value, dict):
        if "link" in value and isinstance(value["link"], dict):
            found.append(value["link"])
        for item in value.values():
            found += links(item)
    elif isinstance(value, list):
        for item in value:
            found += links(item)
    return found


def texts(rows: list[list]) -> list[list[str]]:
    def text(cell: object) -> str:
        if isinstance(cell, dict):
            return cell["text"]
        if isinstance(cell, list):
            return ", ".join(item["text"] for item in cell)
        return str(cell)

    return [[text(cell) for cell in row] for row in rows]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_the_demo_shows_its_yaml_with_managed_fields_said_folded(kind) -> None:
    obj = next(DEMO.list(kind))
    namespace, name = key_of(obj)
    model = page(DEMO, kind, namespace, name)
    assert model["found"] and model["known"] and model["deleted"] is None
    assert f"kind: {kind}\n" in model["yaml"]["text"]
    assert f"name: {name}" in model["yaml"]["text"]
    assert model["yaml"]["folded"][0] == {"what": MANAGED_FIELDS, "why": NOT_KEPT, "text": ""}
    assert model["header"]["events"] == {
        "page": "events",
        "kind": kind,
        "namespace": namespace,
        "name": name,
    }


def test_a_service_page_links_its_dns_names_chains_slices_and_pods() -> None:
    model = page(DEMO, "Service", "shop", "web")
    dns = section(model, "dns")
    names = [row[0] for row in dns["rows"]]
    assert names[:3] == ["web.shop.svc.cluster.local", "web.shop", "web"]
    assert dns["rows"][0][1] == DEMO.get("Service", "shop", "web")["spec"]["clusterIP"]
    assert dns["rows"][0][3]["link"]["page"] == "dns"
    assert dns["rows"][0][3]["link"]["name"] == "web.shop.svc.cluster.local"
    chains = [row[1]["link"] for row in section(model, "chains")["rows"]]
    assert {link["node"] for link in chains} == {
        "demo-control-plane",
        "demo-worker",
        "demo-gpu-worker",
    }
    assert all(link == {**link, "page": "service-chain", "service": "shop/web"} for link in chains)
    assert section(model, "chains")["rows"][0][0]["text"] == "demo-worker"  # runs the endpoints
    slices = section(model, "slices")["rows"]
    assert slices and slices[0][0]["link"]["kind"] == "EndpointSlice"
    pods = section(model, "pods")["rows"]
    assert len(pods) == 3 and all(row[0]["link"]["page"] == "pod" for row in pods)
    assert {row[4] for row in pods} == {"ready"}


def test_a_service_s_dns_names_use_the_cluster_domain_its_corefile_serves() -> None:
    state = copy.deepcopy(DEMO)
    corefile = state.get("ConfigMap", "kube-system", "coredns")
    corefile["data"]["Corefile"] = corefile["data"]["Corefile"].replace(
        "cluster.local", "corp.internal"
    )
    model = page(state, "Service", "shop", "web")
    assert section(model, "dns")["rows"][0][0] == "web.shop.svc.corp.internal"


def test_a_headless_service_says_it_has_no_chains_and_names_each_pod() -> None:
    model = page(DEMO, "Service", "shop", "db")
    chains = section(model, "chains")
    assert chains["rows"] == [] and "headless" in chains["empty"]
    names = [row[0] for row in section(model, "dns")["rows"]]
    assert "db-0.db.shop.svc.cluster.local" in names


def test_a_deployment_page_shows_its_rollout_history_and_the_pods_of_each_revision() -> None:
    state = copy.deepcopy(DEMO)
    deployment = state.get("Deployment", "shop", "web")
    (current,) = [
        rs for rs in state.children(deployment["metadata"]["uid"]) if rs["kind"] == "ReplicaSet"
    ]
    rolled = copy.deepcopy(current)  # a rollout begun: revision 2, no pod yet
    rolled["metadata"].update(name="web-rolled", uid="rolled-uid")
    rolled["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "2"
    rolled["status"] = {"replicas": 0}
    state.upsert(rolled)
    deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "2"
    model = page(state, "Deployment", "shop", "web")
    history = texts(section(model, "rollout")["rows"])
    assert [row[:4] for row in history] == [
        ["2", "web-rolled", "current", "0/3 ready"],
        ["1", current["metadata"]["name"], "", "3/3 ready"],
    ]
    pods = texts(section(model, "pods")["rows"])
    assert len(pods) == 3 and {row[3] for row in pods} == {"revision 1"}
    kinds = [(d["kind"], d["depth"]) for d in model["dependents"]]
    assert ("ReplicaSet", 1) in kinds and ("Pod", 2) in kinds


def test_a_pod_s_owners_go_up_to_the_top_controller_each_a_link() -> None:
    pod = next(p for p in DEMO.list("Pod", "shop") if p["metadata"]["name"].startswith("web-"))
    model = page(DEMO, "Pod", "shop", pod["metadata"]["name"])
    assert [(o["kind"], o["depth"]) for o in model["owners"]] == [
        ("ReplicaSet", 1),
        ("Deployment", 2),
    ]
    assert model["owners"][1]["link"] == {
        "page": "object",
        "kind": "Deployment",
        "namespace": "shop",
        "name": "web",
    }
    assert model["header"]["page"] == {
        "page": "pod",
        "namespace": "shop",
        "name": pod["metadata"]["name"],
    }


def test_a_claim_page_follows_it_to_its_volume_class_node_and_the_pods_that_mount_it() -> None:
    model = page(DEMO, "PersistentVolumeClaim", "shop", "data-db-0")
    chain = texts(section(model, "chain")["rows"])
    steps = ["class", "volume", "claim", "pod", "driver", "CSINode", "attachment"]
    assert [row[0] for row in chain] == steps
    assert chain[0][1] == "ceph-rbd" and chain[6][3] == "demo-worker"
    assert chain[5][2] == "node ID demo-worker"
    assert texts(section(model, "mounted-by")["rows"])[0][0] == "db-0"


def test_a_storage_class_page_lists_its_claims_and_the_pods_that_mount_them() -> None:
    model = page(DEMO, "StorageClass", "", "ceph-rbd")
    claims = texts(section(model, "claims")["rows"])
    assert sorted(row[0] for row in claims) == ["shop/data-db-0", "shop/data-db-1"]
    assert {row[3] for row in claims} == {"db-0", "db-1"}
    provisioner = dict(model["facts"])["provisioner"]
    assert provisioner["link"]["kind"] == "CSIDriver"


def test_a_stateful_set_page_lists_a_claim_per_ordinal() -> None:
    model = page(DEMO, "StatefulSet", "shop", "db")
    claims = texts(section(model, "claims")["rows"])
    assert [row[:2] for row in claims] == [["0", "data-db-0"], ["1", "data-db-1"]]
    assert dict(model["facts"])["governing Service"]["text"] == "db"


def test_a_cron_job_page_lists_its_jobs_latest_first_with_their_pods() -> None:
    model = page(DEMO, "CronJob", "shop", "report")
    jobs = texts(section(model, "jobs")["rows"])
    assert [row[0] for row in jobs] == sorted((row[0] for row in jobs), reverse=True)
    assert len(jobs) == 3


def test_a_config_map_page_names_the_pods_that_use_it_and_how() -> None:
    model = page(DEMO, "ConfigMap", "shop", "web-config")
    used = texts(section(model, "used-by")["rows"])
    assert len(used) == 3 and all(row[2] == "volume config" for row in used)


def test_a_secret_page_says_its_data_is_never_fetched_and_holds_none() -> None:
    state = copy.deepcopy(DEMO)
    secret = copy.deepcopy(state.get("Secret", "shop", "db-credentials"))
    secret["data"] = {"password": "c2VjcmV0"}  # arriving whole (a bundle): dropped at ingest
    state.upsert(secret)
    model = page(state, "Secret", "shop", "db-credentials")
    assert model["secret"] == DATA_NEVER_FETCHED
    assert dict(model["facts"])["type"] == "Opaque"
    assert "c2VjcmV0" not in str(model) and "password" not in model["yaml"]["text"]


def test_a_namespace_page_links_its_hierarchy_events_and_controllers() -> None:
    model = page(DEMO, "Namespace", "", "shop")
    facts = dict(model["facts"])
    assert facts["workloads"]["link"] == {"page": "workloads", "namespace": "shop"}
    assert facts["events"]["link"]["page"] == "events"
    listed = texts(section(model, "contents")["rows"])
    assert ["Deployment", "web"] in [row[:2] for row in listed]
    assert ["Service", "db"] in [row[:2] for row in listed]


def test_an_object_not_held_and_never_logged_is_unknown() -> None:
    model = page(DEMO, "ConfigMap", "shop", "never-was")
    assert (model["found"], model["known"], model["deleted"]) == (False, False, None)
    assert model["yaml"]["text"] == ""


def test_hostile_labels_reach_the_yaml_and_the_links_as_plain_text() -> None:
    state = copy.deepcopy(DEMO)
    config = state.get("ConfigMap", "shop", "web-config")
    config["metadata"]["labels"] = {"note": HOSTILE}
    config["metadata"]["annotations"] = {"description": HOSTILE}
    model = page(state, "ConfigMap", "shop", "web-config")
    assert f"note: {HOSTILE}" in model["yaml"]["text"]
    assert f"description: {HOSTILE}" in model["yaml"]["text"]
    assert all("<" not in text for text in every_plotly_text(model["events"]))
    assert all(
        set(link) <= {"page", "kind", "namespace", "name", "node", "service", "pod"}
        for link in links(model)
    )


def test_the_object_view_is_registered_with_its_four_parameters_and_reads_every_kind() -> None:
    from explorer.viewmodels.registry import get_view

    view = get_view("object")
    assert view.params == ("cluster", "kind", "namespace", "name")
    assert {"Deployment", "Pod", "Event", "StorageClass", "EndpointSlice"} <= view.kinds


def test_a_section_of_a_huge_service_holds_a_readable_number_of_rows_and_says_how_many() -> None:
    from explorer.viewmodels.objects.sections import MAX_ROWS

    state = copy.deepcopy(DEMO)
    template = state.get("Pod", "shop", "db-0")
    for i in range(MAX_ROWS + 5):
        pod = copy.deepcopy(template)
        pod["metadata"].update(name=f"many-{i}", uid=f"many-{i}")
        state.upsert(pod)
    pods = section(page(state, "Service", "shop", "db"), "pods")
    assert len(pods["rows"]) == MAX_ROWS
    assert pods["note"].endswith(f"The first {MAX_ROWS} of {MAX_ROWS + 7}.")
