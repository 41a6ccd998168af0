"""The object filter of the viewer's object table: what a request may ask for.

Light on purpose (no pandas/geopandas): the route module declares its query parameters with
it at import, while :mod:`api.object_table`, which applies it, loads on first use (issue 11
item 2: small server workers).
"""

from __future__ import annotations

from dataclasses import dataclass

COMPLETENESS = ("volledig", "onvolledig", "onbekend")
"""Completeness filter: all indicator weight known, some unknown, not recorded."""


@dataclass(frozen=True)
class ObjectFilter:
    """What the user asked for (all optional; every given one must match)."""

    zoek: str | None = None
    thema: str | None = None
    klasse: int | None = None
    gemeente: str | None = None
    volledigheid: str | None = None
    veelhoek: str | None = None
