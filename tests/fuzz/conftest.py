"""Hypothesis profiles for the fuzzers (HYPOTHESIS_PROFILE picks one):

- `bounded` (the default, what `make test` and CI run): few examples per target, so that every
  fuzz test together stays near a minute on a 2-core machine;
- `long` (`make fuzz`, bench/fuzz_parsers.py): thousands per target.

No deadline in `bounded` (a loaded CI machine is not a slow parser); `long` fails an example that
takes over 5 s, the sign of a hang.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

SLOW_INPUTS_ARE_THE_POINT = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
BOUNDED_EXAMPLES = 500
LONG_EXAMPLES = 5000

settings.register_profile(
    "bounded",
    max_examples=BOUNDED_EXAMPLES,
    deadline=None,
    suppress_health_check=SLOW_INPUTS_ARE_THE_POINT,
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=LONG_EXAMPLES,
    deadline=timedelta(seconds=5),
    suppress_health_check=SLOW_INPUTS_ARE_THE_POINT,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))
