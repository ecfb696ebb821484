"""flannel, the CNI: a hostNetwork DaemonSet whose init containers install the plugin."""

from __future__ import annotations

from . import images
from .builder import DemoBuilder
from .pods import container, pod_template
from .specs import host_path, mount
from .workloads import daemonset


def flannel(b: DemoBuilder) -> None:
    cni = "/etc/cni/net.d"
    template = pod_template(
        {"app": "flannel", "k8s-app": "flannel", "tier": "node"},
        [
            container(
                "kube-flannel",
                images.FLANNEL,
                command=["/opt/bin/flanneld"],
                args=["--ip-masq", "--kube-subnet-mgr"],
                env=[
                    {
                        "name": "POD_NAME",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}
                        },
                    },
                    {
                        "name": "POD_NAMESPACE",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}
                        },
                    },
                    {"name": "EVENT_QUEUE_DEPTH", "value": "5000"},
                ],
                requests={"cpu": "100m", "memory": "50Mi"},
                security={"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}, "privileged": False},
                mounts=[
                    mount("run", "/run/flannel"),
                    mount("flannel-cfg", "/etc/kube-flannel/"),
                    mount("xtables-lock", "/run/xtables.lock"),
                ],
            )
        ],
        init_containers=[
            container(
                "install-cni-plugin",
                images.FLANNEL_CNI,
                command=["cp"],
                args=["-f", "/flannel", "/opt/cni/bin/flannel"],
                mounts=[mount("cni-plugin", "/opt/cni/bin")],
            ),
            container(
                "install-cni",
                images.FLANNEL,
                command=["cp"],
                args=["-f", "/etc/kube-flannel/cni-conf.json", f"{cni}/10-flannel.conflist"],
                mounts=[mount("cni", cni), mount("flannel-cfg", "/etc/kube-flannel/")],
            ),
        ],
        volumes=[
            host_path("run", "/run/flannel", ""),
            host_path("cni-plugin", "/opt/cni/bin", ""),
            host_path("cni", cni, ""),
            {"configMap": {"defaultMode": 420, "name": "kube-flannel-cfg"}, "name": "flannel-cfg"},
            host_path("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
        ],
        service_account="flannel",
        host_network=True,
        priority_class="system-node-critical",
        tolerations=[{"effect": "NoSchedule", "operator": "Exists"}],
        affinity={
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}
                            ]
                        }
                    ]
                }
            }
        },
    )
    daemonset(
        b,
        "kube-flannel",
        "kube-flannel-ds",
        template,
        created=b.at(minutes=2),
        labels={"app": "flannel", "k8s-app": "flannel", "tier": "node"},
    )


def flannel_net_conf(cluster_cidr: str) -> str:
    return (
        "{\n"
        f'  "Network": "{cluster_cidr}",\n'
        '  "EnableNFTables": false,\n'
        '  "Backend": {\n'
        '    "Type": "vxlan"\n'
        "  }\n"
        "}\n"
    )


FLANNEL_CNI_CONF = """{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
"""
