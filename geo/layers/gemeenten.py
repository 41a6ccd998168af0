"""Layer kind ``gemeenten``: CBS municipal boundaries, and choosing an area from them.

An :class:`Area` is one gemeente or a group (IBH-regio, veiligheidsregio, provincie);
every map is built for an Area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo.errors import AreaNotFoundError, InvalidRequestError
from geo.paths import BOUNDARIES_GPKG, IBH_REGIONS_CSV

_CODE = re.compile(r"^GM\d{4}$", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class Area:
    """A gemeente or group of gemeenten for which maps are built.

    Attributes
    ----------
    id : str
        ``GM0981`` for a gemeente; ``regio-parkstad``, ``vr-limburg-zuid``,
        ``provincie-limburg`` or ``selectie-<codes>`` for groups. Safe as a directory name.
    naam : str
        Display name (``Vaals``, ``Parkstad``).
    soort : str
        ``gemeente``, ``regio``, ``veiligheidsregio``, ``provincie`` or ``selectie``.
    gemeenten : GeoDataFrame
        The gemeente rows (EPSG:28992) with gemeentecode, gemeentenaam, provincie,
        veiligheidsregio, regio.
    """

    id: str
    naam: str
    soort: str
    gemeenten: gpd.GeoDataFrame

    @property
    def codes(self) -> list[str]:
        return sorted(self.gemeenten["gemeentecode"].tolist())

    @property
    def geometry(self) -> BaseGeometry:
        return self.gemeenten.geometry.union_all()

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return tuple(self.gemeenten.total_bounds)


@lru_cache(maxsize=1)
def _reference_gemeenten() -> gpd.GeoDataFrame:
    frame = gpd.read_file(BOUNDARIES_GPKG, layer="gemeenten", engine="pyogrio")
    regions = pd.read_csv(IBH_REGIONS_CSV, dtype=str)[["gemeentecode", "regio"]]
    frame = frame.merge(regions, on="gemeentecode", how="left")
    return frame.set_crs("EPSG:28992", allow_override=True)


def reference_gemeenten() -> gpd.GeoDataFrame:
    """All 342 gemeenten (2024 layout) with the Limburg IBH-regio as ``regio``."""
    return _reference_gemeenten().copy()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def select_area(
    *,
    gemeente: str | list[str] | None = None,
    regio: str | None = None,
    veiligheidsregio: str | None = None,
    provincie: str | None = None,
    gemeenten: gpd.GeoDataFrame | None = None,
) -> Area:
    """Choose an Area by gemeente name/code (one or several), regio, veiligheidsregio or provincie.

    Exactly one selector must be given. Names match case-insensitively; unknown names
    raise :class:`AreaNotFoundError` with the closest names as suggestions.
    """
    frame = reference_gemeenten() if gemeenten is None else gemeenten
    given = {k: v for k, v in {"gemeente": gemeente, "regio": regio,
                               "veiligheidsregio": veiligheidsregio,
                               "provincie": provincie}.items() if v}
    if len(given) != 1:
        raise InvalidRequestError(
            "Kies precies één gebied: --gemeente, --regio, --veiligheidsregio of --provincie."
        )
    (kind, value), = given.items()
    if kind == "gemeente":
        values = [value] if isinstance(value, str) else list(value)
        rows = [_find_gemeente(frame, v) for v in values]
        chosen = frame.loc[[r for r in rows]]
        if len(chosen) == 1:
            row = chosen.iloc[0]
            return Area(row["gemeentecode"], row["gemeentenaam"], "gemeente", chosen)
        codes = "-".join(sorted(chosen["gemeentecode"]))
        return Area(f"selectie-{codes}", ", ".join(chosen["gemeentenaam"]), "selectie", chosen)
    column = {"regio": "regio", "veiligheidsregio": "veiligheidsregio",
              "provincie": "provincie"}[kind]
    names = frame[column].dropna().unique().tolist()
    match = [n for n in names if n.lower() == str(value).lower()]
    if not match:
        raise AreaNotFoundError(
            f"{kind.capitalize()} '{value}' bestaat niet.{_suggest(value, names)}",
            soort=kind, waarde=value,
        )
    name = match[0]
    chosen = frame[frame[column] == name]
    prefix = {"regio": "regio", "veiligheidsregio": "vr", "provincie": "provincie"}[kind]
    return Area(f"{prefix}-{_slug(name)}", name, kind, chosen)


def split_per_gemeente(area: Area) -> list[Area]:
    """One Area per gemeente of ``area`` (for building per-gemeente maps)."""
    return [
        Area(row.gemeentecode, row.gemeentenaam, "gemeente", area.gemeenten.loc[[index]])
        for index, row in area.gemeenten.sort_values("gemeentecode").iterrows()
    ]


def _find_gemeente(frame: gpd.GeoDataFrame, value: str):
    value = value.strip()
    if _CODE.match(value):
        hits = frame.index[frame["gemeentecode"] == value.upper()]
    else:
        hits = frame.index[frame["gemeentenaam"].str.lower() == value.lower()]
    if len(hits) == 0:
        raise AreaNotFoundError(
            f"Gemeente '{value}' bestaat niet.{_suggest(value, frame['gemeentenaam'].tolist())}",
            soort="gemeente", waarde=value,
        )
    return hits[0]


def _suggest(value: str, names: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(str(value), names, n=3, cutoff=0.5)
    if not close:
        lowered = {n.lower(): n for n in names}
        close = [lowered[n] for n in difflib.get_close_matches(str(value).lower(), lowered, n=3,
                                                              cutoff=0.5)]
    return f" Bedoelde je: {', '.join(close)}?" if close else ""
