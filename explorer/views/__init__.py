"""Pure `state -> view model` functions, one module per view, registered here by name.

A view model is a JSON-ready dict. Streaming computes it, diffs it against the last one sent and
ships the differences; a view says which kinds it reads so that other changes cost nothing.
"""

from __future__ import annotations

from .registry import View, ViewError, get_view, params_of, view_names

__all__ = ["View", "ViewError", "get_view", "params_of", "view_names"]
