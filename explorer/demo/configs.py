"""ConfigMaps the components read: CoreDNS's Corefile (kubeadm's), kube-proxy's configuration
(mode iptables), flannel's network, kubeadm's cluster configuration and the web server's."""

from __future__ import annotations

from .builder import DemoBuilder
from .cni import FLANNEL_CNI_CONF, flannel_net_conf
from .meta import new_object
from .nodes import KUBERNETES_VERSION
from .system import COREFILE, kube_proxy_config

WEB_CONF = """server {
    listen 8080;
    location /healthz { return 200 'ok'; }
    location / { root /usr/share/nginx/html; try_files $uri /index.html; }
    location /api/ { proxy_pass http://api.shop.svc.cluster.local:8080/; }
}
"""


def kubeconfig(server: str) -> str:
    return f"""apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: {server}
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
"""


def config_maps(b: DemoBuilder) -> None:
    server = f"https://{b.control_plane.ip}:6443"
    kubeadm = (
        "apiServer: {}\napiVersion: kubeadm.k8s.io/v1beta4\ncaCertificateValidityPeriod: "
        "87600h0m0s\ncertificateValidityPeriod: 8760h0m0s\ncertificatesDir: /etc/kubernetes/pki\n"
        "clusterName: kubernetes\ncontrollerManager: {}\ndns: {}\n"
        "encryptionAlgorithm: RSA-2048\n"
        "etcd:\n  local:\n    dataDir: /var/lib/etcd\nimageRepository: registry.k8s.io\n"
        f"kind: ClusterConfiguration\nkubernetesVersion: {KUBERNETES_VERSION}\nnetworking:\n"
        f"  dnsDomain: cluster.local\n  podSubnet: {b.cluster_cidr}\n"
        "  serviceSubnet: 10.96.0.0/12\nproxy: {}\nscheduler: {}\n"
    )
    # name, namespace, age, labels, data
    tables: tuple[tuple[str, str, dict[str, int], dict[str, str], dict[str, str]], ...] = (
        ("coredns", "kube-system", {"seconds": 34}, {}, {"Corefile": COREFILE}),
        (
            "kube-proxy",
            "kube-system",
            {"seconds": 34},
            {"app": "kube-proxy"},
            {
                "config.conf": kube_proxy_config(b.cluster_cidr),
                "kubeconfig.conf": kubeconfig(server),
            },
        ),
        ("kubeadm-config", "kube-system", {"seconds": 30}, {}, {"ClusterConfiguration": kubeadm}),
        ("cluster-info", "kube-public", {"seconds": 31}, {}, {"kubeconfig": kubeconfig(server)}),
        (
            "kube-flannel-cfg",
            "kube-flannel",
            {"minutes": 2},
            {"app": "flannel", "k8s-app": "flannel", "tier": "node"},
            {
                "cni-conf.json": FLANNEL_CNI_CONF,
                "net-conf.json": flannel_net_conf(b.cluster_cidr),
            },
        ),
        ("web-config", "shop", {"days": 3}, {}, {"default.conf": WEB_CONF}),
    )
    for name, namespace, age, labels, data in tables:
        b.add(
            new_object(
                "ConfigMap",
                name,
                b.ids.uid(),
                b.at(**age),
                namespace=namespace,
                labels=labels or None,
                data=data,
            )
        )
