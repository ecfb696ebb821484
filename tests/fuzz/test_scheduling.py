"""Scheduling: Events as kubectl prints them (`analyze events`) and the objects `analyze
scheduling` evaluates (a cluster-info dump of the real minikube nodes and pods), mutated."""

from .strategies import texts
from .targets import fuzz_test

test_any_events_file_is_analysed_or_refused_in_one_line = fuzz_test(
    "analyze events", texts("events")
)

test_any_objects_for_scheduling_are_evaluated_or_refused_in_one_line = fuzz_test(
    "analyze scheduling", texts("scheduling")
)
