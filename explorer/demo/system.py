"""kube-system add-ons: CoreDNS behind kube-dns, the kube-proxy DaemonSet (iptables mode) and
the NVIDIA device plugin."""

from __future__ import annotations

from . import images
from .builder import CLUSTER_DOMAIN, DNS_SERVICE_IP, DemoBuilder
from .network import service, service_port
from .pods import container, http_probe, pod_template
from .specs import LINUX, host_path, mount
from .workloads import daemonset, deployment


def coredns(b: DemoBuilder) -> None:
    created = b.at(seconds=35)
    template = pod_template(
        {"k8s-app": "kube-dns"},
        [
            container(
                "coredns",
                images.COREDNS,
                args=["-conf", "/etc/coredns/Corefile"],
                ports=[("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")],
                requests={"cpu": "100m", "memory": "70Mi"},
                limits={"memory": "170Mi"},
                liveness={
                    **http_probe("/health", 8080, delay=60),
                    "failureThreshold": 5,
                    "timeoutSeconds": 5,
                },
                readiness=http_probe("/ready", 8181),
                security={
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                    "readOnlyRootFilesystem": True,
                },
                mounts=[mount("config-volume", "/etc/coredns", read_only=True)],
            )
        ],
        volumes=[
            {
                "configMap": {
                    "defaultMode": 420,
                    "items": [{"key": "Corefile", "path": "Corefile"}],
                    "name": "coredns",
                },
                "name": "config-volume",
            }
        ],
        service_account="coredns",
        dns_policy="Default",
        node_selector=LINUX,
        priority_class="system-cluster-critical",
        tolerations=[
            {"key": "CriticalAddonsOnly", "operator": "Exists"},
            {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"},
        ],
        affinity={
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "podAffinityTerm": {
                            "labelSelector": {
                                "matchExpressions": [
                                    {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}
                                ]
                            },
                            "topologyKey": "kubernetes.io/hostname",
                        },
                        "weight": 100,
                    }
                ]
            }
        },
    )
    deployment(
        b,
        "kube-system",
        "coredns",
        template,
        2,
        created=created,
        nodes=[b.control_plane],
        labels={"k8s-app": "kube-dns"},
    )
    b.add(
        service(
            b.ids,
            "kube-system",
            "kube-dns",
            [
                service_port("dns", 53, 53, "UDP"),
                service_port("dns-tcp", 53, 53, "TCP"),
                service_port("metrics", 9153, 9153, "TCP"),
            ],
            {"k8s-app": "kube-dns"},
            created=created,
            cluster_ip=DNS_SERVICE_IP,
            labels={
                "k8s-app": "kube-dns",
                "kubernetes.io/cluster-service": "true",
                "kubernetes.io/name": "CoreDNS",
            },
            annotations={"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
        )
    )


COREFILE = f""".:53 {{
    errors
    health {{
       lameduck 5s
    }}
    ready
    kubernetes {CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {{
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }}
    prometheus :9153
    forward . /etc/resolv.conf {{
       max_concurrent 1000
    }}
    cache 30 {{
       disable success {CLUSTER_DOMAIN}
       disable denial {CLUSTER_DOMAIN}
    }}
    loop
    reload
    loadbalance
}}
"""


def kube_proxy(b: DemoBuilder) -> None:
    template = pod_template(
        {"k8s-app": "kube-proxy"},
        [
            container(
                "kube-proxy",
                images.KUBE_PROXY,
                command=[
                    "/usr/local/bin/kube-proxy",
                    "--config=/var/lib/kube-proxy/config.conf",
                    "--hostname-override=$(NODE_NAME)",
                ],
                env=[
                    {
                        "name": "NODE_NAME",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}
                        },
                    }
                ],
                security={"privileged": True},
                mounts=[
                    mount("kube-proxy", "/var/lib/kube-proxy"),
                    mount("xtables-lock", "/run/xtables.lock"),
                    mount("lib-modules", "/lib/modules", read_only=True),
                ],
            )
        ],
        volumes=[
            {"configMap": {"defaultMode": 420, "name": "kube-proxy"}, "name": "kube-proxy"},
            host_path("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
            host_path("lib-modules", "/lib/modules", ""),
        ],
        service_account="kube-proxy",
        host_network=True,
        node_selector=LINUX,
        priority_class="system-node-critical",
        tolerations=[{"operator": "Exists"}],
    )
    daemonset(b, "kube-system", "kube-proxy", template, created=b.at(seconds=36))


def kube_proxy_config(cluster_cidr: str) -> str:
    return f"""apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: {cluster_cidr}
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: iptables
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
"""


def nvidia_device_plugin(b: DemoBuilder) -> None:
    template = pod_template(
        {"name": "nvidia-device-plugin-ds"},
        [
            container(
                "nvidia-device-plugin-ctr",
                images.NVIDIA_PLUGIN,
                env=[{"name": "FAIL_ON_INIT_ERROR", "value": "false"}],
                security={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                mounts=[mount("device-plugin", "/var/lib/kubelet/device-plugins")],
            )
        ],
        volumes=[host_path("device-plugin", "/var/lib/kubelet/device-plugins", "")],
        node_selector={"nvidia.com/gpu.present": "true"},
        priority_class="system-node-critical",
        tolerations=[{"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}],
    )
    daemonset(
        b,
        "kube-system",
        "nvidia-device-plugin-daemonset",
        template,
        created=b.at(hours=1, minutes=5),
    )
