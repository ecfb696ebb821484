"""The demo's scheduler says what the explorer's evaluation of the same cluster says."""

from explorer.viewmodels.workloads.scheduling import scheduling_model


def _tried_by_the_default_scheduler(pod) -> bool:
    spec = pod["spec"]
    return not spec.get("schedulingGates") and spec.get("schedulerName") == "default-scheduler"


def test_every_pending_demo_pod_carries_the_message_the_evaluation_writes(demo):
    unbound = [p for p in demo.list("Pod") if not p["spec"].get("nodeName")]
    pending = [p for p in unbound if _tried_by_the_default_scheduler(p)]
    assert pending and len(pending) < len(unbound)  # a gated pod and one for my-scheduler
    for pod in pending:
        model = scheduling_model(demo, pod)
        assert model["message"] and model["certain"]
        (scheduled,) = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
        assert scheduled["message"] == model["message"]
        assert model["said"] == {
            "message": model["message"],
            "source": "FailedScheduling event",
            "agrees": True,
        }


def test_the_demo_gpu_pod_is_turned_away_by_two_taints_and_the_worker_s_missing_gpus(demo):
    (pod,) = [p for p in demo.list("Pod", "shop") if not p["spec"].get("nodeName")]
    rows = {r["node"]: r for r in scheduling_model(demo, pod)["rows"]}
    assert rows["demo-worker"]["rejected_by"] == "NodeResourcesFit"
    assert rows["demo-worker"]["reasons"] == ["Insufficient nvidia.com/gpu"]
    assert rows["demo-gpu-worker"]["rejected_by"] == "TaintToleration"
    cells = rows["demo-gpu-worker"]["cells"]
    assert [c["state"] for c in cells[:4]] == ["passed", "passed", "failed", "not run"]
