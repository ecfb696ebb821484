"""What the benchmarks share: a command line of whole-number options (`--pods 110`)."""

from __future__ import annotations

import argparse


def arguments(description: str, **defaults: int) -> argparse.Namespace:
    """The parsed command line: one integer option per default (`pods_per_node` is
    `--pods-per-node`)."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in defaults.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    return parser.parse_args()
