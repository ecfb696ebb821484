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
    ids = b.ids
    b.add(
        new_object(
            "ConfigMap",
            "coredns",
            ids.uid(),
            b.at(seconds=34),
            namespace="kube-system",
            data={"Corefile": COREFILE},
        ),
        new_object(
            "ConfigMap",
            "kube-proxy",
            ids.uid(),
            b.at(seconds=34),
            namespace="kube-system",
            labels={"app": "kube-proxy"},
            data={
                "config.conf": kube_proxy_config(b.cluster_cidr),
                "kubeconfig.conf": kubeconfig(server),
            },
        ),
        new_object(
            "ConfigMap",
            "kubeadm-config",
            ids.uid(),
            b.at(seconds=30),
            namespace="kube-system",
            data={"ClusterConfiguration": kubeadm},
        ),
        new_object(
            "ConfigMap",
            "cluster-info",
            ids.uid(),
            b.at(seconds=31),
            namespace="kube-public",
            data={"kubeconfig": kubeconfig(server)},
        ),
        new_object(
            "ConfigMap",
            "kube-flannel-cfg",
            ids.uid(),
            b.at(minutes=2),
            namespace="kube-flannel",
            labels={"app": "flannel", "k8s-app": "flannel", "tier": "node"},
            data={
                "cni-conf.json": FLANNEL_CNI_CONF,
                "net-conf.json": flannel_net_conf(b.cluster_cidr),
            },
        ),
        new_object(
            "ConfigMap",
            "web-config",
            ids.uid(),
            b.at(days=3),
            namespace="shop",
            data={"default.conf": WEB_CONF},
        ),
    )
