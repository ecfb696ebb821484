"""The demo cluster: faithful objects, node facts and churn, for running without a cluster."""

from .churn import DemoChurn
from .cluster import build_demo

__all__ = ["DemoChurn", "build_demo"]
