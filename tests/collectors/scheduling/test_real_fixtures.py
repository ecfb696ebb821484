"""Every scheduler message captured from real clusters, read as an engineer reads it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from explorer.collectors.scheduling.failed_scheduling import Reason, parse_failed_scheduling

NOT_HELPFUL = "Preemption is not helpful for scheduling"
# one line of `kubectl describe` or `kubectl get events`; YAML folds its messages, so YAML and
# JSON files are read as objects instead
_ON_A_LINE = re.compile(r"(?:\(combined from similar events\): )?\d+/\d+ nodes are available: .*")


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def scheduler_messages(path: Path) -> list[str]:
    """The FailedScheduling messages (or PodScheduled condition messages) in one fixture."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix in (".yaml", ".yml", ".json"):
        found = [s for doc in yaml.safe_load_all(text) for s in _strings(doc)]
        return [s for s in found if "nodes are available" in s]
    return [m.group(0).rstrip() for m in _ON_A_LINE.finditer(text)]


def _data_files(real_fixtures: Path) -> list[Path]:
    return sorted(
        p for p in real_fixtures.rglob("*") if p.is_file() and not p.name.endswith(".source.txt")
    )


def _read_only_message(real_fixtures: Path, relative: str):
    (message,) = scheduler_messages(real_fixtures / relative)
    return parse_failed_scheduling(message)


def test_reads_every_scheduler_message_in_the_real_fixtures(real_fixtures) -> None:
    messages = [m for path in _data_files(real_fixtures) for m in scheduler_messages(path)]
    assert len(messages) >= 3, "the real fixtures hold at least three scheduler messages"
    for message in messages:
        found = parse_failed_scheduling(message)
        assert found.parsed, message
        assert found.total_nodes == int(re.search(r"\d+/(\d+) nodes", message)[1]), message
        assert found.reasons and all(r.text for r in found.reasons), message
        assert found.preemption is not None and found.preemption.reasons, message


def test_aks_nodes_not_ready_turn_the_pod_away_by_their_not_ready_taint(real_fixtures) -> None:
    found = _read_only_message(
        real_fixtures, "kubectl/aks-byo-cni-notready-failedscheduling-untolerated-taint.txt"
    )
    assert (found.available_nodes, found.total_nodes) == (0, 2)
    assert found.reasons == (
        Reason("node(s) had untolerated taint {node.kubernetes.io/not-ready: }", 2),
    )
    assert found.preemption.reasons == (Reason(NOT_HELPFUL, 2),)


def test_aks_missing_claim_is_a_prefilter_verdict_without_node_counts(real_fixtures) -> None:
    found = _read_only_message(
        real_fixtures, "storage/aks-azuredisk-volumeattachment-pv-pvc-sc-describe.txt"
    )
    assert found.total_nodes == 3
    assert found.reasons == (Reason('persistentvolumeclaim "pvc-azuredisk" not found', None),)
    assert found.preemption.total_nodes == 3
    assert found.preemption.reasons == (Reason(NOT_HELPFUL, 3),)


def test_minikube_1_34_says_no_new_claims_to_deallocate_before_the_preemption(
    real_fixtures,
) -> None:
    found = _read_only_message(real_fixtures, "kubectl/minikube-v1.34-pods.yaml")
    assert found.total_nodes == 1
    assert found.reasons == (Reason("node(s) didn't match Pod's node affinity/selector", 1),)
    assert found.post_filter == "no new claims to deallocate"
    assert found.preemption.reasons == (Reason(NOT_HELPFUL, 1),)
