"""The write rate per resource counted from watch events over the last minute."""

from __future__ import annotations

from explorer.viewmodels.etcd.write_rate import WriteTally


def test_writes_are_counted_per_resource_over_the_window_and_older_ones_forgotten():
    tally = WriteTally("/registry", started=1000.0, window=60)
    for second in range(30):  # in time order, as a watch delivers them
        tally.add("/registry/leases/kube-node-lease/n1", "put", 100 + second, 1000.0 + second)
        if second == 10:
            tally.add("/registry/events/shop/e1", "put", 200, 1010.5)
        if second == 20:
            tally.add("/registry/events/shop/e1", "delete", 201, 1020.5)

    model = tally.model(1030.0)
    rows = {row["resource"]: row for row in model["resources"]}
    assert rows["leases.coordination.k8s.io"]["puts"] == 30
    assert rows["leases.coordination.k8s.io"]["per_minute"] == 60.0
    assert rows["events"] == {**rows["events"], "puts": 1, "deletes": 1}
    assert model["resources"][0]["resource"] == "leases.coordination.k8s.io"
    assert model["events"] == 32 and model["revision"] == 201

    later = tally.model(1085.0)  # the window is (1025, 1085]: the writes of 1026 to 1029
    rows = {row["resource"]: row for row in later["resources"]}
    assert rows["leases.coordination.k8s.io"]["puts"] == 4
    assert "events" not in rows


def test_a_key_of_no_known_form_is_counted_under_its_segment_and_labels_are_escaped():
    tally = WriteTally("/registry", started=0.0)
    tally.add("/registry/<b>odd</b>/x", "put", 1, 1.0)
    tally.add("/elsewhere/x", "put", 2, 1.0)

    rows = {row["resource"]: row for row in tally.model(2.0)["resources"]}
    odd = next(row for name, row in rows.items() if name.startswith("<b>"))
    assert "<" not in odd["label"] and odd["label"].startswith("&lt;b&gt;")
    assert "(outside the prefix)" in rows
