"""The demo cluster: faithful objects, node facts and churn, for running without a cluster."""

from .cluster import build_demo

__all__ = ["build_demo"]
