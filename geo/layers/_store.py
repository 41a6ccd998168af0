"""The werkmap's ``invoer/lagen.gpkg``: one GPKG layer per kind, written atomically.

Dataset metadata: ``synthetisch`` (``ja``/``nee``) and ``beschrijving``; layer metadata:
``synthetisch``, ``bron`` and ``geimporteerd`` per layer, so that a real layer imported
into a synthetic werkmap stays recognisable (the dataset stays ``synthetisch = ja``
while any layer is synthetic).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pyogrio

from geo import RD_CRS
from geo.atomic import atomic_file
from geo.errors import InputFileError, OutputError, UnknownLayerError
from geo.layers._normalise import suggest
from geo.paths import no_sidecar_files

DATASET_KEYS = ("synthetisch", "beschrijving")


def _check_kinds(kinds: Iterable[str], known: tuple[str, ...]) -> None:
    for kind in kinds:
        if kind not in known:
            raise UnknownLayerError(
                f"Onbekende laagsoort '{kind}'.{suggest(kind, list(known))} "
                f"Bekende soorten: {', '.join(known)}.", soort=kind, bekend=list(known))


def _no_sidecar_files() -> None:
    """Stop GDAL writing ``lagen.gpkg.aux.xml`` (PAM) next to the GeoPackage."""
    no_sidecar_files()


def _info(path: Path, layer: str | None = None) -> dict:
    _no_sidecar_files()
    try:
        return pyogrio.read_info(path, layer=layer)
    except Exception as error:  # noqa: BLE001
        raise InputFileError(f"'{path}' is geen leesbare GeoPackage: {error}",
                             bestand=str(path)) from error


def layer_names(gpkg_path: str | os.PathLike[str]) -> list[str]:
    """Names of the layers in a GeoPackage (empty if the file does not exist)."""
    path = Path(gpkg_path)
    if not path.exists():
        return []
    _no_sidecar_files()
    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as error:  # noqa: BLE001
        raise InputFileError(f"'{path}' is geen leesbare GeoPackage: {error}",
                             bestand=str(path)) from error


def read_layers(gpkg_path: str | os.PathLike[str], kinds: Iterable[str] | None,
                known: tuple[str, ...]) -> dict[str, gpd.GeoDataFrame]:
    path = Path(gpkg_path)
    wanted = list(known if kinds is None else kinds)
    _check_kinds(wanted, known)
    if not path.exists():
        raise InputFileError(
            f"Geen invoerlagen gevonden ({path} bestaat niet). Maak ze met 'kaart demo' of "
            "'kaart importeer'.", bestand=str(path))
    present = set(layer_names(path))
    layers = {}
    for kind in wanted:
        if kind not in present:
            continue
        try:
            frame = pyogrio.read_dataframe(path, layer=kind)
        except Exception as error:  # noqa: BLE001
            raise InputFileError(f"Laag '{kind}' in '{path}' is niet te lezen: {error}",
                                 bestand=str(path), laag=kind) from error
        if "datum" in frame.columns and hasattr(frame["datum"], "dt"):
            if frame["datum"].dt.tz is not None:
                frame["datum"] = frame["datum"].dt.tz_localize(None)
            frame["datum"] = frame["datum"].astype("datetime64[ns]")
        layers[kind] = frame.set_crs(RD_CRS, allow_override=True)
    return layers


def layer_metadata(gpkg_path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Per layer: its metadata plus ``aantal`` (feature count) and ``geometrie``."""
    path = Path(gpkg_path)
    result = {}
    for name in layer_names(path):
        info = _info(path, name)
        meta = dict(info.get("layer_metadata") or {})
        meta["aantal"] = int(info["features"])
        meta["geometrie"] = info["geometry_type"]
        result[name] = meta
    return result


def dataset_metadata(gpkg_path: str | os.PathLike[str]) -> dict[str, str]:
    """The GeoPackage's dataset metadata (empty if the file does not exist)."""
    path = Path(gpkg_path)
    names = layer_names(path)
    if not names:
        return {}
    return dict(_info(path, names[0]).get("dataset_metadata") or {})


def write_layers(gpkg_path: str | os.PathLike[str], layers: dict[str, gpd.GeoDataFrame], *,
                 synthetic: bool, description: str, known: tuple[str, ...],
                 layer_info: dict[str, dict[str, str]] | None = None) -> Path:
    """Write all ``layers`` to a temporary GPKG, then replace ``gpkg_path``."""
    _check_kinds(layers, known)
    if not layers:
        raise OutputError("Geen lagen om te schrijven.", bestand=str(gpkg_path))
    layer_info = layer_info or {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    target = Path(gpkg_path)
    with atomic_file(target) as tmp:
        for number, (kind, frame) in enumerate(layers.items()):
            meta = {"synthetisch": "ja" if synthetic else "nee", "geschreven": now}
            meta.update(layer_info.get(kind, {}))
            frame = frame if frame.crs is not None else frame.set_crs(RD_CRS)
            try:
                pyogrio.write_dataframe(
                    frame.to_crs(RD_CRS), tmp, layer=kind, driver="GPKG",
                    promote_to_multi=_promote(frame),
                    dataset_metadata=({"synthetisch": "ja" if synthetic else "nee",
                                       "beschrijving": description} if number == 0 else None),
                    layer_metadata=meta)
            except Exception as error:  # noqa: BLE001
                raise OutputError(f"Schrijven van laag '{kind}' naar {target.name} mislukt: "
                                  f"{error}", bestand=str(target), laag=kind) from error
    return target


def _promote(frame: gpd.GeoDataFrame) -> bool:
    """Promote to Multi* only when the layer mixes single and multi geometries."""
    kinds = set(frame.geom_type.dropna().unique())
    return len(kinds) > 1 and all(k.replace("Multi", "") == next(iter(kinds)).replace("Multi", "")
                                  for k in kinds)
