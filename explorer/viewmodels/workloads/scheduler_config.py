"""Which scheduling profile the pod's evaluation uses, and the words that say so: the profile
of kube-scheduler's configuration that matches the pod's `schedulerName`, when a node agent read
the file (the node fact `scheduler-config`, explorer/probes/scheduler_config_probe.py) or a file
was given (`manage.py analyze scheduling --config`); otherwise the default profile, and why.

Several control-plane nodes may each have read it: the latest read that parses is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from explorer.collectors.scheduling.config import DEFAULT_SCHEDULER, SchedulerConfig
from explorer.collectors.scheduling.profiles import Profile, default_profile, resolve
from explorer.collectors.scheduling.versions import Version
from explorer.lib.choices import SCHEDULER_CONFIG as WAY
from explorer.lib.objects import spec_of
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import ERRORS, SCHEDULER_CONFIG, TAKEN_AT
from explorer.state.parsed_facts import parsed_fact

NOT_READ = (
    "no control-plane node's agent has reported it (reading it is opt-in: "
    f"EXPLORER_NODE_ACCESS must include {WAY} where the agent runs)"
)


@dataclass(frozen=True, slots=True)
class ConfigRead:
    config: SchedulerConfig | None
    where: str  # "read on node X at T", "in the file F": where the configuration came from
    why_not: str = ""  # when config is None: why it was not read


def from_file(config: SchedulerConfig, name: str) -> ConfigRead:
    return ConfigRead(config, f"in the file {name}")


def read_in(state: ClusterState) -> ConfigRead:
    """The configuration a node agent read into `state`, or why there is none."""
    found: list[tuple[str, str, SchedulerConfig]] = []
    why = ""
    for node, entry in sorted(state.node_facts.items()):
        if not isinstance(entry, Mapping):
            continue
        if isinstance(entry.get(SCHEDULER_CONFIG), str):
            try:
                config = parsed_fact(state, node, SCHEDULER_CONFIG)
            except ValueError as error:
                why = why or f"the file read on node {node} is not usable: {error}"
                continue
            if config is not None:
                found.append((str(entry.get(TAKEN_AT) or ""), node, config))
                continue
        error = (entry.get(ERRORS) or {}).get(SCHEDULER_CONFIG)
        if error and not why:
            why = f"on node {node}: {error}"
    if found:
        taken_at, node, config = max(found, key=lambda f: (f[0], f[1]))
        when = f" at {taken_at}" if taken_at else ""
        return ConfigRead(config, f"read on node {node}{when}")
    return ConfigRead(None, "", why or NOT_READ)


@dataclass(frozen=True, slots=True)
class Chosen:
    profile: Profile
    words: str  # which weights the evaluation uses, in a sentence
    picked_up: bool  # False: the configuration has no profile of the pod's schedulerName


def profile_for(pod: Mapping, read: ConfigRead, version: Version) -> Chosen:
    name = spec_of(pod).get("schedulerName") or DEFAULT_SCHEDULER
    if read.config is None:
        return Chosen(
            default_profile(version),
            f"Default weights: the scheduler's configuration was not read because {read.why_not}.",
            True,
        )
    configured = read.config.profile(name)
    if configured is None:
        names = ", ".join(read.config.names)
        return Chosen(
            default_profile(version),
            f"Default weights: the scheduler's configuration ({read.where}) has no profile "
            f"{name!r} (its profiles: {names}), so no scheduler of it picks this pod up.",
            False,
        )
    return Chosen(
        resolve(configured, version),
        f"Weights from the scheduler's configuration {read.where}, profile {name}.",
        True,
    )
