"""The key space's treemap model and what dominates it, from keys as etcd lists them."""

from __future__ import annotations

from explorer.etcd.key_space import SpaceKey
from explorer.etcd.keys import parse_key
from explorer.viewmodels.etcd.space import space_model

HOSTILE = "</script><script>alert(1)</script>"


def _keys(*items: tuple[str, int | None]) -> list[SpaceKey]:
    return [SpaceKey(key, parse_key(key), size) for key, size in items]


def _space():
    events = [(f"/registry/events/shop/e{i}", 100) for i in range(6)]
    pods = [("/registry/pods/shop/web-1", 2000), ("/registry/pods/shop/web-2", 1000)]
    return space_model(
        _keys(*events, *pods, ("/registry/leases/kube-node-lease/n1", 200)), "/registry"
    )


def test_what_dominates_is_said_by_count_and_by_bytes_each_in_its_own_order():
    space = _space()

    assert (
        space["headline"]
        == "Events are 67 % of the 9 keys, then pods (22 %) and leases.coordination.k8s.io (11 %)."
    )
    assert space["headline_bytes"] == (
        "Pods are 79 % of the bytes stored, then events (16 %) and "
        "leases.coordination.k8s.io (5 %)."
    )
    assert space["keys"] == 9 and space["total_bytes"] == 3800


def test_every_sector_carries_its_count_and_bytes_and_a_key_leads_to_its_page():
    sectors = _space()["sectors"]

    assert sectors["/registry"]["value"] == 9 and sectors["/registry"]["size"] == 3800
    assert sectors["/registry/pods"]["value"] == 2 and sectors["/registry/pods"]["size"] == 3000
    leaf = sectors["key:/registry/pods/shop/web-1"]
    assert leaf["link"] == {"page": "etcd-key", "key": "/registry/pods/shop/web-1"}
    assert leaf["value"] == 1 and leaf["size"] == 2000 and leaf["kind"] == "key"
    assert leaf["parent"] == "/registry/pods/shop"
    assert (
        sectors["/registry/pods/shop"]["colour"]
        == sectors["/registry/pods"]["colour"]
        == leaf["colour"]
    )


def test_keys_without_sizes_offer_no_bytes_view():
    space = space_model(_keys(("/registry/pods/a/b", None)), "/registry")

    assert space["total_bytes"] is None and space["headline_bytes"] == ""
    assert all("size" not in sector for sector in space["sectors"].values())


def test_a_hostile_name_is_escaped_for_plotly_and_plain_for_the_dom():
    key = f"/registry/configmaps/default/{HOSTILE}"
    sectors = space_model(_keys((key, 10)), "/registry")["sectors"]
    found = [s for s in sectors.values() if s.get("link", {}).get("key") == key]

    assert found, "the hostile key is a sector"
    sector = found[0]
    assert "<script>" not in sector["label"] and "<script>" not in sector["hover"]
    assert "&lt;script&gt;" in sector["hover"]
    assert sector["facts"][0] == key


def test_no_keys_says_so():
    space = space_model([], "/registry")

    assert space["headline"] == "There are no keys under the prefix." and space["keys"] == 0
