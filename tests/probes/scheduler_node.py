"""A control-plane node's files for kube-scheduler as kubeadm lays them out, under a root the
probe is pointed at (EXPLORER_PROBE_ROOT): the static pod's manifest, whose `--config` names a
file inside the container that a hostPath volume maps to another path on the node, the
configuration there, and the scheduler's kubeconfig with a client key."""

from __future__ import annotations

from pathlib import Path

# a KubeSchedulerConfiguration with a marker the tests look for in logs and answers
CONFIG = """\
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: /etc/kubernetes/scheduler.conf
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabled:
      - name: NodeResourcesFit
        weight: 7
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
- schedulerName: marker-profile-3b9d
"""
KEY = "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCm1hcmtlci1rZXktN2Ex"
KUBECONFIG = f"""\
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://10.0.0.10:6443
  name: kubernetes
users:
- name: system:kube-scheduler
  user:
    client-key-data: {KEY}
"""


def manifest(config_flag: str = "--config=/etc/kubernetes/scheduler/config.yaml") -> str:
    flag = f"    - {config_flag}\n" if config_flag else ""
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-scheduler
    tier: control-plane
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-scheduler
    - --authentication-kubeconfig=/etc/kubernetes/scheduler.conf
    - --authorization-kubeconfig=/etc/kubernetes/scheduler.conf
    - --bind-address=127.0.0.1
{flag}    - --kubeconfig=/etc/kubernetes/scheduler.conf
    - --leader-elect=true
    image: registry.k8s.io/kube-scheduler:v1.31.2
    name: kube-scheduler
    volumeMounts:
    - mountPath: /etc/kubernetes/scheduler.conf
      name: kubeconfig
      readOnly: true
    - mountPath: /etc/kubernetes/scheduler
      name: scheduler-config
      readOnly: true
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: /etc/kubernetes/scheduler.conf
      type: FileOrCreate
    name: kubeconfig
  - hostPath:
      path: /srv/kube/scheduler
      type: DirectoryOrCreate
    name: scheduler-config
"""


def lay_out(root: Path, config_flag: str = "--config=/etc/kubernetes/scheduler/config.yaml",
            config: str = CONFIG) -> Path:  # fmt: skip
    """Write the node's files under `root`; the root."""
    (root / "etc/kubernetes/manifests").mkdir(parents=True, exist_ok=True)
    (root / "etc/kubernetes/manifests/kube-scheduler.yaml").write_text(manifest(config_flag))
    (root / "etc/kubernetes/scheduler.conf").write_text(KUBECONFIG)
    (root / "srv/kube/scheduler").mkdir(parents=True, exist_ok=True)
    (root / "srv/kube/scheduler/config.yaml").write_text(config)
    return root
