"""An object as YAML with managedFields and kubectl's last-applied copy folded away."""

from __future__ import annotations

from explorer.lib.redact import LAST_APPLIED
from explorer.viewmodels.objects.yaml_text import MANAGED_FIELDS, as_yaml


def test_yaml_reads_in_kubectl_s_order_with_folds_said_and_the_object_left_as_it_was() -> None:
    obj = {
        "spec": {"replicas": 1},
        "metadata": {
            "name": "web",
            "managedFields": [{"manager": "kubectl"}, {"manager": "kube-controller-manager"}],
            "annotations": {LAST_APPLIED: '{"kind":"Deployment"}', "team": "shop"},
        },
        "kind": "Deployment",
        "apiVersion": "apps/v1",
    }
    before = repr(obj)
    shown = as_yaml(obj)
    assert shown["text"].splitlines()[:3] == [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
    ]
    assert "managedFields" not in shown["text"] and LAST_APPLIED not in shown["text"]
    assert "team: shop" in shown["text"]
    managed, applied = shown["folded"]
    assert managed["what"] == MANAGED_FIELDS and managed["why"].startswith("2 entries")
    assert "manager: kube-controller-manager" in managed["text"]
    assert applied["text"] == "kind: Deployment\n"
    assert repr(obj) == before
