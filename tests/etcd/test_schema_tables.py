"""The protobuf tables of the API groups outside core and batch: whole, consistent, and covering
every kind the explorer watches."""

from __future__ import annotations

import pytest

from explorer.etcd.schema import KINDS, MESSAGES, message_of_kind
from explorer.etcd.schema.fields import SCALARS, WIRE_FORMS, f, message
from explorer.lib.resources import RESOURCES

# Core's own groups: their tables are schema/core.py and schema/batch.py (the decode helper's);
# CRDs are stored as JSON.
GROUPS_WITHOUT_A_TABLE_HERE = frozenset({"", "batch", "apiextensions.k8s.io"})

# The core/v1 messages these tables name: core.py defines them, except TopologySelectorTerm,
# which storage.py defines (with its TopologySelectorLabelRequirement) for StorageClass.
CORE_MESSAGES_REFERENCED = frozenset(
    {
        "core.v1.ObjectReference",
        "core.v1.PersistentVolumeClaim",
        "core.v1.PersistentVolumeSpec",
        "core.v1.PodTemplateSpec",
        "core.v1.TopologySelectorTerm",
        "core.v1.TypedLocalObjectReference",
    }
)

TABLE_MODULES_PREFIXES = (
    "apps.",
    "autoscaling.",
    "coordination.",
    "discovery.",
    "networking.",
    "policy.",
    "rbac.",
    "scheduling.",
    "storage.",
)


def _messages_of_these_tables() -> dict[str, dict]:
    return {
        name: fields for name, fields in MESSAGES.items() if name.startswith(TABLE_MODULES_PREFIXES)
    }


def _named_types() -> dict[str, set[str]]:
    """Every message name a field of these tables refers to → the messages that refer to it."""
    named: dict[str, set[str]] = {}
    for owner, fields in _messages_of_these_tables().items():
        for field in fields.values():
            for type_name in (field.type, field.map_of):
                if type_name and type_name not in SCALARS and type_name not in WIRE_FORMS:
                    named.setdefault(type_name, set()).add(owner)
    return named


def test_every_message_a_field_names_is_registered():
    unresolved = sorted(name for name in _named_types() if name not in MESSAGES)
    assert not unresolved


def test_the_core_messages_these_tables_name_are_the_ones_listed_here():
    # The list tells whoever changes core.py what the other groups rely on.
    named_in_core = {name for name in _named_types() if name.startswith("core.v1.")}
    assert named_in_core == CORE_MESSAGES_REFERENCED


def test_every_watched_kind_outside_core_batch_and_crds_has_a_table():
    without = [
        r.api_version + " " + r.kind
        for r in RESOURCES
        if r.group not in GROUPS_WITHOUT_A_TABLE_HERE
        and message_of_kind(r.api_version, r.kind) not in MESSAGES
    ]
    assert not without


def test_every_kind_with_a_table_has_its_object_meta_as_field_one():
    # The decoder reads a kind without a table by the same rule, so it must hold for all.
    for (api_version, kind_name), name in KINDS.items():
        metadata = MESSAGES[name][1]
        assert (metadata.name, metadata.type) == ("metadata", "meta.v1.ObjectMeta"), (
            api_version,
            kind_name,
        )


def test_no_message_shows_two_fields_under_one_json_name():
    for name, fields in _messages_of_these_tables().items():
        json_names = [field.name for field in fields.values() if field.name]
        assert len(json_names) == len(set(json_names)), name


def test_a_table_with_a_field_number_twice_is_refused():
    with pytest.raises(ValueError, match="a field number repeats"):
        message("test.v1.Twice", f(1, "a", "string"), f(1, "b", "string"))
    assert "test.v1.Twice" not in MESSAGES


def test_only_statefulset_claims_carry_a_type_meta_of_their_own():
    carrying = {
        (owner, field.name): field.type_meta
        for owner, fields in MESSAGES.items()
        for field in fields.values()
        if field.type_meta
    }
    assert carrying == {
        ("apps.v1.StatefulSetSpec", "volumeClaimTemplates"): ("v1", "PersistentVolumeClaim")
    }


def test_an_ingress_rule_lifts_its_http_beside_its_host():
    rule = MESSAGES["networking.v1.IngressRule"]
    assert rule[1].name == "host"
    assert (rule[2].name, rule[2].type) == ("", "networking.v1.IngressRuleValue")
    assert MESSAGES["networking.v1.IngressRuleValue"][1].name == "http"


def test_lease_times_are_microtimes_and_hpa_is_readable_in_both_stored_versions():
    spec = MESSAGES["coordination.v1.LeaseSpec"]
    assert (spec[3].type, spec[4].type) == ("microtime", "microtime")
    assert message_of_kind("autoscaling/v2", "HorizontalPodAutoscaler") in MESSAGES
    assert message_of_kind("autoscaling/v1", "HorizontalPodAutoscaler") in MESSAGES


def test_a_message_registered_twice_is_refused_and_the_first_table_kept():
    with pytest.raises(ValueError, match=r"apps\.v1\.Deployment: registered twice"):
        message("apps.v1.Deployment", f(1, "metadata", "meta.v1.ObjectMeta"))
    assert MESSAGES["apps.v1.Deployment"][2].name == "spec"
