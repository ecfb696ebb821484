from collections import defaultdict

import pytest

from explorer.etcd.key_listing import read_listing
from explorer.etcd.key_space import KEY_ID, SpaceKey, key_space, listing_key_space
from explorer.etcd.keys import parse_key


def _keys(*specs: tuple[str, int | None]) -> list[SpaceKey]:
    return [SpaceKey(key, parse_key(key), size) for key, size in specs]


def _children_sum(space) -> dict[str, int]:
    sums: defaultdict[str, int] = defaultdict(int)
    for parent, value in zip(space["parents"], space["values"], strict=True):
        if parent:
            sums[parent] += value
    return sums


def _node(space, node_id):
    index = space["ids"].index(node_id)
    return {name: space[name][index] for name in ("parents", "labels", "values", "counts")}


def test_the_tree_is_prefix_resource_namespace_key_with_counts():
    space = key_space(
        _keys(
            ("/registry/pods/default/a", None),
            ("/registry/pods/default/b", None),
            ("/registry/pods/kube-system/c", None),
            ("/registry/minions/node-1", None),
        )
    )

    assert _node(space, "/registry")["values"] == 4
    assert _node(space, "/registry/pods") == {
        "parents": "/registry",
        "labels": "pods",
        "values": 3,
        "counts": 3,
    }
    assert _node(space, "/registry/pods/default")["values"] == 2
    assert _node(space, KEY_ID + "/registry/pods/default/a")["parents"] == "/registry/pods/default"
    # cluster scoped: keys straight under the resource, labelled with their segment
    assert _node(space, KEY_ID + "/registry/minions/node-1")["parents"] == "/registry/minions"
    assert _node(space, "/registry/minions")["labels"] == "nodes (minions)"
    assert space["bytes"] is None and space["total_bytes"] is None


def test_every_parents_value_is_the_sum_of_its_childrens_for_branchvalues_total(real_fixtures):
    listing = read_listing(
        (real_fixtures / "etcd/kubeadm-v1.28-single-node-etcdctl-keys-only.txt").read_bytes()
    )
    space = key_space([SpaceKey(key, parse_key(key)) for key in listing.keys], max_leaves=5)

    values = dict(zip(space["ids"], space["values"], strict=True))
    for parent, total in _children_sum(space).items():
        # a record kept as one key (ranges/serviceips) is a leaf itself; every other branch
        # holds exactly its children
        assert values[parent] == total, parent
    assert len(set(space["ids"])) == len(space["ids"])
    assert space["keys"] == 298


def test_a_namespace_shows_at_most_n_keys_and_groups_the_rest():
    keys = _keys(*((f"/registry/events/default/e{i:04}", 10) for i in range(1234 + 3)))
    space = key_space(keys, max_leaves=3)

    more = _node(space, "/registry/events/default …more")
    assert more["labels"] == "… and 1,234 more"
    assert more["values"] == 1234
    assert sum(1 for p in space["parents"] if p == "/registry/events/default") == 4


def test_sized_by_bytes_the_largest_keys_are_shown_first():
    space = key_space(
        _keys(
            ("/registry/configmaps/default/small", 10),
            ("/registry/configmaps/default/big", 5000),
            ("/registry/leases/kube-node-lease/n1", 300),
        ),
        max_leaves=1,
        size_by="bytes",
    )

    assert _node(space, KEY_ID + "/registry/configmaps/default/big")["values"] == 5000
    assert _node(space, "/registry/configmaps/default …more")["values"] == 10
    assert space["total_bytes"] == 5310
    assert space["values"][0] == 5310


def test_bytes_cannot_size_the_tree_when_a_size_is_unknown():
    with pytest.raises(ValueError, match="sizes were not read"):
        key_space(_keys(("/registry/pods/a/b", None)), size_by="bytes")


def test_what_dominates_is_named_with_its_share():
    keys = _keys(
        *((f"/registry/events/default/e{i}", None) for i in range(6)),
        *((f"/registry/leases/kube-node-lease/n{i}", None) for i in range(3)),
        ("/registry/pods/default/web", None),
    )
    space = key_space(keys)

    assert [(d["resource"], d["keys"]) for d in space["dominant"]] == [
        ("events", 6),
        ("leases", 3),
        ("pods", 1),
    ]
    assert space["dominant"][0]["share"] == pytest.approx(0.6)
    assert (
        space["headline"]
        == "events 60 %, leases.coordination.k8s.io 30 %, pods 10 % of the 10 keys"
    )


def test_unknown_keys_have_a_branch_of_their_own():
    space = key_space(_keys(("/registry/pods/default", None), ("/registry/pods/default/a", None)))

    assert _node(space, "/registry/pods ?")["labels"] == "(unknown form)"
    assert _node(space, KEY_ID + "/registry/pods/default")["parents"] == "/registry/pods ?"
    assert _node(space, "/registry/pods/default")["values"] == 1


def test_an_empty_key_space_is_one_root_and_says_so():
    space = key_space([])

    assert space["ids"] == ["/registry"] and space["values"] == [0]
    assert space["headline"] == "no keys" and not space["derived"]


def _rows(space) -> set[tuple]:
    return set(zip(space["ids"], space["parents"], space["labels"], space["values"], strict=True))


def test_a_listings_tree_built_per_parent_path_equals_the_tree_of_every_key(real_fixtures):
    listing = read_listing(
        (real_fixtures / "etcd/kubeadm-v1.28-single-node-etcdctl-keys-only.txt").read_bytes()
    )
    tricky = [
        "/registry/pods/default/",
        "/registry/pods//c",
        "/registry/ranges/serviceips/x",
        "/registry/example.com/widgets/ns/w",
        "/registry/frobnicators/x",
        "/registry/loose",
        "/other/pods/default/a",
    ]
    keys = [*listing.keys, *tricky]
    under = [key for key in keys if key.startswith("/registry/")]

    for max_leaves in (0, 3, 1000):
        fast = listing_key_space(keys, max_leaves=max_leaves)
        each = key_space([SpaceKey(k, parse_key(k)) for k in under], max_leaves=max_leaves)
        assert _rows(fast) == _rows(each)
        assert (fast["keys"], fast["dominant"], fast["headline"]) == (
            each["keys"],
            each["dominant"],
            each["headline"],
        )
    assert fast["keys"] == 298 + 6
