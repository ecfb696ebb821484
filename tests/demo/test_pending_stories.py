"""The demo's pending stories are there, consistent with the rest of the cluster, and said in
words on the pod's or the controller's page."""

from __future__ import annotations

from explorer.demo.pending_stories import HIGH, HIGH_VALUE
from explorer.viewmodels.objects.page import object_view
from explorer.viewmodels.workloads.pod import pod_view
from explorer.viewmodels.workloads.scheduling import scheduling_model


def _pod_model(demo, namespace: str, name: str) -> dict:
    return pod_view(demo, {"cluster": "demo", "namespace": namespace, "name": name})


def _concerns(demo, namespace: str, name: str) -> list[str]:
    return [s["concern"] for s in _pod_model(demo, namespace, name)["stuck"]]


def test_the_training_pod_would_preempt_the_notebook_and_violate_its_budget(demo):
    pod = demo.get("Pod", "default", "train-llm")
    preemption = scheduling_model(demo, pod)["preemption"]
    assert preemption["state"] == "victims"
    assert preemption["nominated"] == "demo-gpu-worker"
    (node,) = preemption["nodes"]
    assert [v["name"] for v in node["victims"]] == ["notebook-0"]
    assert node["violated"] == [{"namespace": "default", "name": "notebook"}]


def test_its_twin_of_a_never_class_waits_instead(demo):
    pod = demo.get("Pod", "default", "train-llm-waits")
    model = scheduling_model(demo, pod)
    assert model["said"]["agrees"]
    assert model["message"].endswith("preemption: not eligible due to preemptionPolicy=Never.")
    assert model["preemption"]["state"] == "never"
    priority = _pod_model(demo, "default", "train-llm-waits")["priority"]
    assert priority["preemption_policy"] == "Never" and not priority["may_preempt"]


def test_the_pod_page_says_its_priority_and_lists_the_classes(demo):
    priority = _pod_model(demo, "default", "train-llm")["priority"]
    assert (priority["value"], priority["class_name"]) == (HIGH_VALUE, HIGH)
    assert priority["words"][0] == f"It has priority {HIGH_VALUE} from PriorityClass {HIGH}."
    (own,) = [c for c in priority["classes"] if c["this"]]
    assert own["name"] == HIGH
    assert priority["classes"][0]["name"] == "system-node-critical"  # highest first


def test_pods_no_scheduler_picks_up_say_why(demo):
    assert _concerns(demo, "default", "import-batch") == ["gated"]
    # the gated pod's condition is the API server's, not a cycle's words to compare with
    assert scheduling_model(demo, demo.get("Pod", "default", "import-batch"))["said"] is None
    assert _pod_model(demo, "default", "import-batch")["pending"] is None
    assert _concerns(demo, "default", "custom-scheduled") == ["scheduler"]
    events = [e for e in demo.list("Event", "default") if e["reason"] == "FailedScheduling"]
    assert not [e for e in events if e["involvedObject"]["name"] == "custom-scheduled"]


def test_bound_pods_that_do_not_start_say_why(demo):
    assert _concerns(demo, "default", "canary-web") == ["image"]
    assert _concerns(demo, "default", "report-render") == ["mount"]
    assert _concerns(demo, "default", "notebook-backup") == ["multi-attach"]
    backup = demo.get("Pod", "default", "notebook-backup")
    owner = demo.get("Pod", "default", "notebook-0")
    assert backup["spec"]["nodeName"] != owner["spec"]["nodeName"]


def test_the_deployment_the_quota_refuses_says_so_with_the_quotas_own_numbers(demo):
    quota = demo.get("ResourceQuota", "shop", "shop-quota")
    used = quota["status"]["used"]["requests.nvidia.com/gpu"]
    (rs,) = [r for r in demo.list("ReplicaSet", "shop") if r["metadata"]["name"].startswith("emb")]
    for kind, name in (("ReplicaSet", rs["metadata"]["name"]), ("Deployment", "embeddings")):
        params = {"cluster": "demo", "kind": kind, "namespace": "shop", "name": name}
        (section,) = [
            s for s in object_view(demo, params)["sections"] if s["id"] == "cannot-create"
        ]
        assert f"requests.nvidia.com/gpu={used}" in section["rows"][0][2]
        assert section["rows"][0][5]["text"] == "shop-quota"


def test_a_priority_class_page_says_whether_it_is_the_global_default_and_who_uses_it(demo):
    params = {"cluster": "demo", "kind": "PriorityClass", "namespace": "-", "name": HIGH}
    model = object_view(demo, params)
    facts = dict((term, value) for term, value in model["facts"])
    assert (facts["value"], facts["preempts"], facts["globalDefault"]) == (
        str(HIGH_VALUE),
        "PreemptLowerPriority",
        "no",
    )
    users = [row[0]["text"] for s in model["sections"] for row in s["rows"]]
    assert "default/train-llm" in users


def test_a_pending_pod_no_preemption_helps_says_why_node_by_node(demo):
    (pod,) = [p for p in demo.list("Pod", "shop") if not p["spec"].get("nodeName")]
    preemption = scheduling_model(demo, pod)["preemption"]
    assert preemption["state"] == "none" and preemption["nodes"] == []
    assert preemption["why_none"] == [
        "2 nodes rejected it for a reason evicting pods cannot remove",
        "1 node runs no pod of lower priority",
    ]
