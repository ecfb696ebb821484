from __future__ import annotations

from explorer.streaming.delta import apply, diff


def test_applying_the_diff_to_the_old_model_gives_the_new_one() -> None:
    old = {"header": {"counts": {"pods": 2}}, "sectors": {"a": {"v": 1}, "b": {"v": 2}}, "l": [1]}
    new = {"header": {"counts": {"pods": 3}}, "sectors": {"a": {"v": 1}, "c": {"v": 3}}, "l": [2]}
    ops = diff(old, new)
    assert apply(old, ops) == new
    assert {"op": "del", "path": ["sectors", "b"]} in ops
    assert {"op": "set", "path": ["header", "counts", "pods"], "value": 3} in ops


def test_one_changed_field_of_one_sector_is_one_small_operation() -> None:
    sectors = {f"pod/{i}": {"label": f"p{i}", "colour": "green"} for i in range(1000)}
    changed = {**sectors, "pod/7": {"label": "p7", "colour": "red"}}
    assert diff({"sectors": sectors}, {"sectors": changed}) == [
        {"op": "set", "path": ["sectors", "pod/7", "colour"], "value": "red"}
    ]


def test_equal_models_differ_by_nothing() -> None:
    model = {"a": {"b": [1, 2]}}
    assert diff(model, {"a": {"b": [1, 2]}}) == []
