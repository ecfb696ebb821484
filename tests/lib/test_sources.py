from __future__ import annotations

import pytest

from explorer.lib.sources import (
    LIVE,
    MOMENT,
    SNAPSHOT,
    is_frozen,
    moment_source,
    parse_source,
    snapshot_source,
)


def test_a_snapshots_name_says_which_snapshot():
    named = parse_source(snapshot_source("Gx7QqCpL_bs9"))
    assert (named.kind, named.snapshot, named.frozen) == (SNAPSHOT, "Gx7QqCpL_bs9", True)


def test_a_moments_name_keeps_its_cluster_whatever_characters_the_context_name_has():
    name = moment_source("kubernetes-admin@kubernetes:east", 1765000000.123)
    assert name == "moment:1765000000123:kubernetes-admin@kubernetes:east"
    named = parse_source(name)
    assert (named.kind, named.cluster, named.at) == (
        MOMENT,
        "kubernetes-admin@kubernetes:east",
        1765000000.123,
    )


@pytest.mark.parametrize(
    "name", ["demo", "kubernetes-admin@kubernetes", "arn:aws:eks:eu:1:cluster/x"]
)
def test_any_other_name_is_a_live_clusters(name):
    named = parse_source(name)
    assert (named.kind, named.cluster, named.frozen, is_frozen(name)) == (LIVE, name, False, False)


@pytest.mark.parametrize(
    "name",
    ["snapshot:", "snapshot:../../etc", "snapshot:a b", "moment:", "moment:12", "moment:x:demo"],
)
def test_a_malformed_snapshot_or_moment_name_names_nothing(name):
    assert parse_source(name) is None
