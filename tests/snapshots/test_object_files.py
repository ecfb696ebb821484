from __future__ import annotations

from pathlib import Path

import pytest

from explorer.lib.quantities import cpu_millicores, memory_bytes
from explorer.snapshots.object_files import LoadError, load_files, parse_objects, read_objects

OPENSHIFT_NODE = "worker-0.imeixner20210707.lab.upshift.rdu2.redhat.com"
TRANSCRIPT = "aks-byo-cni-notready-failedscheduling-untolerated-taint.txt"


@pytest.fixture(scope="module")
def kubectl_dir(real_fixtures) -> Path:
    return real_fixtures / "kubectl"


@pytest.fixture(scope="module")
def everything(kubectl_dir):
    return load_files([kubectl_dir], cluster="fixtures")


def object_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".json", ".yaml", ".yml"))


def test_every_real_object_file_loads_with_a_kind_and_name_for_every_object(kubectl_dir):
    files = object_files(kubectl_dir)
    assert len(files) >= 8
    for path in files:
        objects = read_objects(path)
        assert objects, path.name
        for obj in objects:
            assert obj["kind"] and obj["metadata"]["name"], path.name


def test_a_folder_loads_into_one_state_of_the_expected_kinds(everything):
    assert everything.cluster == "fixtures"
    assert {kind: everything.count(kind) for kind in everything.kinds()} == {
        "Endpoints": 7,
        "Pod": 26,  # 25 minikube pods (kubelet /pods repeats 24 of them) + 1 OpenShift pod
        "Node": 2,
        "PersistentVolume": 1,
        "StorageClass": 1,
    }


def test_minikube_node_allocatable_reads_as_a_scheduler_would(kubectl_dir):
    (node,) = read_objects(kubectl_dir / "minikube-v1.34-nodes.yaml")
    allocatable = node["status"]["allocatable"]
    assert node["metadata"]["name"] == "datagen-1-34"
    assert cpu_millicores(allocatable["cpu"]) == 10_000
    assert memory_bytes(allocatable["memory"]) == 16356452 * 1024
    assert int(allocatable["pods"]) == 110
    assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.34.0"


def test_bare_openshift_node_is_typed_as_a_node_and_its_allocatable_read(everything):
    node = everything.get("Node", "", OPENSHIFT_NODE)
    assert node["kind"] == "Node" and node["apiVersion"] == "v1"
    allocatable = node["status"]["allocatable"]
    assert cpu_millicores(allocatable["cpu"]) == 3500
    assert memory_bytes(allocatable["memory"]) == 7002280 * 1024
    assert int(allocatable["pods"]) == 250
    assert node["status"]["nodeInfo"]["containerRuntimeVersion"].startswith("cri-o://")


def test_kubelet_pods_without_kind_are_pods_on_their_node(kubectl_dir):
    state = load_files([kubectl_dir / "minikube-v1.34-kubelet-pods.json"])
    assert state.kinds() == ["Pod"]
    assert len(state.pods_on_node("datagen-1-34")) == state.count("Pod") == 24
    pod = state.get("Pod", "kube-system", "kindnet-zqk2n")
    assert pod["apiVersion"] == "v1"
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"


def test_pod_phases_are_read_as_captured(kubectl_dir):
    state = load_files([kubectl_dir / "minikube-v1.34-pods.yaml"])
    phases: dict[str, list[str]] = {}
    for pod in state.list("Pod"):
        phases.setdefault(pod["status"]["phase"], []).append(pod["metadata"]["name"])
    assert {phase: len(names) for phase, names in phases.items()} == {
        "Running": 19,
        "Failed": 4,
        "Succeeded": 1,
        "Pending": 1,
    }
    assert phases["Pending"] == ["e2e-container-pending"]
    assert all(name.startswith("e2e-failjob-") for name in phases["Failed"])


def test_pending_pod_says_why_it_is_unschedulable(everything):
    pod = everything.get("Pod", "scraper", "e2e-container-pending")
    assert "nodeName" not in pod["spec"]
    assert pod["spec"]["nodeSelector"] == {"not-existing": "not-existing"}
    (scheduled,) = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled["status"] == "False"
    assert scheduled["reason"] == "Unschedulable"
    assert scheduled["message"].startswith(
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
    )


def test_bare_openshift_pod_is_typed_and_indexed_under_its_owner(everything):
    pod = everything.get(
        "Pod",
        "openshift-cluster-storage-operator",
        "csi-snapshot-controller-operator-c9886b54b-d5j84",
    )
    assert pod["kind"] == "Pod"
    assert pod in everything.children("bdc5d2d4-b1de-4922-9ba6-d0649e475f87")
    assert everything.by_uid("1d95eaca-66e0-4dbc-9568-61163d01a60c") is pod


def test_persistent_volume_names_its_claim_and_storage_class(everything):
    pv = everything.get("PersistentVolume", "", "task-pv-volume")
    assert pv["status"]["phase"] == "Bound"
    assert "managedFields" not in pv["metadata"]  # dropped at ingest
    assert everything.volume_for_claim("openshift-sdn", "task-pvc-volume") is pv
    assert pv["spec"]["storageClassName"] == "manual"
    # The StorageClass fixture comes from another cluster: the PV's class is not held.
    assert everything.storage_class_for_volume("task-pv-volume") is None


def test_storage_class_without_kind_is_typed_by_its_provisioner(everything):
    sc = everything.get("StorageClass", "", "standard-csi")
    assert sc["apiVersion"] == "storage.k8s.io/v1"
    assert sc["provisioner"] == "pd.csi.storage.gke.io"
    assert sc["volumeBindingMode"] == "WaitForFirstConsumer"
    assert sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"


def test_persistent_volume_finds_a_storage_class_of_the_name_it_gives(everything, kubectl_dir):
    state = load_files([kubectl_dir / "openshift-pv-task-pv-volume.json"])
    state.upsert({"kind": "StorageClass", "metadata": {"name": "manual"}, "provisioner": "x"})
    assert state.storage_class_for_volume("task-pv-volume")["provisioner"] == "x"


def test_endpoints_address_the_pods_that_back_each_service(everything):
    dns = everything.get("Endpoints", "kube-system", "kube-dns")
    (subset,) = dns["subsets"]
    assert {(p["name"], p["port"], p["protocol"]) for p in subset["ports"]} == {
        ("dns", 53, "UDP"),
        ("dns-tcp", 53, "TCP"),
        ("metrics", 9153, "TCP"),
    }
    for address in subset["addresses"]:
        ref = address["targetRef"]
        pod = everything.get("Pod", ref["namespace"], ref["name"])
        assert pod["status"]["podIP"] == address["ip"] == "10.244.0.2"
    statefulset = everything.get("Endpoints", "scraper", "e2e-statefulset")
    ips = sorted(a["ip"] for s in statefulset["subsets"] for a in s["addresses"])
    assert ips == ["10.244.0.12", "10.244.0.14"]
    assert "subsets" not in everything.get("Endpoints", "kube-system", "k8s.io-minikube-hostpath")
    assert everything.get("Endpoints", "default", "kubernetes")["subsets"][0]["addresses"] == [
        {"ip": "192.168.58.2"}
    ]


def test_kubectl_text_transcript_is_refused_with_one_clear_line(kubectl_dir):
    with pytest.raises(LoadError) as caught:
        read_objects(kubectl_dir / TRANSCRIPT)
    message = str(caught.value)
    assert message == (
        f"{TRANSCRIPT}: looks like kubectl get/describe text, not a JSON/YAML object"
    )
    assert "\n" not in message


def test_provenance_notes_are_refused_as_not_objects(kubectl_dir):
    with pytest.raises(LoadError, match="provenance note"):
        read_objects(kubectl_dir / "minikube-v1.34-pods.source.txt")


def test_folder_loading_skips_text_files_it_holds(kubectl_dir):
    # the folder holds .txt transcripts and provenance notes beside the object files
    assert any(p.suffix == ".txt" for p in kubectl_dir.iterdir())
    assert len(load_files([kubectl_dir])) == 37


def test_kubectl_describe_output_is_refused_even_though_it_parses_as_yaml():
    describe = "Name:         web-0\nNamespace:    default\nPriority:     0\n"
    with pytest.raises(LoadError, match="looks like kubectl get/describe text"):
        parse_objects(describe, "describe.txt")


def test_multi_document_yaml_yields_every_object_and_skips_empty_documents():
    text = """
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, creationTimestamp: 2024-01-02T03:04:05Z}
spec: {replicas: 2}
"""
    namespace, deployment = parse_objects(text, "app.yaml")
    assert namespace["kind"] == "Namespace"
    assert deployment["kind"] == "Deployment"
    # timestamps stay the strings the API serves, not Python datetimes
    assert deployment["metadata"]["creationTimestamp"] == "2024-01-02T03:04:05Z"


def test_json_list_and_json_array_are_both_read():
    listed = parse_objects(
        b'{"apiVersion":"v1","kind":"List","items":[{"kind":"ConfigMap","metadata":{"name":"a"}}]}'
    )
    array = parse_objects(b'[{"kind":"ConfigMap","metadata":{"name":"b"}}]')
    assert [o["metadata"]["name"] for o in listed + array] == ["a", "b"]


def test_namespaced_object_without_namespace_lands_in_default():
    state = load_files([])
    for obj in parse_objects("kind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n"):
        state.upsert(obj)
    assert state.get("ConfigMap", "default", "settings")["data"] == {"a": "b"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"metadata":{"name":"x"},"spec":{"containers":[]}}', "Pod"),
        ('{"metadata":{"name":"x"},"status":{"nodeInfo":{}}}', "Node"),
        ('{"metadata":{"name":"x"},"subsets":[]}', "Endpoints"),
        ('{"metadata":{"name":"x"},"addressType":"IPv4","endpoints":[]}', "EndpointSlice"),
        ('{"metadata":{"name":"x"},"type":"Opaque","data":{}}', "Secret"),
        ('{"metadata":{"name":"x"},"spec":{"jobTemplate":{}}}', "CronJob"),
        ('{"metadata":{"name":"x"},"spec":{"template":{},"strategy":{}}}', "Deployment"),
        ('{"metadata":{"name":"x"},"spec":{"template":{},"serviceName":"x"}}', "StatefulSet"),
        ('{"metadata":{"name":"x","namespace":"n"},"rules":[]}', "Role"),
        ('{"metadata":{"name":"x"},"rules":[]}', "ClusterRole"),
        ('{"metadata":{"name":"x"},"roleRef":{}}', "ClusterRoleBinding"),
        ('{"metadata":{"name":"x"},"spec":{"holderIdentity":"n"}}', "Lease"),
        ('{"metadata":{"name":"x"},"spec":{"clusterIP":"10.0.0.1"}}', "Service"),
        (
            '{"metadata":{"name":"x","selfLink":"/apis/apps/v1/namespaces/n/daemonsets/x"}}',
            "DaemonSet",
        ),
        ('{"metadata":{"name":"x","selfLink":"/api/v1/namespaces/x"}}', "Namespace"),
        ('{"apiVersion":"batch/v1","metadata":{"name":"x"},"spec":{"template":{}}}', None),
    ],
)
def test_object_without_kind_is_typed_from_its_shape(text, kind):
    if kind is None:
        with pytest.raises(LoadError, match="cannot tell the kind"):
            parse_objects(text)
    else:
        assert parse_objects(text)[0]["kind"] == kind


def test_bare_data_map_is_refused_rather_than_guessed_a_configmap():
    # It may be a Secret whose values must not be held as a ConfigMap's.
    with pytest.raises(LoadError, match=r"cannot tell the kind of document 1 \('x'\)"):
        parse_objects('{"metadata":{"name":"x"},"data":{"password":"aHVudGVyMg=="}}', "x.json")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"kind": "Pod", ', "x: invalid JSON at line 1 column"),
        (b"kind: Pod\n  metadata: [\n", "x: invalid YAML at line"),
        (b"\xff\xfe\x00", "x: not UTF-8 text"),
        (b"just a sentence\n", "x: document 1 is not a Kubernetes object"),
        (b'{"kind": "Pod", "spec": {}}', "x: document 1 is not a Kubernetes object"),
        (b'{"kind": "Pod", "metadata": {}}', "x: document 1 has no metadata.name"),
    ],
)
def test_unreadable_input_raises_one_line_load_error(data, message):
    with pytest.raises(LoadError) as caught:
        parse_objects(data, "x")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_load_error(tmp_path):
    with pytest.raises(LoadError, match=r"nothing\.json: cannot read"):
        read_objects(tmp_path / "nothing.json")
