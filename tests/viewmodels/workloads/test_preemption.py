"""What a preemption could do for a Pending pod, in words, by the profile that picks it."""

from __future__ import annotations

from explorer.collectors.scheduling.config import parse_config
from explorer.collectors.scheduling.evaluate import evaluate, view_of
from explorer.collectors.scheduling.profiles import default_profile, resolve
from explorer.collectors.scheduling.versions import Version
from explorer.viewmodels.workloads.preemption import preemption_model
from tests.collectors.scheduling.builders import node, pod

V1_34 = Version(1, 34)
NO_PREEMPTION = (
    "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
    "profiles:\n- schedulerName: batch\n  plugins:\n    postFilter:\n      disabled:\n"
    "      - name: DefaultPreemption\n"
)


def _crowded():
    low = pod("low", node_name="n1", requests={"cpu": "2"}, priority=1)
    return view_of([node("n1", cpu="2")], [low], "1.34"), pod(requests={"cpu": "1"}, priority=100)


def test_a_profile_without_default_preemption_says_the_pod_will_not_preempt() -> None:
    view, wanted = _crowded()
    profile = resolve(parse_config(NO_PREEMPTION).profiles[0], V1_34)
    model = preemption_model(evaluate(wanted, view, profile), wanted, profile)
    assert model["state"] == "off"
    assert model["headline"].startswith(
        "It will not preempt: the scheduler's profile batch does not run DefaultPreemption"
    )
    assert model["nodes"] == [] and model["priority"] == 100


def test_the_default_profile_names_the_victims_and_a_pod_that_fits_has_no_panel() -> None:
    view, wanted = _crowded()
    profile = default_profile(V1_34)
    model = preemption_model(evaluate(wanted, view, profile), wanted, profile)
    assert model["state"] == "victims"
    assert [v["name"] for v in model["nodes"][0]["victims"]] == ["low"]
    small = pod(priority=100)
    assert preemption_model(evaluate(small, view, profile), small, profile) is None
