"""What a scheduling profile runs: its filter plugins in order, its score plugins with their
weights, NodeResourcesFit's scoring strategy and `percentageOfNodesToScore` — the default
profile of a version, or a profile of a configuration file (`config.py`) merged with it.

Written from kube-scheduler's own merging (kubernetes/kubernetes `pkg/scheduler/apis/config/v1/
default_plugins.go` `mergePluginSet`, `pkg/scheduler/framework/runtime/framework.go`
`expandMultiPointPlugins` and `getScoreWeights`), in our own code:

1. the defaults are one `multiPoint` set (the version's filter plugins, DefaultPreemption,
   NodeResourcesBalancedAllocation, ImageLocality…; the score plugins with their weights); the
   file's `multiPoint` is merged into it: a disabled default goes (`*`: every default), an
   enabled plugin of the same name replaces the default in its place, others are appended;
2. at each extension point (preFilter, filter, postFilter, score) the file's own set wins: a
   plugin it enables there comes first, in its order (an *override* of the multiPoint entry),
   then the multiPoint plugins that implement that point and are not disabled there (`*`
   there: none), then the point's other plugins;
3. a score plugin's weight is its weight at the score point, else its multiPoint weight; 0 or
   none is 1.

Plugins the explorer does not simulate (out-of-tree ones, other extension points, plugin args
other than NodeResourcesFit's scoring strategy) are named in `notes`; an unknown plugin enabled
at the filter point is kept in `filters`, where the evaluation says it was not evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import filters as f
from .config import (
    ALL,
    DEFAULT_SCHEDULER,
    NODE_RESOURCES_FIT,
    ConfiguredProfile,
    Plugin,
    PluginSet,
    ScoringStrategy,
)
from .scores import BALANCED_ALLOCATION, IMAGE_LOCALITY, WEIGHTS
from .versions import Version

# in-tree plugins that neither filter nor score, as the scheduler names them
OTHER_IN_TREE = frozenset(
    {"SchedulingGates", "PrioritySort", "DefaultPreemption", "DefaultBinder", "GangScheduling"}
)
SCORES = frozenset(WEIGHTS)
# every in-tree filter plugin of any version
FILTERS = frozenset(
    name for version in (Version(1, 30), Version(1, 34)) for name, _ in f.filter_plugins(version)
)
# the PreFilter and PostFilter plugins whose outcome the evaluation simulates (evaluate.py)
PREFILTERS = frozenset({f.NODE_AFFINITY, f.VOLUME_RESTRICTIONS})
POSTFILTERS = frozenset({"DefaultPreemption", f.DYNAMIC_RESOURCES})
KNOWN = FILTERS | SCORES | OTHER_IN_TREE | {"VolumeBinding"}


@dataclass(frozen=True, slots=True)
class Profile:
    scheduler_name: str
    filters: tuple[str, ...]  # the filter plugins, in the order they run
    prefilters: frozenset[str]  # of PREFILTERS, those that run
    postfilters: frozenset[str]  # of POSTFILTERS, those that run
    weights: tuple[tuple[str, int], ...]  # the score plugins run, with their weights
    strategy: ScoringStrategy  # NodeResourcesFit's
    percentage_of_nodes_to_score: int  # 0: adaptive
    notes: tuple[str, ...] = ()  # what of the profile the explorer does not simulate
    configured: bool = False  # False: the version's default profile

    @property
    def weight_of(self) -> dict[str, int]:
        return dict(self.weights)


def default_multipoint(version: Version) -> tuple[Plugin, ...]:
    """The default profile's multiPoint set for `version`."""
    names = [
        "SchedulingGates",
        "PrioritySort",
        *(name for name, _ in f.filter_plugins(version)),
        "DefaultPreemption",
        BALANCED_ALLOCATION,
        IMAGE_LOCALITY,
        "DefaultBinder",
    ]
    return tuple(Plugin(name, WEIGHTS.get(name)) for name in names)


def merged(defaults: PluginSet, custom: PluginSet) -> PluginSet:
    """`mergePluginSet`: the file's set laid over the defaults."""
    disabled = set(custom.disabled) | set(defaults.disabled)
    replacing = {p.name: i for i, p in enumerate(custom.enabled)}
    enabled: list[Plugin] = []
    replaced: set[int] = set()
    if ALL not in disabled:
        for plugin in defaults.enabled:
            if plugin.name in disabled:
                continue
            if plugin.name in replacing:
                replaced.add(replacing[plugin.name])
                plugin = custom.enabled[replacing[plugin.name]]
            enabled.append(plugin)
    enabled += [p for i, p in enumerate(custom.enabled) if i not in replaced]
    return PluginSet(tuple(enabled), (*custom.disabled, *defaults.disabled))


def expanded(multipoint: PluginSet, point: PluginSet, implementing: frozenset[str]) -> list[str]:
    """`expandMultiPointPlugins`: the plugins that run at one extension point, in order."""
    own = [p.name for p in point.enabled]
    if ALL in point.disabled:
        return own
    overrides, from_multipoint = [], []
    for plugin in multipoint.enabled:
        if plugin.name not in implementing or plugin.name in point.disabled:
            continue
        if plugin.name in own:
            overrides.append(plugin.name)
        elif plugin.name not in from_multipoint:
            from_multipoint.append(plugin.name)
    first = [name for name in own if name in overrides]
    return [*first, *from_multipoint, *(name for name in own if name not in overrides)]


def _weights(multipoint: PluginSet, point: PluginSet, run: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for plugin in (*point.enabled, *multipoint.enabled):
        if plugin.name not in found:
            found[plugin.name] = plugin.weight or 1
    return {name: found.get(name, 1) for name in run}


def default_profile(version: Version) -> Profile:
    return resolve(None, version)


def resolve(configured: ConfiguredProfile | None, version: Version) -> Profile:
    """What `configured` runs on a cluster of `version` (None: the default profile)."""
    sets = configured.plugins if configured is not None else {}
    multipoint = merged(PluginSet(default_multipoint(version)), sets.get("multiPoint", PluginSet()))
    filter_set = sets.get("filter", PluginSet())
    score_set = sets.get("score", PluginSet())
    filters = expanded(multipoint, filter_set, FILTERS)
    pre = frozenset(expanded(multipoint, sets.get("preFilter", PluginSet()), PREFILTERS))
    post = frozenset(expanded(multipoint, sets.get("postFilter", PluginSet()), POSTFILTERS))
    run_scores = [name for name in expanded(multipoint, score_set, SCORES) if name in SCORES]
    weights = _weights(multipoint, score_set, run_scores)
    if configured is None:
        return Profile(
            DEFAULT_SCHEDULER,
            tuple(filters),
            pre,
            post,
            tuple(weights.items()),
            ScoringStrategy(),
            0,
        )
    notes = _notes(configured, multipoint, score_set)
    return Profile(
        configured.scheduler_name,
        tuple(filters),
        pre,
        post,
        tuple(weights.items()),
        configured.scoring_strategy,
        configured.percentage_of_nodes_to_score or 0,
        notes,
        configured=True,
    )


def _notes(configured: ConfiguredProfile, multipoint: PluginSet, score_set: PluginSet) -> tuple:
    notes = []
    unknown = sorted(
        {p.name for p in (*multipoint.enabled, *score_set.enabled) if p.name not in KNOWN}
    )
    if unknown:
        notes.append(
            f"{', '.join(unknown)}: not kube-scheduler's own plugins, so not simulated "
            "(they may filter or score too)"
        )
    if configured.other_points:
        notes.append(
            f"extension points configured but not simulated: {', '.join(configured.other_points)}"
        )
    args = sorted(p for p in configured.args_of if p != NODE_RESOURCES_FIT)
    fit_args = set(configured.args_of.get(NODE_RESOURCES_FIT, {})) - {"scoringStrategy"}
    if fit_args:
        args.append(f"NodeResourcesFit ({', '.join(sorted(fit_args))})")
    if args:
        notes.append(f"plugin arguments not simulated (their defaults are used): {', '.join(args)}")
    return tuple(notes)
