"""The inputs the fuzzers start from, by family: the real captures in shared/fixtures/real (cut
to a size a fuzzer can read thousands of times), what tests/fuzz/seeds/ adds (an `nft -j` listing
of the real k3s table, an `iptables -L` listing of the kind dump, systemd-cgtop and an `ls`
transcript over a scratch kubepods tree) and a few made here from them (a bundle, a recorded
cgroup tree)."""

from __future__ import annotations

import functools
from pathlib import Path

import orjson
import yaml

from tests.collectors.iptables.test_ipvs import SAMPLE as IPVSADM
from tests.conftest import REAL_FIXTURES

REAL = REAL_FIXTURES.resolve()
MADE_HERE = Path(__file__).resolve().parent / "seeds"
MAX_LINES = 300  # a seed longer than this keeps lines spread over the whole text
MAX_ITEMS = 2  # items kept of a List


def _excerpt(text: str) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) <= MAX_LINES:
        return text
    step = len(lines) // MAX_LINES + 1
    return "".join(lines[::step])


def _real(*names: str) -> list[str]:
    return [_excerpt((REAL / name).read_text()) for name in names]


def _trimmed(document: object) -> object:
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        return {**document, "items": document["items"][:MAX_ITEMS]}
    return document


def _objects() -> list[str]:
    texts = []
    for path in sorted((REAL / "kubectl").glob("*.json")):
        texts.append(orjson.dumps(_trimmed(orjson.loads(path.read_bytes()))).decode())
    for path in sorted((REAL / "kubectl").glob("*.yaml")):
        texts.append(yaml.safe_dump(_trimmed(yaml.safe_load(path.read_text()))))
    return texts


def _coredns() -> list[str]:
    texts = _real(
        "coredns/aks-coredns-configmap.yaml",
        "coredns/docker-desktop-kubeadm-coredns-configmap-edit.yaml",
    )
    documents = [yaml.safe_load(text) for text in texts]
    corefiles = [
        value
        for document in documents
        for value in (document.get("data") or {}).values()
        if isinstance(value, str)
    ]
    return [*texts, *corefiles, *(orjson.dumps(document).decode() for document in documents)]


def recorded_cgroup_tree() -> dict:
    """The demo's recorded tree for the minikube node and its pods."""
    from explorer.demo.facts.cgroups import cgroup_tree

    nodes = yaml.safe_load((REAL / "kubectl/minikube-v1.34-nodes.yaml").read_text())
    pods = yaml.safe_load((REAL / "kubectl/minikube-v1.34-pods.yaml").read_text())
    return cgroup_tree(nodes["items"][0], pods["items"][:4])


def _cgroups() -> list[str]:
    return [
        *_real(
            "cgroups/ubuntu22-containerd-cgroupv2-systemd-cgls-full.txt",
            "cgroups/ubuntu22-cgroupv2-kubepods-slice-files.txt",
            "cgroups/gke-cgroupfs-v1-proc-self-cgroup.txt",
            "metrics/aks-ubuntu22-cgroupv2-systemd-cadvisor-snippet.prom",
            "metrics/minikube-v1.34-containerd-cgroupfs-kubelet-metrics-cadvisor.prom",
        ),
        orjson.dumps(recorded_cgroup_tree()).decode(),
        (MADE_HERE / "scratch-kubepods-systemd-cgtop-terminal.txt").read_text(),
        (MADE_HERE / "scratch-kubepods-ls-cd-transcript.txt").read_text(),
    ]


def bundle_body() -> str:
    """An uncompressed bundle: the kubectl objects and one node's facts."""
    from explorer.snapshots.bundle import FORMAT, VERSION
    from explorer.snapshots.object_files import parse_objects
    from explorer.state.cluster_state import ClusterState
    from explorer.state.state_dump import dump_state

    state = ClusterState("fuzz")
    for text in _objects():
        for obj in parse_objects(text):
            state.upsert(obj, obj["kind"])
    facts = {
        "iptables-save": seeds("iptables")[0],
        "nft": seeds("nft")[0],
        "cgroups": recorded_cgroup_tree(),
    }
    state.set_node_facts("minikube", facts)
    body = {"format": FORMAT, "version": VERSION, "created": "2026-12-06T00:00:00Z"}
    return orjson.dumps({**body, **dump_state(state)}).decode()


def _etcd_listings() -> list[str]:
    """The real kubeadm key listing, and the same keys as `etcdctl -w json` writes them (with
    and without values)."""
    import base64

    text = _real("etcd/kubeadm-v1.28-single-node-etcdctl-keys-only.txt")[0]
    keys = [line for line in text.splitlines() if line.startswith("/registry/")][:40]
    header = {"cluster_id": 1, "member_id": 2, "revision": 300, "raft_term": 2}

    def listing(with_values: bool) -> str:
        kvs = [
            {
                "key": base64.b64encode(key.encode()).decode(),
                "create_revision": 2 + n,
                "mod_revision": 2 + n,
                "version": 1,
                **(
                    {"value": base64.b64encode(b"k8s\x00" + bytes(n)).decode()}
                    if with_values
                    else {}
                ),
            }
            for n, key in enumerate(keys)
        ]
        return orjson.dumps({"header": header, "kvs": kvs, "count": len(kvs)}).decode()

    return [text, listing(False), listing(True)]


def _minikube_items(name: str) -> list:
    return yaml.safe_load((REAL / "kubectl" / name).read_text())["items"]


def _scheduling_dump() -> str:
    """The minikube nodes and its Pending pod (and one running beside it) as a kubectl
    cluster-info dump: JSON Lists one after another, a container's log between them."""
    pods = _minikube_items("minikube-v1.34-pods.yaml")
    pending = [p for p in pods if p["status"]["phase"] == "Pending"]
    running = [p for p in pods if p["status"]["phase"] == "Running"][:1]
    nodes = _minikube_items("minikube-v1.34-nodes.yaml")
    return "\n".join(
        [
            orjson.dumps({"kind": "NodeList", "items": nodes}, option=orjson.OPT_INDENT_2).decode(),
            "==== START logs for container alpine of pod scraper/x ====",
            '{"msg": "a log line"}',
            "==== END logs for container alpine of pod scraper/x ====",
            orjson.dumps(
                {"kind": "PodList", "items": pending + running}, option=orjson.OPT_INDENT_2
            ).decode(),
        ]
    )


def _event_list() -> str:
    """An EventList in JSON with the minikube pod's FailedScheduling event."""
    pods = _minikube_items("minikube-v1.34-pods.yaml")
    (pending,) = [p for p in pods if p["status"]["phase"] == "Pending"]
    (said,) = [c for c in pending["status"]["conditions"] if c["type"] == "PodScheduled"]
    meta = pending["metadata"]
    event = {
        "kind": "Event",
        "metadata": {"name": f"{meta['name']}.1", "namespace": meta["namespace"]},
        "involvedObject": {"kind": "Pod", "namespace": meta["namespace"], "name": meta["name"]},
        "reason": "FailedScheduling",
        "message": said["message"],
        "count": 3,
        "type": "Warning",
    }
    return orjson.dumps(
        {"kind": "EventList", "items": [event]}, option=orjson.OPT_INDENT_2
    ).decode()


@functools.cache
def seeds(family: str) -> tuple[str, ...]:
    """The seeds of one family (FAMILIES)."""
    if family == "iptables":
        dumps = sorted((REAL / "iptables").glob("*.txt"))
        return (
            *_real(*(f"iptables/{p.name}" for p in dumps if p.name.startswith(("aks", "kind")))),
            (MADE_HERE / "kind-v1.23.5-iptables-L-n-v-line-numbers.txt").read_text(),
        )
    if family == "nft":
        return (
            *_real("iptables/k3s-nftables-kube-proxy-nft-list-table.txt"),
            (MADE_HERE / "k3s-nftables-kube-proxy-nft-j-list-ruleset.json").read_text(),
        )
    if family == "ipvs":
        return (IPVSADM,)
    if family == "corefile":
        return tuple(_coredns())
    if family == "resolv":
        from explorer.demo.facts.dns import node_resolv_conf

        return (*_real("coredns/aks-pod-resolv.conf"), node_resolv_conf())
    if family == "cgroups":
        return tuple(_cgroups())
    if family == "objects":
        describe = "kubectl/aks-byo-cni-notready-failedscheduling-untolerated-taint.txt"
        return (*_objects(), *_real(describe))
    if family == "kube-proxy-config":
        return ((MADE_HERE / "kubeadm-kube-proxy-config.conf").read_text(),)
    if family == "bundle":
        return (bundle_body(),)
    if family == "etcd":
        return tuple(_etcd_listings())
    if family == "events":
        return (
            *_real(
                "kubectl/aks-byo-cni-notready-failedscheduling-untolerated-taint.txt",
                "storage/aks-azuredisk-volumeattachment-pv-pvc-sc-describe.txt",
            ),
            _event_list(),
            _scheduling_dump() + "\n" + _event_list(),
        )
    if family == "scheduling":
        return (_scheduling_dump(),)
    raise KeyError(family)


FAMILIES = (
    "iptables",
    "nft",
    "ipvs",
    "corefile",
    "resolv",
    "cgroups",
    "kube-proxy-config",
    "objects",
    "bundle",
    "etcd",
    "events",
    "scheduling",
)
