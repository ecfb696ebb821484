import pytest

from explorer.etcd.keys import (
    KeyFormError,
    KeyOutsidePrefix,
    KeyParts,
    key_for,
    key_of_object,
    normalise_prefix,
    parse_key,
)
from explorer.etcd.stored_resources import (
    BUILT_IN,
    BY_RESOURCE,
    RECORDS,
    Encoding,
    stored_resource,
)
from explorer.lib.resources import RESOURCES, for_kind

# kube-apiserver's own list of where it stores objects (test/integration/etcd/data.go,
# ExpectedEtcdPath), for the namespace "ns"
EXPECTED_PATHS = {
    ("", "configmaps", "ns", "cm1"): "/registry/configmaps/ns/cm1",
    ("", "services", "ns", "service1"): "/registry/services/specs/ns/service1",
    ("", "endpoints", "ns", "ep1name"): "/registry/services/endpoints/ns/ep1name",
    ("", "nodes", "", "node1"): "/registry/minions/node1",
    ("", "replicationcontrollers", "ns", "rc1"): "/registry/controllers/ns/rc1",
    ("", "namespaces", "", "namespace1"): "/registry/namespaces/namespace1",
    ("", "events", "ns", "event1"): "/registry/events/ns/event1",
    ("events.k8s.io", "events", "ns", "event3"): "/registry/events/ns/event3",
    ("apps", "deployments", "ns", "deployment4"): "/registry/deployments/ns/deployment4",
    ("networking.k8s.io", "ingresses", "ns", "ingress3"): "/registry/ingress/ns/ingress3",
    ("networking.k8s.io", "ipaddresses", "", "192.168.2.3"): "/registry/ipaddresses/192.168.2.3",
    ("rbac.authorization.k8s.io", "clusterroles", "", "crole3"): "/registry/clusterroles/crole3",
    ("apiregistration.k8s.io", "apiservices", "", "as2.foo.com"): (
        "/registry/apiregistration.k8s.io/apiservices/as2.foo.com"
    ),
    ("apiextensions.k8s.io", "customresourcedefinitions", "", "pants.custom.fancy.com"): (
        "/registry/apiextensions.k8s.io/customresourcedefinitions/pants.custom.fancy.com"
    ),
    ("cr.bar.com", "foos", "ns", "cr1foo"): "/registry/cr.bar.com/foos/ns/cr1foo",
    ("custom.fancy.com", "pants", "", "cr2pant"): "/registry/custom.fancy.com/pants/cr2pant",
    ("storage.k8s.io", "csistoragecapacities", "ns", "csc-12345-3"): (
        "/registry/csistoragecapacities/ns/csc-12345-3"
    ),
}


@pytest.mark.parametrize(("names", "key"), EXPECTED_PATHS.items())
def test_an_object_is_kept_under_the_key_kube_apiserver_writes(names, key):
    assert key_for(*names) == key


@pytest.mark.parametrize(("names", "key"), EXPECTED_PATHS.items())
def test_a_key_reads_back_as_the_api_resource_it_holds(names, key):
    group, resource, namespace, name = names
    parts = parse_key(key)

    # events.k8s.io Events are stored as core Events: their key reads back as the core resource
    expected_group = "" if (group, resource) == ("events.k8s.io", "events") else group
    assert (parts.group, parts.resource, parts.namespace, parts.name) == (
        expected_group,
        resource,
        namespace,
        name,
    )
    assert parts.known


def test_historical_segments_read_as_api_names():
    assert parse_key("/registry/minions/node-1") == KeyParts(
        group="", resource="nodes", segment="minions", namespace="", name="node-1", known=True
    )
    assert parse_key("/registry/services/specs/default/kubernetes").resource == "services"
    assert parse_key("/registry/services/endpoints/default/kubernetes").resource == "endpoints"
    assert parse_key("/registry/controllers/default/web").resource == "replicationcontrollers"
    assert parse_key("/registry/ingress/default/web").group == "networking.k8s.io"


def test_the_api_servers_own_records_keep_their_segment_as_the_name():
    lease = parse_key("/registry/masterleases/192.168.1.105")
    ranges = parse_key("/registry/ranges/serviceips")

    assert (lease.resource, lease.name, lease.record, lease.known) == (
        "masterleases",
        "192.168.1.105",
        True,
        True,
    )
    assert (ranges.resource, ranges.name, ranges.record, ranges.known) == (
        "ranges/serviceips",
        "",
        True,
        True,
    )
    assert key_for("", "ranges/servicenodeports", "", "") == "/registry/ranges/servicenodeports"


def test_a_key_of_no_known_form_is_described_and_marked_unknown():
    newer = parse_key("/registry/frobnicators/default/x")
    truncated = parse_key("/registry/pods/default")

    assert (newer.resource, newer.name, newer.known) == ("frobnicators", "default/x", False)
    assert (truncated.resource, truncated.known) == ("pods", False)
    assert not parse_key("/registry/pods/default/web/extra").known
    assert not parse_key("/registry/cr.bar.com/foos").known


def test_a_custom_resources_group_is_taken_from_its_key():
    parts = parse_key("/registry/monitoring.coreos.com/servicemonitors/monitoring/node")

    assert (parts.group, parts.resource, parts.namespace, parts.name, parts.custom) == (
        "monitoring.coreos.com",
        "servicemonitors",
        "monitoring",
        "node",
        True,
    )


def test_a_key_outside_the_prefix_is_refused():
    with pytest.raises(KeyOutsidePrefix):
        parse_key("compact_rev_key")
    with pytest.raises(KeyOutsidePrefix):
        parse_key("/registryx/pods/a/b")


def test_keys_under_another_prefix_read_the_same():
    key = key_for("", "pods", "default", "web", prefix="kubernetes.io/")

    assert key == "/kubernetes.io/pods/default/web"
    assert parse_key(key, "/kubernetes.io").name == "web"
    assert parse_key(key.encode(), "/kubernetes.io/").namespace == "default"


@pytest.mark.parametrize(
    ("text", "prefix"),
    [("/registry", "/registry"), ("registry/", "/registry"), (" /a/b// ", "/a/b")],
)
def test_a_prefix_is_normalised_to_one_leading_slash_and_none_trailing(text, prefix):
    assert normalise_prefix(text) == prefix


@pytest.mark.parametrize("text", ["", "  ", "/", "//", "/a//b", "/a b", "/../etc", "/" + "a" * 300])
def test_an_empty_or_absurd_prefix_is_refused(text):
    with pytest.raises(KeyFormError):
        normalise_prefix(text)


def test_the_scope_and_the_namespace_must_agree():
    with pytest.raises(KeyFormError, match="cluster scoped"):
        key_for("", "nodes", "default", "node-1")
    with pytest.raises(KeyFormError, match="namespace"):
        key_for("", "pods", "", "web")
    with pytest.raises(KeyFormError, match="single path segment"):
        key_for("", "pods", "default", "a/b")
    with pytest.raises(KeyFormError, match="no etcd key layout"):
        key_for("apps", "frobnicators", "default", "x")


def test_an_objects_key_comes_from_its_metadata_and_resource():
    pod = {"metadata": {"namespace": "default", "name": "web"}}
    node = {"metadata": {"name": "node-1"}}

    assert key_of_object(pod, for_kind("Pod")) == "/registry/pods/default/web"
    assert key_of_object(node, for_kind("Node")) == "/registry/minions/node-1"
    with pytest.raises(KeyFormError):
        key_of_object({"metadata": []}, for_kind("Pod"))


def test_every_resource_the_explorer_watches_has_a_key_layout_of_the_same_scope():
    for resource in RESOURCES:
        stored = stored_resource(resource.group, resource.plural)
        assert stored.namespaced == resource.namespaced, resource.name
        assert stored.kind == resource.kind


def test_built_in_kinds_are_protobuf_and_the_aggregated_ones_json():
    json_stored = {r.api_name for r in BUILT_IN if r.encoding is Encoding.JSON}

    assert json_stored == {
        "customresourcedefinitions.apiextensions.k8s.io",
        "apiservices.apiregistration.k8s.io",
    }
    assert stored_resource("cr.bar.com", "foos").encoding is Encoding.JSON


def test_no_two_resources_share_a_segment_except_the_two_event_groups():
    segments = [r.segment for r in (*BUILT_IN, *RECORDS)]

    assert len(segments) == len(set(segments))
    assert BY_RESOURCE[("events.k8s.io", "events")] is BY_RESOURCE[("", "events")]


def test_a_two_part_segment_never_begins_with_a_segment_of_its_own():
    segments = {r.segment for r in (*BUILT_IN, *RECORDS)}
    firsts = {segment.split("/")[0] for segment in segments if "/" in segment}

    assert all(segment.count("/") <= 1 for segment in segments)
    assert not firsts & segments
