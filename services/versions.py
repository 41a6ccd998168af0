"""Map versions over time: which versions of an area exist and what changed between two.

Shared by ``kaart vergelijk``, the API (``/api/v1/kaarten/{kaart_id}/versies`` and
``.../veranderingen``) and the report (:mod:`services.report`).

Per object (``objecten.gpkg``, key thema + id) the class change is one of
``omhoog``, ``omlaag``, ``gelijk``, ``nieuw`` (only in the newer version) or ``verdwenen``
(only in the older one). The change raster is the class difference of the overall map
(newer minus older, -4..4; NaN where either version has no class).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio

from geo.atomic import atomic_file, list_versions
from geo.errors import InvalidRequestError, KaartNotFoundError
from geo.export.cog import write_cog
from geo.export.objects import object_layers
from geo.export.tabular import write_safe_csv
from geo.legend import class_rank
from geo.paths import Werkmap
from geo.runs import GELEGENHEID, OBJECTS_FILE, TOTAL, VERANTWOORDING_FILE, map_file
from geo.scoring.grid import Grid

CHANGES: tuple[str, ...] = ("omhoog", "omlaag", "nieuw", "verdwenen", "gelijk")
"""The class changes of an object, in display order."""
CHANGE_FILES = {"csv": "veranderingen.csv", "gpkg": "veranderingen.gpkg",
                "cog": "klasseverschil.tif"}
_COLUMNS = ["thema", "id", "naam", "gemeentenaam", "klasse_van", "klasse_naar",
            "score_van", "score_naar", "verandering"]


@dataclass(frozen=True)
class Version:
    """One complete run folder ``vNNNN`` of an area."""

    versie: int
    path: Path
    tijdstip: str | None
    synthetisch: bool | None


@dataclass(frozen=True)
class Comparison:
    """What changed between two versions of an area's gelegenheidskaart."""

    gebied_id: str
    van: Version
    naar: Version
    objects: gpd.GeoDataFrame
    """One row per object: ``_COLUMNS`` plus geometry (newer version's, else older's)."""
    difference: np.ndarray | None
    """Class difference of the overall map (rows, cols), NaN = no class; None if grids differ."""
    profile: dict | None

    def counts(self) -> dict[str, int]:
        """Number of objects per change (every change named, zero included)."""
        found = self.objects["verandering"].value_counts()
        return {c: int(found.get(c, 0)) for c in CHANGES}

    def changed(self) -> pd.DataFrame:
        """The objects whose class changed, appeared or disappeared (no geometry)."""
        rows = self.objects[self.objects["verandering"] != "gelijk"]
        return pd.DataFrame(rows[_COLUMNS]).reset_index(drop=True)

    def changed_locations(self) -> pd.DataFrame:
        """:meth:`changed` with ``lon``/``lat`` (WGS84) of a point on each object (the
        newer version's geometry, else the older one's); NaN without a geometry."""
        rows = self.objects[self.objects["verandering"] != "gelijk"]
        frame = pd.DataFrame(rows[_COLUMNS]).reset_index(drop=True)
        geometry = rows.geometry.reset_index(drop=True)
        present = geometry.notna() & ~geometry.is_empty
        points = geometry[present].representative_point().to_crs("EPSG:4326")
        frame["lon"] = points.x.reindex(frame.index)
        frame["lat"] = points.y.reindex(frame.index)
        return frame


def list_area_versions(werkmap: Werkmap, gebied_id: str,
                       soort: str = GELEGENHEID.soort) -> list[Version]:
    """Every complete version of ``soort`` for ``gebied_id``, oldest first."""
    result = []
    for path in list_versions(werkmap.run_parent(gebied_id, soort)):
        info = _header(path / VERANTWOORDING_FILE)
        result.append(Version(int(path.name[1:]), path, info.get("tijdstip"),
                              info.get("synthetisch")))
    return result


def _header(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def pick_versions(versions: list[Version], gebied_id: str, van: int | None,
                  naar: int | None) -> tuple[Version, Version]:
    """The two versions to compare: by default the newest and the one before it."""
    if len(versions) < 2 and (van is None or naar is None):
        raise KaartNotFoundError(
            f"Voor gebied {gebied_id} is er {len(versions)} versie van de gelegenheidskaart; "
            "vergelijken kan pas vanaf twee versies.", gebied=gebied_id)
    by_number = {v.versie: v for v in versions}
    naar = versions[-1].versie if naar is None else naar
    if van is None:
        older = [v.versie for v in versions if v.versie < naar]
        van = older[-1] if older else naar
    for number in (van, naar):
        if number not in by_number:
            known = ", ".join(f"v{v.versie}" for v in versions) or "geen"
            raise KaartNotFoundError(
                f"Versie v{number} van gebied {gebied_id} bestaat niet (wel: {known}).",
                gebied=gebied_id, versie=number)
    if van == naar:
        raise InvalidRequestError(f"--van en --naar zijn dezelfde versie (v{van}).")
    return by_number[van], by_number[naar]


def compare_versions(werkmap: Werkmap, gebied_id: str, *, van: int | None = None,
                     naar: int | None = None, soort: str = GELEGENHEID.soort) -> Comparison:
    """Compare two versions of the gelegenheidskaart of ``gebied_id`` (default: last two).

    ``soort`` may be any gelegenheid kind (one with ``objecten.gpkg``).
    """
    versions = list_area_versions(werkmap, gebied_id, soort)
    older, newer = pick_versions(versions, gebied_id, van, naar)
    objects = _compare_objects(older.path / OBJECTS_FILE, newer.path / OBJECTS_FILE)
    difference, profile = _class_difference(older.path / map_file(TOTAL),
                                            newer.path / map_file(TOTAL))
    return Comparison(gebied_id, older, newer, objects, difference, profile)


def _read_objects(path: Path) -> gpd.GeoDataFrame:
    frames = [gpd.read_file(path, layer=layer) for layer in object_layers(path)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return gpd.GeoDataFrame(columns=["thema", "id", "naam", "gemeentenaam", "score",
                                         "klasse", "geometry"], geometry="geometry",
                                crs="EPSG:28992")
    frame = pd.concat(frames, ignore_index=True)
    for column in ("naam", "gemeentenaam"):
        if column not in frame.columns:
            frame[column] = None
    frame["id"] = frame["id"].astype(str)
    return gpd.GeoDataFrame(frame[["thema", "id", "naam", "gemeentenaam", "score", "klasse",
                                   "geometry"]], geometry="geometry", crs="EPSG:28992")


def _compare_objects(old_path: Path, new_path: Path) -> gpd.GeoDataFrame:
    old, new = _read_objects(old_path), _read_objects(new_path)
    merged = new.merge(pd.DataFrame(old), on=["thema", "id"], how="outer",
                       suffixes=("_naar", "_van"), indicator=True)
    geometry = merged["geometry_naar"].where(merged["_merge"] != "right_only",
                                             merged["geometry_van"])
    out = pd.DataFrame({
        "thema": merged["thema"], "id": merged["id"],
        "naam": merged["naam_naar"].where(merged["naam_naar"].notna(), merged["naam_van"]),
        "gemeentenaam": merged["gemeentenaam_naar"].where(
            merged["gemeentenaam_naar"].notna(), merged["gemeentenaam_van"]),
        "klasse_van": merged["klasse_van"].astype("Int64"),
        "klasse_naar": merged["klasse_naar"].astype("Int64"),
        "score_van": merged["score_van"], "score_naar": merged["score_naar"],
    })
    out["verandering"] = [_change(row.klasse_van, row.klasse_naar, kind)
                          for row, kind in zip(out.itertuples(), merged["_merge"], strict=True)]
    order = {c: i for i, c in enumerate(CHANGES)}
    out = out.assign(_order=out["verandering"].map(order)).sort_values(
        ["_order", "thema", "id"]).drop(columns="_order")
    return gpd.GeoDataFrame(out, geometry=geometry.loc[out.index].values,
                            crs="EPSG:28992").reset_index(drop=True)


def _change(van, naar, kind: str) -> str:
    if kind == "left_only" or (pd.isna(van) and not pd.isna(naar)):
        return "nieuw"
    if kind == "right_only" or (pd.isna(naar) and not pd.isna(van)):
        return "verdwenen"
    if pd.isna(van) or van == naar:
        return "gelijk"
    return "omhoog" if class_rank(naar) > class_rank(van) else "omlaag"


def _class_difference(old_cog: Path, new_cog: Path) -> tuple[np.ndarray | None, dict | None]:
    if not (old_cog.is_file() and new_cog.is_file()):
        return None, None
    with rasterio.open(old_cog) as old, rasterio.open(new_cog) as new:
        if old.transform != new.transform or old.shape != new.shape:
            return None, None  # another grid (cell size or area changed): no cell difference
        before, after = old.read(2), new.read(2)
        profile = {"transform": new.transform, "shape": new.shape, "crs": str(new.crs)}
    return (class_rank(after) - class_rank(before)).astype("float32"), profile  # NaN: no class


def comparison_dir(werkmap: Werkmap, comparison: Comparison) -> Path:
    """Default folder for a comparison's files: ``kaarten/<gebied>/veranderingen/vA-vB``."""
    return (werkmap.kaarten / comparison.gebied_id / "veranderingen"
            / f"v{comparison.van.versie:04d}-v{comparison.naar.versie:04d}")


def write_comparison(comparison: Comparison, target: Path) -> list[dict[str, object]]:
    """Write CSV, GeoPackage and change-raster COG into ``target`` (each atomically).

    Returns one ``{pad, soort, aantal}`` per written file.
    """
    target.mkdir(parents=True, exist_ok=True)
    frame = comparison.objects
    written: list[dict[str, object]] = []
    csv_path = target / CHANGE_FILES["csv"]
    with atomic_file(csv_path) as tmp:
        write_safe_csv(pd.DataFrame(frame[_COLUMNS]), tmp)
    written.append({"pad": str(csv_path), "soort": "csv", "aantal": len(frame)})
    gpkg_path = target / CHANGE_FILES["gpkg"]
    with atomic_file(gpkg_path) as tmp:
        frame.to_file(tmp, layer="veranderingen", driver="GPKG")
    written.append({"pad": str(gpkg_path), "soort": "gpkg", "aantal": len(frame)})
    if comparison.difference is not None:
        profile = comparison.profile
        cog_path = target / CHANGE_FILES["cog"]
        grid = Grid(profile["transform"], profile["shape"], profile["crs"])
        write_cog(cog_path, comparison.difference, grid, descriptions=["klasseverschil"],
                  tags={"KAART_SOORT": "veranderingen", "GEBIED_ID": comparison.gebied_id,
                        "VAN": f"v{comparison.van.versie}",
                        "NAAR": f"v{comparison.naar.versie}"})
        cells = int(np.isfinite(comparison.difference).sum())
        written.append({"pad": str(cog_path), "soort": "cog", "aantal": cells})
    return written
