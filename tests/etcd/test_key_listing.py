import base64
import io
import json

import pytest

from explorer.etcd.key_listing import (
    Listing,
    ListingFormat,
    ListingTooLarge,
    NotAKeyListing,
    read_limited,
    read_listing,
    render_listing,
    summarise,
)

KUBEADM = "etcd/kubeadm-v1.28-single-node-etcdctl-keys-only.txt"

# counted by hand: grep '^/registry/' FILE | awk -F/ '{print $3 ...}' | sort | uniq -c
KUBEADM_COUNTS = {
    ("rbac.authorization.k8s.io", "clusterroles"): 64,
    ("rbac.authorization.k8s.io", "clusterrolebindings"): 49,
    ("", "events"): 39,
    ("", "serviceaccounts"): 38,
    ("apiregistration.k8s.io", "apiservices"): 21,
    ("flowcontrol.apiserver.k8s.io", "flowschemas"): 13,
    ("rbac.authorization.k8s.io", "roles"): 11,
    ("rbac.authorization.k8s.io", "rolebindings"): 11,
    ("", "configmaps"): 11,
    ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations"): 8,
    ("", "pods"): 7,
    ("", "namespaces"): 4,
    ("coordination.k8s.io", "leases"): 4,
    ("", "services"): 2,
    ("", "endpoints"): 2,
    ("scheduling.k8s.io", "priorityclasses"): 2,
    ("discovery.k8s.io", "endpointslices"): 2,
    ("", "secrets"): 1,
    ("apps", "replicasets"): 1,
    ("", "ranges/servicenodeports"): 1,
    ("", "ranges/serviceips"): 1,
    ("", "nodes"): 1,
    ("", "masterleases"): 1,
    ("apps", "deployments"): 1,
    ("apps", "daemonsets"): 1,
    ("storage.k8s.io", "csinodes"): 1,
    ("apps", "controllerrevisions"): 1,
}


@pytest.fixture(scope="module")
def kubeadm(real_fixtures):
    return summarise(read_listing((real_fixtures / KUBEADM).read_bytes()))


def test_a_real_kubeadm_listing_counts_every_resource_as_counted_by_hand(kubeadm):
    counts = {(r["group"], r["resource"]): r["count"] for r in kubeadm["resources"]}

    assert counts == KUBEADM_COUNTS
    assert kubeadm["keys"] == sum(KUBEADM_COUNTS.values()) == 298
    assert kubeadm["unknown"] == [] and kubeadm["outside_prefix"] == []


def test_a_real_listing_skips_the_prompt_and_notes_pasted_around_it(kubeadm):
    # the NOTE, the kube-apiserver flags (5 lines), and two shell prompt lines
    assert kubeadm["ignored_lines"] == 8
    assert kubeadm["prefix"] == "/registry"
    assert kubeadm["format"] == "lines"


def test_a_real_listing_counts_keys_per_namespace(kubeadm):
    assert kubeadm["namespaces"] == [
        {"namespace": "kube-system", "count": 109},
        {"namespace": "default", "count": 13},
        {"namespace": "kube-public", "count": 7},
        {"namespace": "kube-node-lease", "count": 3},
    ]
    events = next(r for r in kubeadm["resources"] if r["resource"] == "events")
    assert events["namespaces"] == 2


def test_resources_are_sorted_by_count_then_name(kubeadm):
    counts = [r["count"] for r in kubeadm["resources"]]

    assert counts == sorted(counts, reverse=True)
    assert kubeadm["resources"][0]["resource"] == "clusterroles"


def test_the_readable_form_is_a_table_by_count_with_namespaces(kubeadm):
    text = render_listing(kubeadm)

    assert text.startswith("298 etcd keys under /registry (lines); 8 lines that are not keys")
    lines = text.splitlines()
    assert lines[3].split() == [
        "clusterroles",
        "rbac.authorization.k8s.io",
        "64",
        "-",
        "clusterroles",
    ]
    assert any(line.split() == ["nodes", "(core)", "1", "-", "minions"] for line in lines)
    assert any(line.split() == ["kube-system", "109"] for line in lines)


def test_one_key_per_line_reads_like_etcdctls_blank_line_form():
    keys = ["/registry/pods/default/a", "/registry/pods/default/b", "/registry/minions/n1"]
    plain = summarise(read_listing("\n".join(keys).encode()))
    spaced = summarise(read_listing(("\n\n".join(keys) + "\n").encode()))
    crlf = summarise(read_listing("\r\n".join(keys).encode()))

    assert plain == spaced == crlf
    assert [(r["resource"], r["count"]) for r in plain["resources"]] == [("pods", 2), ("nodes", 1)]


def _json_listing(keys: list[str], values: list[bytes] | None = None) -> bytes:
    kvs = []
    for index, key in enumerate(keys):
        kv = {"key": base64.b64encode(key.encode()).decode(), "mod_revision": 10 + index}
        if values is not None:
            kv["value"] = base64.b64encode(values[index]).decode()
        kvs.append(kv)
    header = {"cluster_id": 1, "member_id": 2, "revision": 42, "raft_term": 2}
    return json.dumps({"header": header, "kvs": kvs, "count": len(kvs)}).encode()


def test_json_output_reads_its_base64_keys_and_the_revision():
    listing = read_listing(_json_listing(["/registry/pods/a/b", "/registry/leases/a/c"]))

    assert listing.format is ListingFormat.JSON
    assert listing.keys == ["/registry/pods/a/b", "/registry/leases/a/c"]
    assert listing.sizes is None
    assert summarise(listing)["revision"] == 42


def test_json_output_with_values_gives_their_sizes_without_decoding_them():
    values = [b"k8s\x00" + b"x" * 100, b"k8s:enc:aescbc:v1:key1:" + b"y" * 7]
    listing = read_listing(
        _json_listing(["/registry/pods/a/b", "/registry/secrets/a/token"], values)
    )
    summary = summarise(listing)

    assert listing.sizes == [104, 30]
    assert summary["bytes"] == 134
    assert {r["resource"]: r["bytes"] for r in summary["resources"]} == {
        "pods": 104,
        "secrets": 30,
    }


def test_another_prefix_is_found_from_the_keys():
    listing = read_listing(b"/kubernetes.io/pods/a/b\n/kubernetes.io/minions/n\n/other/x\n")
    summary = summarise(listing)

    assert summary["prefix"] == "/kubernetes.io"
    assert summary["outside_prefix"] == ["/other/x"]
    assert {r["resource"] for r in summary["resources"]} == {"pods", "nodes"}


def test_keys_of_no_known_resource_are_listed():
    summary = summarise(
        read_listing(b"/registry/pods/a/b\n/registry/frobnicators/x\n/registry/pods/only-ns\n")
    )

    assert summary["unknown"] == ["/registry/frobnicators/x", "/registry/pods/only-ns"]
    assert summary["unknown_count"] == 2
    assert "keys that match no known resource (2):" in render_listing(summary)


def test_text_without_any_key_is_not_a_listing():
    with pytest.raises(NotAKeyListing):
        read_listing(b"hello\nworld\n")
    with pytest.raises(NotAKeyListing):
        read_listing(b'{"kvs": [{"key": "!!"}]}')
    with pytest.raises(NotAKeyListing):
        read_listing(b'{"kvs": 3}')
    with pytest.raises(NotAKeyListing):
        read_listing(b"{nope")


def test_a_stream_larger_than_the_limit_is_refused_before_it_is_all_read():
    class Endless(io.RawIOBase):
        given = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.given += len(buffer)
            buffer[:] = b"/" * len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(ListingTooLarge):
        read_limited(stream, limit=3 * 1024 * 1024)
    assert stream.given <= 3 * 1024 * 1024 + 1


def test_a_stream_within_the_limit_is_read_whole():
    data = b"/registry/pods/a/b\n" * 100_000

    assert read_limited(io.BytesIO(data), limit=len(data)) == data


def test_a_listing_of_a_real_etcd_is_read(etcd):
    for key in (
        "/registry/pods/default/web-1",
        "/registry/pods/kube-system/coredns-1",
        "/registry/minions/node-1",
        "/registry/services/specs/default/kubernetes",
        "/registry/example.com/widgets/default/w1",
        "/registry/secrets/default/token",
    ):
        etcd.ctl("put", key, "v")
    etcd.ctl("put", "compact_rev_key", "1")

    text = summarise(read_listing(etcd.ctl("get", "/registry", "--prefix", "--keys-only")))
    as_json = summarise(
        read_listing(etcd.ctl("get", "/registry", "--prefix", "--keys-only", "-w", "json"))
    )

    expected = {
        ("", "pods"): 2,
        ("", "nodes"): 1,
        ("", "services"): 1,
        ("", "secrets"): 1,
        ("example.com", "widgets"): 1,
    }
    for summary in (text, as_json):
        assert {(r["group"], r["resource"]): r["count"] for r in summary["resources"]} == expected
        assert summary["keys"] == 6 and summary["unknown"] == []
    assert as_json["revision"] == 8  # seven puts after the first revision
    assert "bytes" not in as_json  # keys only: no sizes


def test_counting_by_parent_path_agrees_with_reading_each_key():
    keys = [
        "/registry/pods/default/a",
        "/registry/pods/default/",  # an empty name: not a pod's key
        "/registry/pods/default/b",
        "/registry/pods//c",
        "/registry/ranges/serviceips",
        "/registry/ranges/serviceips/x",
        "/registry/masterleases/10.0.0.1",
        "/registry/example.com/widgets/ns/w",
        "/registry/example.com/widgets/w",
        "/registry/minions/n/",
        "/registry/frobnicators/x",
        "/other/pods/default/a",
        "/registry",
    ]
    by_parent = summarise(Listing(keys, ListingFormat.LINES), "/registry")
    each = summarise(Listing(keys, ListingFormat.LINES, sizes=[0] * len(keys)), "/registry")

    for entry in each["resources"]:
        del entry["bytes"]
    del each["bytes"]
    assert by_parent == each
    assert by_parent["unknown"] == [
        "/registry/pods/default/",
        "/registry/pods//c",
        "/registry/ranges/serviceips/x",
        "/registry/minions/n/",
        "/registry/frobnicators/x",
    ]
    assert by_parent["outside_prefix"] == ["/other/pods/default/a", "/registry"]
    assert {(r["resource"], r["count"]) for r in by_parent["resources"]} == {
        ("pods", 2),
        ("ranges/serviceips", 1),
        ("masterleases", 1),
        ("widgets", 2),
    }


def test_control_characters_in_a_json_key_are_shown_escaped_not_sent_to_the_terminal():
    listing = read_listing(_json_listing(["/registry/pods/a/\x1b[31mred\n"]))

    assert listing.keys == ["/registry/pods/a/\\x1b[31mred\\x0a"]


@pytest.mark.parametrize(
    "data",
    [
        b"/\n" * 30,  # short lines: many keys from few bytes
        b'{"kvs": [' + b",".join([b"{}"] * 30) + b"]}",
        b'{"kvs": [' + b",".join([b"[]"] * 30) + b"]}",
    ],
)
def test_a_listing_of_more_keys_than_allowed_is_refused_before_they_are_made(data):
    with pytest.raises(ListingTooLarge, match="more than 10 keys"):
        read_listing(data, max_keys=10)


def test_a_listing_of_as_many_keys_as_allowed_is_read():
    keys = [f"/registry/pods/default/p{i}" for i in range(10)]

    assert read_listing("\n\n".join(keys).encode(), max_keys=10).keys == keys
    assert read_listing(_json_listing(keys), max_keys=10).keys == keys
