"""`manage.py analyze events` and `analyze scheduling` as a user runs them: the real fixtures, a
kubectl cluster-info dump with logs between its documents, an EventList, a snapshot bundle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import yaml

from explorer.demo import build_demo
from explorer.snapshots.bundle import bundle_to_bytes

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
MINIKUBE = ("kubectl/minikube-v1.34-pods.yaml", "kubectl/minikube-v1.34-nodes.yaml")


def _analyze(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE), "analyze", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _minikube_pending(real_fixtures) -> dict:
    pods = yaml.safe_load((real_fixtures / MINIKUBE[0]).read_text())["items"]
    (pending,) = [p for p in pods if p["status"]["phase"] == "Pending"]
    return pending


def _condition_message(pod) -> str:
    (found,) = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    return found["message"]


def test_the_minikube_files_print_the_message_of_the_pending_pod_s_condition(real_fixtures):
    pending = _minikube_pending(real_fixtures)
    name = f"{pending['metadata']['namespace']}/{pending['metadata']['name']}"
    files = [str(real_fixtures / f) for f in MINIKUBE]
    done = _analyze("scheduling", *files, name, "--json")
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    assert document["pod"] == name
    assert document["message"] == _condition_message(pending)
    (node,) = document["nodes"]
    assert node["feasible"] is False and node["score"] is None
    assert node["plugins"][-1] == {
        "plugin": "NodeAffinity",
        "passed": False,
        "reason": "node(s) didn't match Pod's node affinity/selector",
    }
    text = _analyze("scheduling", *files, name)
    assert _condition_message(pending) in text.stdout.splitlines()


def test_one_node_s_verdicts_and_score_for_a_pod_that_fits(real_fixtures):
    files = [str(real_fixtures / f) for f in MINIKUBE]
    done = _analyze("scheduling", *files, "kube-system/coredns-66bc5c9577-d98t2", "--json",
                    "--node", "datagen-1-34")  # fmt: skip
    document = orjson.loads(done.stdout)
    assert document["message"] is None
    (node,) = document["nodes"]
    assert node["feasible"] is True and isinstance(node["score"], int)
    assert all(p["passed"] for p in node["plugins"])


def test_every_real_failed_scheduling_message_is_read_from_the_describe_texts(real_fixtures):
    done = _analyze(
        "events",
        str(real_fixtures / "storage/aks-azuredisk-volumeattachment-pv-pvc-sc-describe.txt"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    (entry,) = orjson.loads(done.stdout)["failed_scheduling"]
    assert {k: entry[k] for k in ("namespace", "pod", "count", "nodes", "preemption")} == {
        "namespace": "default",
        "pod": "nginx",
        "count": 1,
        "nodes": 3,
        "preemption": "0/3 nodes are available: 3 Preemption is not helpful for scheduling",
    }
    assert entry["reasons"] == [
        {"reason": 'persistentvolumeclaim "pvc-azuredisk" not found', "count": None}
    ]
    aks = real_fixtures / "kubectl/aks-byo-cni-notready-failedscheduling-untolerated-taint.txt"
    (entry,) = orjson.loads(_analyze("events", str(aks), "--json").stdout)["failed_scheduling"]
    assert entry["count"] == 7 and entry["nodes"] == 2
    assert entry["reasons"] == [
        {"reason": "node(s) had untolerated taint {node.kubernetes.io/not-ready: }", "count": 2}
    ]


def _demo_lists():
    state = build_demo()
    kinds = ("Node", "Pod", "Event", "Service", "ReplicaSet", "Namespace")
    return state, {k: {"kind": f"{k}List", "apiVersion": "v1", "items": list(state.list(k))}
                   for k in kinds}  # fmt: skip


def _trainer(state) -> dict:
    """The shop's GPU trainer, which no node can run: one of the demo's several waiting pods."""
    (pod,) = [
        p
        for p in state.list("Pod", "shop")
        if p["metadata"]["name"].startswith("trainer-") and not p["spec"].get("nodeName")
    ]
    return pod


def test_a_cluster_info_dump_with_logs_between_its_documents_is_read_whole(tmp_path):
    state, lists = _demo_lists()
    dump = "\n".join(
        [
            orjson.dumps(lists["Node"], option=orjson.OPT_INDENT_2).decode(),
            orjson.dumps(lists["Event"], option=orjson.OPT_INDENT_2).decode(),
            "==== START logs for container web of pod shop/web-1 ====",
            '{"level":"info","msg":"a JSON log line"}',
            "{ not json at all",
            "==== END logs for container web of pod shop/web-1 ====",
            orjson.dumps(lists["Pod"], option=orjson.OPT_INDENT_2).decode(),
            orjson.dumps(lists["Service"], option=orjson.OPT_INDENT_2).decode(),
            orjson.dumps(lists["ReplicaSet"], option=orjson.OPT_INDENT_2).decode(),
        ]
    )
    path = tmp_path / "cluster-info.dump"
    path.write_text(dump)
    pending = _trainer(state)
    events = orjson.loads(_analyze("events", str(path), "--json").stdout)
    (entry,) = [e for e in events["failed_scheduling"] if e["pod"] == pending["metadata"]["name"]]
    assert entry["namespace"] == "shop"
    assert entry["nodes"] == 3 and entry["count"] > 1
    name = f"shop/{pending['metadata']['name']}"
    verdicts = orjson.loads(_analyze("scheduling", str(path), name, "--json").stdout)
    assert verdicts["message"] == entry["message"]
    assert [n["node"] for n in verdicts["nodes"]] == [
        "demo-control-plane", "demo-gpu-worker", "demo-worker"]  # fmt: skip


def test_an_event_list_in_yaml_and_a_snapshot_bundle_say_the_same(tmp_path):
    state, lists = _demo_lists()
    (tmp_path / "events.yaml").write_text(yaml.safe_dump(lists["Event"]))
    events = orjson.loads(_analyze("events", str(tmp_path / "events.yaml"), "--json").stdout)
    pending = _trainer(state)
    (entry,) = [e for e in events["failed_scheduling"] if e["pod"] == pending["metadata"]["name"]]
    (tmp_path / "demo.cxb.zst").write_bytes(bundle_to_bytes(state))
    name = f"{entry['namespace']}/{entry['pod']}"
    done = _analyze("scheduling", str(tmp_path / "demo.cxb.zst"), name, "--json")
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout)["message"] == entry["message"]


def test_a_pod_not_in_the_file_is_one_line_and_exit_code_2(real_fixtures):
    done = _analyze("scheduling", str(real_fixtures / MINIKUBE[0]), "default/nope")
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0
    assert "no pod 'default/nope'" in done.stderr


CONFIG_HEADER = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"


def test_config_with_every_default_weight_doubled_doubles_the_score(real_fixtures, tmp_path):
    files = [str(real_fixtures / f) for f in MINIKUBE]
    pod = ("kube-system/coredns-66bc5c9577-d98t2", "--node", "datagen-1-34", "--json")
    plain = orjson.loads(_analyze("scheduling", *files, *pod).stdout)
    doubled = tmp_path / "doubled.yaml"
    weights = {"TaintToleration": 6, "NodeAffinity": 4, "PodTopologySpread": 4,
               "InterPodAffinity": 4, "NodeResourcesFit": 2,
               "NodeResourcesBalancedAllocation": 2, "ImageLocality": 2}  # fmt: skip
    enabled = "".join(f"      - {{name: {n}, weight: {w}}}\n" for n, w in weights.items())
    doubled.write_text(
        CONFIG_HEADER + "profiles:\n- plugins:\n    score:\n      enabled:\n" + enabled
    )
    done = _analyze("scheduling", *files, *pod, "--config", str(doubled))
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    assert document["nodes"][0]["score"] == 2 * plain["nodes"][0]["score"] > 0
    assert document["profile"] == {
        "name": "default-scheduler",
        "configured": True,
        "words": f"Weights from the scheduler's configuration in the file {doubled}, "
        "profile default-scheduler.",
    }
    assert plain["profile"]["configured"] is False
    assert plain["profile"]["words"].startswith(
        "Default weights: the scheduler's configuration was not read because no control-plane "
        "node's agent has reported it"
    )


def test_config_without_default_preemption_drops_the_preemption_words(real_fixtures, tmp_path):
    pending = _minikube_pending(real_fixtures)
    name = f"{pending['metadata']['namespace']}/{pending['metadata']['name']}"
    files = [str(real_fixtures / f) for f in MINIKUBE]
    config = tmp_path / "no-preemption.yaml"
    config.write_text(
        CONFIG_HEADER + "profiles:\n- plugins:\n    multiPoint:\n      disabled:\n"
        "      - name: DefaultPreemption\n"
    )
    done = _analyze("scheduling", *files, name, "--json", "--config", str(config))
    assert done.returncode == 0, done.stderr
    message = _condition_message(pending)
    assert ", preemption: " in message
    assert orjson.loads(done.stdout)["message"] == message.split(", preemption: ")[0]


def test_config_without_the_pod_s_profile_says_no_scheduler_of_it_picks_the_pod(
    real_fixtures, tmp_path
):
    files = [str(real_fixtures / f) for f in MINIKUBE]
    config = tmp_path / "other.yaml"
    config.write_text(CONFIG_HEADER + "profiles:\n- schedulerName: batch\n")
    done = _analyze("scheduling", *files, "kube-system/coredns-66bc5c9577-d98t2", "--config",
                    str(config))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        f"Default weights: the scheduler's configuration (in the file {config}) has no profile "
        "'default-scheduler' (its profiles: batch), so no scheduler of it picks this pod up."
    ) in done.stdout.splitlines()


def test_config_that_is_a_kubeconfig_is_refused_without_echoing_it(real_fixtures, tmp_path):
    files = [str(real_fixtures / f) for f in MINIKUBE]
    kubeconfig = tmp_path / "scheduler.conf"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nusers:\n- name: s\n  user:\n    client-key-data: U0VDUkVU\n"
    )
    done = _analyze("scheduling", *files, "kube-system/coredns-66bc5c9577-d98t2", "--config",
                    str(kubeconfig))  # fmt: skip
    assert done.returncode == 2
    assert "is not a usable KubeSchedulerConfiguration: this is a kubeconfig" in done.stderr
    assert "U0VDUkVU" not in done.stderr + done.stdout
