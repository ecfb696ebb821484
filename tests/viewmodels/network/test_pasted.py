"""Recognising pasted text by its shape, and refusing what is not of the kind asked for."""

from __future__ import annotations

import pytest

from explorer.viewmodels.network.pasted import NotThatKind, analyse, detect_kind

FIXTURES = {
    "iptables/kind-v1.23.5-traefik-iptables-save.txt": "iptables",
    "iptables/aks-lb-cluster-policy-KUBE-EXT-fragment.txt": "iptables",
    "iptables/k3s-nftables-kube-proxy-nft-list-table.txt": "nft",
    "coredns/aks-coredns-configmap.yaml": "corefile",
    "coredns/docker-desktop-kubeadm-coredns-configmap-edit.yaml": "corefile",
    "coredns/aks-pod-resolv.conf": "resolv",
}


@pytest.mark.parametrize(("path", "kind"), FIXTURES.items())
def test_every_real_capture_is_recognised_as_its_kind(real_fixtures, path, kind):
    text = (real_fixtures / path).read_text()
    assert detect_kind(text) == kind
    assert analyse(text, "auto")["kind"] == kind


def test_other_shapes_are_recognised():
    assert detect_kind('{"nftables": [{"metainfo": {}}]}') == "nft"
    assert detect_kind(".:53 {\n    forward . 8.8.8.8\n}\n") == "corefile"
    assert detect_kind("IP Virtual Server version 1.2.1 (size=4096)\n") == "ipvs"
    assert detect_kind("just some words\n") is None


def test_text_of_another_kind_is_refused_with_the_kind_named():
    with pytest.raises(NotThatKind, match=r"This is not a resolv\.conf"):
        analyse("*nat\n-A X -j Y\nCOMMIT\n", "resolv")
    with pytest.raises(NotThatKind, match="does not look like any of"):
        analyse("lorem ipsum\n", "auto")
