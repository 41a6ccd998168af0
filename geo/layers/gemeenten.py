"""Layer kind ``gemeenten``: CBS municipal boundaries, and choosing an area from them.

An :class:`Area` is one gemeente or a group (IBH-regio, veiligheidsregio, provincie,
or the whole country: ``land-nederland``, all gemeenten of the reference); every map is
built for an Area. Names match forgivingly: ``Beek (L.)``, ``beek``, ``GM0888`` and
``888`` all mean Beek in Limburg; an unknown name suggests the closest ones.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo import RD_CRS
from geo.errors import AreaNotFoundError, InvalidRequestError
from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec, unknown_allowed
from geo.paths import BOUNDARIES_GPKG, IBH_REGIONS_CSV

_CODE = re.compile(r"^(GM)?\d{1,4}$", re.IGNORECASE)

SPEC = LayerSpec(
    kind="gemeenten",
    geometry="polygoon",
    id_column="gemeentecode",
    description="Gemeentegrenzen (CBS) met provincie, veiligheidsregio en eigen regio-indeling.",
    columns=(
        ColumnSpec("gemeentecode", "gemeentecode", "CBS-code GMnnnn (981 wordt GM0981).",
                   unique=True),
        ColumnSpec("gemeentenaam", "str", "Naam van de gemeente.", unique=True),
        *unknown_allowed(
            ColumnSpec("provincie", "str", "Provincie."),
            ColumnSpec("veiligheidsregio", "str", "Veiligheidsregio."),
        ),
        ColumnSpec("regio", "str", "Eigen groepering, bijv. de Limburgse handhavingsregio's "
                   "(leeg: geen regio).", required=False, default=None, nullable=True),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""

_ALIASES = {"den haag": "GM0518", "s gravenhage": "GM0518", "den bosch": "GM0796"}
_GROUP_PREFIX = {"regio": "regio", "veiligheidsregio": "vr", "provincie": "provincie"}
LAND_ID = "land-nederland"
"""``Area.id`` of the whole country (every gemeente of the boundaries used)."""
_LAND_NAMES = frozenset({"nederland", "land", "nl", LAND_ID, "heel nederland"})


def load_gemeenten(source: str | os.PathLike[str], layer: str | None = None, *,
                   assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a gemeenten layer (own boundaries instead of the reference set).

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``gemeenten``).
    assume_crs : str, optional
        CRS to assume when the file has none (``"EPSG:28992"``); otherwise refused.

    Returns
    -------
    GeoDataFrame
        EPSG:28992 with gemeentecode, gemeentenaam, provincie, veiligheidsregio, regio.
    """
    return load(SPEC, source, layer, assume_crs=assume_crs)


@dataclass(frozen=True, eq=False)
class Area:
    """A gemeente or group of gemeenten for which maps are built.

    Attributes
    ----------
    id : str
        ``GM0981`` for a gemeente; ``regio-parkstad``, ``vr-limburg-zuid``,
        ``provincie-limburg``, ``land-nederland`` or ``selectie-<codes>`` for groups.
        Safe as a directory name.
    naam : str
        Display name (``Vaals``, ``Parkstad``).
    soort : str
        ``gemeente``, ``regio``, ``veiligheidsregio``, ``provincie``, ``land`` or
        ``selectie``.
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
    return frame.set_crs(RD_CRS, allow_override=True)


def reference_gemeenten() -> gpd.GeoDataFrame:
    """All 342 gemeenten (2024 layout) with the Limburg IBH-regio as ``regio``."""
    return _reference_gemeenten().copy()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _plain(text)).strip("-")


def _plain(text: str) -> str:
    """Lower case without accents (``Fryslân`` → ``fryslan``)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _key(text: str) -> str:
    """Name without a parenthesised suffix or punctuation (``Beek (L.)`` → ``beek``)."""
    return re.sub(r"[^a-z0-9]+", " ", _plain(re.sub(r"\(.*?\)", "", str(text)))).strip()


def select_area(
    *,
    gemeente: str | list[str] | None = None,
    regio: str | None = None,
    veiligheidsregio: str | None = None,
    provincie: str | None = None,
    land: bool = False,
    gemeenten: gpd.GeoDataFrame | None = None,
) -> Area:
    """Choose an Area by gemeente name/code (one or several), regio, veiligheidsregio,
    provincie, or the whole country (``land=True``: every gemeente, id ``land-nederland``).

    Exactly one selector must be given. Names match case- and accent-insensitively and
    without a suffix like ``(L.)``; codes may be ``GM0888``, ``0888`` or ``888``.
    Unknown names raise :class:`AreaNotFoundError` with the closest names as suggestions.

    Examples
    --------
    >>> select_area(gemeente="beek").naam  # doctest: +SKIP
    'Beek (L.)'
    >>> select_area(regio="parkstad").id  # doctest: +SKIP
    'regio-parkstad'
    """
    frame = reference_gemeenten() if gemeenten is None else gemeenten
    given = {k: v for k, v in {"gemeente": gemeente, "regio": regio,
                               "veiligheidsregio": veiligheidsregio,
                               "provincie": provincie, "land": land}.items() if v}
    if len(given) != 1:
        raise InvalidRequestError(
            "Kies precies één gebied: --gemeente, --regio, --veiligheidsregio, --provincie "
            "of --land."
        )
    (kind, value), = given.items()
    if kind == "land":
        return Area(LAND_ID, "Nederland", "land", frame)
    if kind == "gemeente":
        values = [value] if isinstance(value, str) else list(value)
        rows = list(dict.fromkeys(_find_gemeente(frame, v) for v in values))
        chosen = frame.loc[rows]
        if len(chosen) == 1:
            row = chosen.iloc[0]
            return Area(row["gemeentecode"], row["gemeentenaam"], "gemeente", chosen)
        codes = "-".join(sorted(chosen["gemeentecode"]))
        return Area(f"selectie-{codes}", ", ".join(chosen["gemeentenaam"]), "selectie", chosen)
    name = _find_group(frame, kind, str(value))
    chosen = frame[frame[kind] == name]
    return Area(f"{_GROUP_PREFIX[kind]}-{_slug(name)}", name, kind, chosen)


_AREA_KINDS = ("gemeente", "regio", "veiligheidsregio", "provincie")
_GROUP_CODES = {"provincie": "provinciecode", "veiligheidsregio": "veiligheidsregiocode"}


def find_area(value: str, gemeenten: gpd.GeoDataFrame | None = None) -> Area:
    """The Area one free text names: the country (``Nederland``, ``land``, ``NL``,
    ``land-nederland``), a gemeente (name or code), then a regio, veiligheidsregio or
    provincie (name, id such as ``regio-parkstad``, or code such as ``PV31``, ``VR23``).

    The first kind that matches wins (``Utrecht`` is the gemeente; ``provincie-utrecht`` or
    ``PV26`` the provincie). Nothing matches: :class:`AreaNotFoundError` with suggestions.

    Examples
    --------
    >>> find_area("Maastricht-Heuvelland").id  # doctest: +SKIP
    'regio-maastricht-heuvelland'
    """
    frame = reference_gemeenten() if gemeenten is None else gemeenten
    text = str(value).strip()
    if _plain(text) in _LAND_NAMES:
        return select_area(land=True, gemeenten=frame)
    for kind, column in _GROUP_CODES.items():
        if column in frame.columns and kind in frame.columns:
            hits = frame.loc[frame[column].astype(str) == text.upper(), kind]
            if len(hits):
                return select_area(**{kind: str(hits.iloc[0])}, gemeenten=frame)
    suggestions: list[str] = []
    for kind in _AREA_KINDS:
        if kind != "gemeente" and kind not in frame.columns:
            continue
        try:
            return select_area(**{kind: text}, gemeenten=frame)
        except AreaNotFoundError as error:
            suggestions.extend(error.details.get("suggesties", []))
    suggestions = _close(text, ["Nederland"]) + suggestions
    hint = f" Bedoelde je: {', '.join(dict.fromkeys(suggestions))}?" if suggestions else ""
    raise AreaNotFoundError(
        f"Gebied '{text}' is geen bekende gemeente, regio, veiligheidsregio, provincie of "
        f"'Nederland'."
        f"{hint}", soort="gebied", waarde=text, suggesties=list(dict.fromkeys(suggestions)))


def list_groups(kind: str, gemeenten: gpd.GeoDataFrame | None = None) -> list[str]:
    """The names of all regio's, veiligheidsregio's or provincies, sorted."""
    frame = reference_gemeenten() if gemeenten is None else gemeenten
    if kind not in _GROUP_PREFIX:
        raise InvalidRequestError(f"Onbekende groepering '{kind}'.", soort=kind)
    if kind not in frame.columns:
        return []
    return sorted(frame[kind].dropna().astype(str).unique().tolist())


def _find_group(frame: gpd.GeoDataFrame, kind: str, value: str) -> str:
    names = list_groups(kind, frame)
    wanted = _slug(value)
    prefix = _GROUP_PREFIX[kind] + "-"
    if wanted.startswith(prefix):
        wanted = wanted[len(prefix):]
    match = [n for n in names if _slug(n) == wanted]
    if not match:
        label = {"regio": "Regio", "veiligheidsregio": "Veiligheidsregio",
                 "provincie": "Provincie"}[kind]
        raise AreaNotFoundError(
            f"{label} '{value}' bestaat niet.{_suggest(value, names)}",
            soort=kind, waarde=value, suggesties=_close(value, names),
        )
    return match[0]


def split_per_gemeente(area: Area) -> list[Area]:
    """One Area per gemeente of ``area`` (for building per-gemeente maps)."""
    return [
        Area(row.gemeentecode, row.gemeentenaam, "gemeente", area.gemeenten.loc[[index]])
        for index, row in area.gemeenten.sort_values("gemeentecode").iterrows()
    ]


def _find_gemeente(frame: gpd.GeoDataFrame, value: str):
    value = str(value).strip()
    codes = frame["gemeentecode"].astype(str)
    names = frame["gemeentenaam"].astype(str)
    if _CODE.match(value):
        digits = re.sub(r"\D", "", value)
        hits = frame.index[codes == f"GM{int(digits):04d}"]
        if len(hits):
            return hits[0]
        raise AreaNotFoundError(f"Gemeentecode '{value}' bestaat niet.",
                                soort="gemeente", waarde=value)
    for candidates in (names.str.lower() == value.lower(),
                       names.map(_slug) == _slug(value),
                       codes == _ALIASES.get(_key(value), ""),
                       names.map(_key) == _key(value)):
        hits = frame.index[candidates.to_numpy()]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            options = ", ".join(f"{n} ({c})" for n, c in zip(names[candidates], codes[candidates],
                                                            strict=True))
            raise AreaNotFoundError(
                f"Gemeente '{value}' is niet eenduidig: {options}. Geef de volledige naam of "
                "de code.", soort="gemeente", waarde=value,
                suggesties=names[candidates].tolist())
    all_names = names.tolist()
    raise AreaNotFoundError(
        f"Gemeente '{value}' bestaat niet.{_suggest(value, all_names)}",
        soort="gemeente", waarde=value, suggesties=_close(value, all_names),
    )


def _close(value: str, names: list[str]) -> list[str]:
    import difflib

    keyed: dict[str, str] = {}
    for name in names:
        keyed.setdefault(_key(name), name)
        keyed.setdefault(_plain(name), name)
    close = difflib.get_close_matches(_key(value), list(keyed), n=6, cutoff=0.6)
    return list(dict.fromkeys(keyed[c] for c in close))[:3]


def _suggest(value: str, names: list[str]) -> str:
    close = _close(value, names)
    return f" Bedoelde je: {', '.join(close)}?" if close else ""
