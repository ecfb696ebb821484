"""The demo control plane's kube-scheduler configuration: the file its static pod's `--config`
names (explorer/demo/controlplane.py), recorded as the control-plane node's `scheduler-config`
fact, as the node agent would read it where the operator turned that way on.

It differs from the defaults a little, as a tuned cluster's does: the default profile weighs
balanced allocation and image locality twice and cpu twice memory when it spreads pods, and a
second profile packs batch pods (MostAllocated).
"""

from __future__ import annotations

PATH = "/etc/kubernetes/scheduler-config.yaml"  # on the control-plane node, and in the pod

TEXT = """\
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: /etc/kubernetes/scheduler.conf
leaderElection:
  leaderElect: true
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabled:
      - name: NodeResourcesBalancedAllocation
        weight: 2
      - name: ImageLocality
        weight: 2
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: LeastAllocated
        resources:
        - name: cpu
          weight: 2
        - name: memory
          weight: 1
- schedulerName: bin-packing-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources:
        - name: cpu
          weight: 1
        - name: memory
          weight: 1
"""


def scheduler_config() -> str:
    return TEXT
