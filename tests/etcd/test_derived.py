import yaml

from explorer.etcd.derived import derived_key_space, derived_keys
from explorer.lib.resources import for_kind

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {"kind": "Widget", "plural": "widgets"},
    },
}


def test_objects_are_placed_under_the_keys_kube_apiserver_writes():
    found = derived_keys(
        [
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}},
            {"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "a", "name": "s"}},
            {
                "apiVersion": "events.k8s.io/v1",
                "kind": "Event",
                "metadata": {"namespace": "a", "name": "e"},
            },
            CRD,
            {
                "apiVersion": "example.com/v1",
                "kind": "Widget",
                "metadata": {"namespace": "a", "name": "w"},
            },
        ]
    )

    assert [k.key for k in found.keys] == [
        "/registry/minions/node-1",
        "/registry/services/specs/a/s",
        "/registry/events/a/e",
        "/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com",
        "/registry/example.com/widgets/a/w",
    ]
    assert all(k.derived and k.size is None for k in found.keys)
    assert not found.unplaced


def test_tuples_of_explorer_resources_are_placed_too():
    found = derived_keys(
        [(for_kind("Pod"), "default", "web"), (for_kind("Namespace"), "", "default")],
        prefix="/kubernetes.io",
    )

    assert [k.key for k in found.keys] == [
        "/kubernetes.io/pods/default/web",
        "/kubernetes.io/namespaces/default",
    ]


def test_a_kind_no_table_or_crd_names_is_counted_not_guessed():
    found = derived_keys(
        [
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "no-namespace"}},
            {"kind": 3},
        ]
    )

    assert found.keys == []
    assert found.unplaced == {"example.com/v1/Widget": 1, "pods": 1, "?/?": 1}


def test_a_derived_key_space_is_marked_derived(real_fixtures):
    pods = yaml.safe_load((real_fixtures / "kubectl/minikube-v1.34-pods.yaml").read_text())
    nodes = yaml.safe_load((real_fixtures / "kubectl/minikube-v1.34-nodes.yaml").read_text())
    objects = [*pods["items"], *nodes["items"]]
    space = derived_key_space(objects)

    assert space["derived"]
    assert space["keys"] == len(objects)
    assert space["bytes"] is None
    assert "/registry/pods/kube-system" in space["ids"]
    assert "/registry/minions" in space["ids"]
