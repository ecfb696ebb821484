"""kube-scheduler's configuration file (`--config`): a KubeSchedulerConfiguration read as the
scheduler reads it, to the parts that decide how it filters and scores.

Written from `kubescheduler.config.k8s.io/v1` (kubernetes/kubernetes
`staging/src/k8s.io/kube-scheduler/config/v1/types.go`, its defaults `pkg/scheduler/apis/config/
v1/defaults.go` and validation `pkg/scheduler/apis/config/validation/`), in our own code:

- `percentageOfNodesToScore` (0 to 100; 0 or absent: adaptive), also per profile (1.27+);
- `profiles[]`: `schedulerName` (a single profile without one is `default-scheduler`; names are
  unique), `plugins.<point>.{enabled: [{name, weight}], disabled: [{name}]}` for the points
  `multiPoint`, `preFilter`, `filter`, `postFilter` and `score` (`*` disables every default at
  that point; other points are named in `other_points`), `percentageOfNodesToScore`;
- `pluginConfig[]`: `{name, args}`; NodeResourcesFit's `scoringStrategy` is read (type
  LeastAllocated, MostAllocated or RequestedToCapacityRatio; `resources: [{name, weight}]`,
  cpu and memory weight 1 by default; `requestedToCapacityRatio.shape: [{utilization, score}]`);
  other plugins' args are named in `args_of` and not interpreted here.

What the profile then runs, given a cluster's version, is `profiles.py`'s job. `parse_config`
raises ValueError with one clear line for anything else: not YAML, a kubeconfig (kubeadm's
/etc/kubernetes/scheduler.conf is the scheduler's kubeconfig, not its configuration), an older
apiVersion, a field of the wrong type, duplicate profile names, a weight out of range. The text
is bounded (`MAX_BYTES`) and never repeated in an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from explorer.lib.json_shape import json_type

API_GROUP = "kubescheduler.config.k8s.io"
API_VERSION = f"{API_GROUP}/v1"
KIND = "KubeSchedulerConfiguration"
DEFAULT_SCHEDULER = "default-scheduler"
MAX_BYTES = 1024 * 1024  # a scheduler's configuration is a few KB
ALL = "*"
POINTS = ("multiPoint", "preFilter", "filter", "postFilter", "score")  # those simulated

LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio"
STRATEGIES = (LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO)
DEFAULT_RESOURCES = (("cpu", 1), ("memory", 1))
MAX_RESOURCE_WEIGHT = 100
MAX_SHAPE_SCORE = 10  # a shape point's score; the scheduler scales it to 0-100
MAX_UTILIZATION = 100
NODE_RESOURCES_FIT = "NodeResourcesFit"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REMOVED = {
    "v1beta3": "removed in kube-scheduler 1.29",
    "v1beta2": "removed in kube-scheduler 1.28",
    "v1beta1": "removed in kube-scheduler 1.26",
}


@dataclass(frozen=True, slots=True)
class Plugin:
    name: str
    weight: int | None = None  # None: not given (the framework counts 0 and absent as 1)


@dataclass(frozen=True, slots=True)
class PluginSet:
    enabled: tuple[Plugin, ...] = ()
    disabled: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoringStrategy:
    type: str = LEAST_ALLOCATED
    resources: tuple[tuple[str, int], ...] = DEFAULT_RESOURCES  # (resource, weight)
    shape: tuple[tuple[int, int], ...] = ()  # (utilization %, score 0-10), for the ratio

    @property
    def is_default(self) -> bool:
        return self == ScoringStrategy()

    def __str__(self) -> str:
        weights = ", ".join(f"{name} {weight}" for name, weight in self.resources)
        shape = ", ".join(f"{u}%→{s}" for u, s in self.shape)
        return f"{self.type} ({weights})" + (f", shape {shape}" if shape else "")


@dataclass(frozen=True, slots=True)
class ConfiguredProfile:
    """One profile as the file says it (not yet merged with the defaults)."""

    scheduler_name: str
    plugins: dict[str, PluginSet] = field(default_factory=dict)  # point -> set, POINTS only
    other_points: tuple[str, ...] = ()  # other extension points the file configures
    args_of: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # pluginConfig
    scoring_strategy: ScoringStrategy = ScoringStrategy()
    percentage_of_nodes_to_score: int | None = None


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    profiles: tuple[ConfiguredProfile, ...]
    percentage_of_nodes_to_score: int | None = None  # None or 0: adaptive

    def profile(self, scheduler_name: str | None) -> ConfiguredProfile | None:
        wanted = scheduler_name or DEFAULT_SCHEDULER
        return next((p for p in self.profiles if p.scheduler_name == wanted), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.scheduler_name for p in self.profiles)


def parse_config(text: str | bytes) -> SchedulerConfig:
    """The configuration in `text` (YAML or JSON); ValueError saying what is wrong."""
    if len(text) > MAX_BYTES:
        raise ValueError(f"the configuration is over {MAX_BYTES // 1024} KiB")
    try:
        document = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ValueError(f"not YAML{line}") from None
    if not isinstance(document, Mapping):
        raise ValueError(f"a {KIND} is an object, not {json_type(document)}")
    _check_kind(document)
    top = _percentage(document, "percentageOfNodesToScore")
    profiles = _list(document, "profiles", "the configuration")
    if not profiles:
        profiles = [{}]
    read = tuple(_profile(p, i, single=len(profiles) == 1, top=top) for i, p in enumerate(profiles))
    seen: set[str] = set()
    for profile in read:
        if profile.scheduler_name in seen:
            raise ValueError(f"two profiles are named {profile.scheduler_name!r}")
        seen.add(profile.scheduler_name)
    return SchedulerConfig(read, top)


def _check_kind(document: Mapping[str, Any]) -> None:
    kind = document.get("kind")
    api_version = document.get("apiVersion")
    if kind == "Config" and api_version == "v1":
        raise ValueError(
            f"this is a kubeconfig (kind Config), not a {KIND}: the --config flag names the "
            "configuration, --kubeconfig the connection"
        )
    if kind != KIND:
        raise ValueError(f"kind is {_shown(kind)}, not {KIND}")
    if isinstance(api_version, str) and api_version.startswith(API_GROUP + "/"):
        version = api_version.split("/", 1)[1]
        if version in _REMOVED:
            raise ValueError(
                f"apiVersion {api_version} was {_REMOVED[version]}; only {API_VERSION} is read"
            )
    if api_version != API_VERSION:
        raise ValueError(f"apiVersion is {_shown(api_version)}, not {API_VERSION}")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:60])
    return json_type(value)


def _list(mapping: Mapping[str, Any], key: str, what: str) -> list[Any]:
    value = mapping.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{what}: {key} is {json_type(value)}, not a list")
    return value


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} is {json_type(value)}, not an object")
    return value


def _int(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} is {json_type(value)}, not a whole number")
    if not low <= value <= high:
        raise ValueError(f"{what} is {value}, not in [{low}, {high}]")
    return value


def _percentage(mapping: Mapping[str, Any], what: str) -> int | None:
    value = mapping.get("percentageOfNodesToScore")
    return None if value is None else _int(value, what, 0, 100)


def _name(entry: Any, what: str) -> str:
    entry = _object(entry, what)
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{what} has no name")
    return name


def _plugin_set(value: Any, what: str) -> PluginSet:
    point = _object(value, what)
    enabled = []
    for i, entry in enumerate(_list(point, "enabled", what)):
        name = _name(entry, f"{what}.enabled[{i}]")
        weight = entry.get("weight")
        if weight is not None:
            weight = _int(weight, f"{what}.enabled[{i}] ({name}) weight", 0, 2**31 - 1)
        enabled.append(Plugin(name, weight))
    disabled = tuple(
        _name(entry, f"{what}.disabled[{i}]")
        for i, entry in enumerate(_list(point, "disabled", what))
    )
    return PluginSet(tuple(enabled), disabled)


def _profile(raw: Any, index: int, *, single: bool, top: int | None) -> ConfiguredProfile:
    what = f"profiles[{index}]"
    profile = _object(raw, what)
    name = profile.get("schedulerName")
    if name is None and single:
        name = DEFAULT_SCHEDULER
    if not isinstance(name, str) or not name:
        raise ValueError(f"{what} has no schedulerName (only a single profile may leave it out)")
    what = f"profile {name!r}"
    plugins = _object(profile.get("plugins"), f"{what}: plugins")
    sets = {p: _plugin_set(plugins.get(p), f"{what}: plugins.{p}") for p in POINTS if p in plugins}
    others = tuple(sorted(p for p in plugins if p not in POINTS and plugins.get(p)))
    args_of: dict[str, Mapping[str, Any]] = {}
    for i, entry in enumerate(_list(profile, "pluginConfig", what)):
        plugin = _name(entry, f"{what}: pluginConfig[{i}]")
        if plugin in args_of:
            raise ValueError(f"{what}: pluginConfig names {plugin} twice")
        args_of[plugin] = _object(entry.get("args"), f"{what}: pluginConfig {plugin} args")
    strategy = _strategy(args_of.get(NODE_RESOURCES_FIT, {}), what)
    own = _percentage(profile, f"{what}: percentageOfNodesToScore")
    return ConfiguredProfile(
        name,
        sets,
        others,
        args_of,
        strategy,
        own if own is not None else top,
    )


def _strategy(args: Mapping[str, Any], what: str) -> ScoringStrategy:
    what = f"{what}: NodeResourcesFit scoringStrategy"
    raw = _object(args.get("scoringStrategy"), what)
    if not raw:
        return ScoringStrategy()
    kind = raw.get("type", LEAST_ALLOCATED)
    if kind not in STRATEGIES:
        raise ValueError(f"{what}: type {_shown(kind)} is none of {', '.join(STRATEGIES)}")
    resources = []
    for i, entry in enumerate(_list(raw, "resources", what)):
        name = _name(entry, f"{what}.resources[{i}]")
        weight = _int(
            entry.get("weight", 1), f"{what}.resources[{i}] ({name}) weight", 1, MAX_RESOURCE_WEIGHT
        )
        resources.append((name, weight))
    shape: list[tuple[int, int]] = []
    if kind == REQUESTED_TO_CAPACITY_RATIO:
        ratio = _object(raw.get("requestedToCapacityRatio"), f"{what}.requestedToCapacityRatio")
        for i, point in enumerate(_list(ratio, "shape", what)):
            point = _object(point, f"{what}.shape[{i}]")
            utilization = _int(
                point.get("utilization"), f"{what}.shape[{i}] utilization", 0, MAX_UTILIZATION
            )
            score = _int(point.get("score"), f"{what}.shape[{i}] score", 0, MAX_SHAPE_SCORE)
            if shape and utilization <= shape[-1][0]:
                raise ValueError(f"{what}: the shape's utilizations must increase")
            shape.append((utilization, score))
        if not shape:
            raise ValueError(f"{what}: RequestedToCapacityRatio needs a shape")
    return ScoringStrategy(kind, tuple(resources) or DEFAULT_RESOURCES, tuple(shape))
