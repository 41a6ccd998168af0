"""The national synthetic demo (``kaart demo --land``): all 342 gemeenten, same generator.

SYNTHETISCHE DEMODATA. Every province is generated like the Limburg demo, by the same
generators (kernen, wegen, bedrijventerreinen, vakantieparken, buitengebied, havens,
incidenten) inside its real CBS gemeente boundaries, each from its own random streams
(seed, province number, layer). What is Limburg-specific is replaced per province:

* motorways: outside Limburg, synthetic routes joining the province's largest kernen (a
  minimum spanning tree), so exits and bedrijventerreinen near exits exist everywhere;
* havens: outside Limburg, binnenhavens and jachthavens near the main kern of randomly
  chosen gemeenten and airstrips in the countryside (same placement helpers);
* landsgrens: the real Limburg border where Limburg is generated, elsewhere an
  approximate NL-BE / NL-DE border drawn from hand-picked waypoints (marked synthetic).

Ids are renumbered nationally (``BT00001``, ...). Only the gemeente boundaries (and
Limburg's landsgrens) are real.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString

from geo import RD_CRS
from geo.errors import InvalidRequestError
from geo.layers import write_layers
from geo.layers.demo import DEMO_LAYERS, _validated
from geo.layers.demo._common import DemoArea, lonlat_to_rd, to_frame
from geo.layers.demo.bedrijventerreinen import generate_bedrijventerreinen
from geo.layers.demo.buitengebied import generate_buitengebied
from geo.layers.demo.grenzen import generate_gemeenten, generate_landsgrens
from geo.layers.demo.havens import (
    NACHTREGISTER_P,
    TOEZICHT_P,
    _berths,
    _near,
    _nearest_kern,
    _remote,
    _unique,
    generate_havens,
)
from geo.layers.demo.incidenten import generate_incidenten
from geo.layers.demo.kernen import generate_kernen
from geo.layers.demo.vakantieparken import generate_vakantieparken
from geo.layers.demo.wegen import exit_points, generate_wegen
from geo.layers.gemeenten import reference_gemeenten
from geo.paths import Werkmap

LAND_LAYERS: tuple[str, ...] = DEMO_LAYERS
"""The same layer kinds as the Limburg demo."""
DESCRIPTION = (
    "SYNTHETISCHE DEMODATA voor Nederland (alle gemeenten of een keuze van provincies), "
    "gegenereerd met 'kaart demo --land'. Alleen de gemeentegrenzen (en de landsgrens van "
    "Limburg) zijn echt; al het andere is verzonnen en zegt niets over echte plaatsen, "
    "bedrijven of personen."
)
BORDER_WAYPOINTS: dict[str, list[tuple[float, float]]] = {
    "België": [(3.37, 51.37), (3.55, 51.29), (3.90, 51.21), (4.20, 51.29), (4.28, 51.37),
               (4.55, 51.43), (4.76, 51.50), (4.93, 51.40), (5.10, 51.43), (5.24, 51.31),
               (5.50, 51.29), (5.57, 51.22)],
    "Duitsland": [(6.00, 51.73), (6.10, 51.85), (6.40, 51.83), (6.72, 51.90), (6.83, 51.97),
                  (6.76, 52.12), (7.07, 52.24), (7.03, 52.40), (6.70, 52.49), (6.72, 52.65),
                  (7.05, 52.64), (7.07, 52.85), (7.21, 53.18), (7.20, 53.25)],
}
"""Approximate NL-BE and NL-DE border outside Limburg (WGS84), synthetic."""
MOTORWAY_MIN_INHABITANTS = 25_000
HAVEN_SHARE = {"binnenhaven": 0.35, "jachthaven": 0.25, "airstrip": 0.08}
"""Chance that a gemeente outside Limburg gets one of each (synthetic havens)."""
_STREAMS = {kind: number for number, kind in enumerate(LAND_LAYERS)}
_TO_WGS = Transformer.from_crs(RD_CRS, "EPSG:4326", always_xy=True)
_ID_PREFIX = {"bedrijventerreinen": ("BT", 5), "vakantieparken": ("VP", 5),
              "buitengebied": ("BG", 6), "havens": ("HV", 4), "incidenten": ("IN", 7)}


def provinces(selected: list[str] | None = None) -> list[str]:
    """The provinces to generate (CBS spelling), all when ``selected`` is empty.

    Raises
    ------
    InvalidRequestError
        An unknown province name (the message lists the known ones).
    """
    known = sorted(reference_gemeenten()["provincie"].unique())
    if not selected:
        return known
    by_key = {_key(p): p for p in known}
    wanted = []
    for name in selected:
        if _key(name) not in by_key:
            raise InvalidRequestError(
                f"Onbekende provincie '{name}'; kies uit {', '.join(known)}.",
                parameter="provincie", waarde=name)
        wanted.append(by_key[_key(name)])
    return sorted(set(wanted))


def _key(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def synthetic_motorways(kernen: gpd.GeoDataFrame) -> dict[str, list[tuple[float, float]]]:
    """Synthetic motorway routes (WGS84): a minimum spanning tree over the main kernen with
    at least :data:`MOTORWAY_MIN_INHABITANTS` inhabitants (at least the three largest)."""
    main = kernen.loc[kernen["hoofdkern"]].sort_values(["inwoners", "naam"],
                                                       ascending=[False, True])
    big = main.loc[main["inwoners"] >= MOTORWAY_MIN_INHABITANTS]
    big = big if len(big) >= 3 else main.head(3)
    xy = shapely.get_coordinates(big.geometry.centroid.values)
    if len(xy) < 2:
        return {}
    inside, routes = [0], {}
    outside = list(range(1, len(xy)))
    while outside:  # Prim's algorithm on straight distances
        dist = np.hypot(*(xy[outside][:, None, :] - xy[inside][None, :, :]).transpose(2, 0, 1))
        i, j = np.unravel_index(int(np.argmin(dist)), dist.shape)
        a, b = inside[j], outside[i]
        lon, lat = _TO_WGS.transform(xy[[a, b], 0], xy[[a, b], 1])
        routes[f"A{100 + len(routes)}"] = list(zip(lon.tolist(), lat.tolist(), strict=True))
        inside.append(b)
        outside.remove(b)
    return routes


def national_border() -> gpd.GeoDataFrame:
    """The approximate border lines outside Limburg (whole, whatever is generated: the
    distance to the border is a national feature; a province far from it gets large
    distances, never none)."""
    return gpd.GeoDataFrame({"naam": list(BORDER_WAYPOINTS)},
                            geometry=[LineString(lonlat_to_rd(w))
                                      for w in BORDER_WAYPOINTS.values()], crs=RD_CRS)


def _generic_havens(area: DemoArea, kernen: gpd.GeoDataFrame,
                    rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Havens of a province outside Limburg, placed with the Limburg generator's helpers."""
    kern_tree = shapely.STRtree(kernen.geometry.values)
    records, shapes, seen = [], [], {}
    for row in area.gemeenten.itertuples():
        own = kernen.loc[kernen["gemeentecode"] == row.gemeentecode]
        main = own.loc[own["hoofdkern"]]
        if main.empty:
            continue
        for soort, share in HAVEN_SHARE.items():
            if rng.uniform() >= share:
                continue
            if soort == "airstrip":
                xy = _remote(row.geometry, kern_tree, rng)
                naam = f"Airstrip {_nearest_kern(own, xy)}"
            else:
                xy = _near(row.geometry, main.geometry.iloc[0], rng)
                word = "Binnenhaven" if soort == "binnenhaven" else "Jachthaven"
                naam = _unique(f"{word} {_nearest_kern(own, xy)}", seen)
            shapes.append(shapely.Point(xy))
            records.append({"naam": naam, "soort": soort, "ligplaatsen": _berths(soort, rng),
                            "nachtregister": bool(rng.uniform() < NACHTREGISTER_P[soort]),
                            "toezicht_24_7": bool(rng.uniform() < TOEZICHT_P[soort]),
                            "gemeentecode": row.gemeentecode})
    frame = to_frame(records, shapes)
    frame.insert(0, "id", [f"HV{i + 1:03d}" for i in range(len(frame))])
    return frame


def _province(area: DemoArea, name: str, border: gpd.GeoDataFrame,
              rng: Callable[[str], np.random.Generator]) -> tuple[dict, dict]:
    """Every layer of one province, as the Limburg demo generates them."""
    layers: dict[str, gpd.GeoDataFrame] = {"gemeenten": generate_gemeenten(area),
                                           "landsgrens": border}
    layers["kernen"] = generate_kernen(area, rng("kernen"))
    routes = None if name == "Limburg" else synthetic_motorways(layers["kernen"])
    layers["wegen"] = generate_wegen(area, layers["kernen"], routes)
    exits = exit_points(layers["wegen"])
    layers["bedrijventerreinen"] = generate_bedrijventerreinen(
        area, layers["kernen"], exits, rng("bedrijventerreinen"))
    built = gpd.GeoSeries(list(layers["kernen"].geometry) +
                          list(layers["bedrijventerreinen"].geometry), crs=RD_CRS)
    layers["vakantieparken"] = generate_vakantieparken(area, built, rng("vakantieparken"))
    occupied = gpd.GeoSeries(list(built) + list(layers["vakantieparken"].geometry), crs=RD_CRS)
    layers["buitengebied"] = generate_buitengebied(area, occupied, rng("buitengebied"))
    layers["havens"] = (generate_havens(area, layers["kernen"], rng("havens"))
                        if name == "Limburg" else
                        _generic_havens(area, layers["kernen"], rng("havens")))
    incidenten, model = generate_incidenten(layers, rng("incidenten"))
    layers["incidenten"] = incidenten
    return layers, model


def generate_land(seed: int = 1, selected: list[str] | None = None, *,
                  on_province: Callable[[str, int, int], None] | None = None
                  ) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Synthetic layers for the chosen provinces (default all 12, 342 gemeenten).

    Returns the layers (kind → frame, EPSG:28992, ids renumbered nationally) and the true
    incident model per province. ``on_province(name, done, total)`` reports progress.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidRequestError(f"Seed moet een geheel getal ≥ 0 zijn, niet {seed!r}.",
                                  seed=str(seed))
    names = provinces(selected)
    areas = {name: DemoArea.provincie(name) for name in names}
    border = national_border()
    if "Limburg" in areas:
        border = pd.concat([border, generate_landsgrens(areas["Limburg"])], ignore_index=True)
    parts: dict[str, list[gpd.GeoDataFrame]] = {kind: [] for kind in LAND_LAYERS}
    models = {}
    for number, name in enumerate(names):
        def rng(kind: str, number: int = number) -> np.random.Generator:
            return np.random.default_rng([int(seed), 100 + number, _STREAMS[kind]])

        layers, models[name] = _province(areas[name], name, border, rng)
        for kind in LAND_LAYERS:
            if kind != "landsgrens":
                parts[kind].append(layers[kind])
        if on_province is not None:
            on_province(name, number + 1, len(names))
    result = {"landsgrens": gpd.GeoDataFrame(border, geometry="geometry", crs=RD_CRS)}
    for kind in LAND_LAYERS:
        if kind != "landsgrens":
            result[kind] = _renumber(kind, pd.concat(parts[kind], ignore_index=True))
    return {kind: result[kind] for kind in LAND_LAYERS}, models


def _renumber(kind: str, frame: pd.DataFrame) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=RD_CRS)
    if kind in _ID_PREFIX and "id" in frame:
        prefix, digits = _ID_PREFIX[kind]
        frame["id"] = [f"{prefix}{i + 1:0{digits}d}" for i in range(len(frame))]
    return frame


def write_land_demo(werkmap: Werkmap, seed: int = 1, selected: list[str] | None = None, *,
                    on_province: Callable[[str, int, int], None] | None = None) -> Path:
    """Generate the national demo, validate every layer and write ``werkmap.lagen``
    atomically; the GeoPackage and every invented layer say ``synthetisch = ja``."""
    layers, models = generate_land(seed, selected, on_province=on_province)
    checked = _validated(layers, seed)
    info = {kind: {"synthetisch": "ja", "bron": f"kaart demo --land (seed {seed})"}
            for kind in checked}
    info["gemeenten"] = {"synthetisch": "nee",
                         "bron": "CBS/Kadaster gebiedsindeling 2024 (gegeneraliseerd)"}
    info["incidenten"]["demo_model"] = json.dumps(models, sort_keys=True, default=str)
    chosen = ", ".join(provinces(selected))
    return write_layers(werkmap.lagen, checked, synthetic=True,
                        description=f"{DESCRIPTION} Provincies: {chosen}. Seed: {seed}.",
                        layer_info=info)


__all__ = ["LAND_LAYERS", "generate_land", "provinces", "synthetic_motorways",
           "write_land_demo"]
