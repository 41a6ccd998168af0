"""Modules a server worker loads on first use instead of at start (issue 11 item 2: small
workers; ``tests/api/test_lichte_start.py``).

Route modules that need pandas, geopandas or folium only inside some endpoints refer to them
through :func:`lazy_module`: the attribute access imports the module (thread-safe, under
Python's import lock) the first time an endpoint uses it.

Examples
--------
>>> plans = lazy_module("services.plans")
>>> callable(plans.create_plan)  # doctest: +SKIP
True
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands in for a module; the first attribute access imports it."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._module(), attr)

    def __repr__(self) -> str:
        return f"<lui geladen module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for module ``name`` that imports it on first attribute access."""
    return LazyModule(name)
