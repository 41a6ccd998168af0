"""Builders for the API tests: tiny real outputs (64×64 COGs near Vaals, an objecten.gpkg, a
kaartverantwoording), a catalog, the users of every role and the expected visibility."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
from affine import Affine
from rasterio.io import MemoryFile
from rio_cogeo.cogeo import cog_translate
from rio_cogeo.profiles import cog_profiles
from shapely.geometry import Point, box

from geo.catalog import Catalog, KaartEntry, make_kaart_id
from geo.export.webcog import write_web_cog
from geo.paths import Werkmap

ORIGIN = (196000.0, 310000.0)  # top-left (RD), inside Vaals
CELL = 10.0
SIZE = 64
NODATA_CORNER = 16  # rows/cols 0..15 are outside the area
MH = ["GM0935", "GM0938", "GM0981", "GM0994", "GM1729", "GM1903"]  # Maastricht-Heuvelland
PARKSTAD = ["GM0882", "GM0899", "GM0917", "GM0928", "GM0965", "GM0986", "GM1954"]
PASSWORD = "correct-paard-batterij-nietje"


def class_array() -> np.ndarray:
    """Class 1..5 by column (13 columns each), 0 in the top-left nodata corner."""
    cols = np.tile(np.arange(SIZE), (SIZE, 1))
    klasse = np.minimum(cols // 13 + 1, 5).astype("float32")
    klasse[:NODATA_CORNER, :NODATA_CORNER] = 0
    return klasse


def score_array() -> np.ndarray:
    rows, cols = np.indices((SIZE, SIZE))
    score = ((rows + cols) / (2 * (SIZE - 1))).astype("float32")
    score[:NODATA_CORNER, :NODATA_CORNER] = np.nan
    return score


def write_test_cog(path: Path, soort: str = "gelegenheid", origin=ORIGIN) -> Path:
    """A 64×64 two-band float32 COG in EPSG:28992 (band 1 score NaN-nodata, band 2 class)."""
    klasse = class_array()
    if soort == "gecombineerd":
        klasse = np.where(klasse > 0, klasse + 4, 0).astype("float32")  # 5..9
    profile = {"driver": "GTiff", "dtype": "float32", "count": 2, "height": SIZE, "width": SIZE,
               "crs": "EPSG:28992", "nodata": float("nan"),
               "transform": Affine(CELL, 0, origin[0], 0, -CELL, origin[1])}
    path.parent.mkdir(parents=True, exist_ok=True)
    with MemoryFile() as memfile:
        with memfile.open(**profile) as mem:
            mem.write(np.stack([score_array(), klasse]))
            mem.set_band_description(1, "score")
            mem.set_band_description(2, "klasse")
            mem.update_tags(KAART_SOORT=soort)
        with memfile.open() as src:
            dst = cog_profiles.get("deflate")
            dst.update(blockxsize=64, blockysize=64)
            cog_translate(src, str(path), dst, nodata=float("nan"), in_memory=True, quiet=True,
                          overview_resampling="nearest")
    return path


def cell_center(row: int, col: int) -> tuple[float, float]:
    return ORIGIN[0] + (col + 0.5) * CELL, ORIGIN[1] - (row + 0.5) * CELL


def write_test_objects(path: Path) -> Path:
    """bedrijventerreinen (3 polygons) and vakantieparken (2 polygons) inside the COG."""
    x0, y0 = ORIGIN
    terreinen = gpd.GeoDataFrame({
        "id": ["bt1", "bt2", "bt3"], "naam": ["Noord", "Midden", "Zuid"],
        "gemeentecode": ["GM0981"] * 3, "gemeentenaam": ["Vaals"] * 3,
        "thema": ["bedrijventerreinen"] * 3, "score": [0.3, 0.9, 0.6],
        "klasse": [2, 5, 3], "klasse_naam": ["laag", "zeer hoog", "gemiddeld"],
        "rang_gemeente": [3, 1, 2], "rang_gebied": [3, 1, 2],
        "top_indicatoren": ["leegstand", "snelweg", "grens"],
        "uitleg": [json.dumps([{"indicator": "leegstand", "aandeel": s}]) for s in (0.3, 0.9, .6)],
    }, geometry=[box(x0 + 10, y0 - 100, x0 + 90, y0 - 20),
                 box(x0 + 300, y0 - 300, x0 + 400, y0 - 200),
                 box(x0 + 500, y0 - 600, x0 + 600, y0 - 500)], crs="EPSG:28992")
    parken = gpd.GeoDataFrame({
        "id": ["vp1", "vp2"], "naam": ["Heide", "Bos"], "gemeentecode": ["GM0981"] * 2,
        "gemeentenaam": ["Vaals"] * 2, "thema": ["vakantieparken"] * 2, "score": [0.75, 0.1],
        "klasse": [4, 1], "klasse_naam": ["hoog", "zeer laag"], "rang_gemeente": [1, 2],
        "rang_gebied": [1, 2], "top_indicatoren": ["bewoning", "toegang"],
        "uitleg": [json.dumps([{"indicator": "bewoning", "aandeel": 0.75}]), "[]"],
    }, geometry=[Point(x0 + 200, y0 - 200).buffer(30), Point(x0 + 620, y0 - 620).buffer(15)],
        crs="EPSG:28992")
    terreinen.to_file(path, layer="bedrijventerreinen", driver="GPKG", engine="pyogrio")
    parken.to_file(path, layer="vakantieparken", driver="GPKG", engine="pyogrio", append=True)
    return path


UITLEG_INDICATOREN = [
    {"naam": "leegstand", "label": "Leegstand", "soort": "attribuut", "gewicht": 2.0,
     "richting": "positief"},
    {"naam": "afstand_snelweg", "label": "Afstand tot snelweg", "soort": "afstand",
     "gewicht": 1.0, "richting": "positief"},
]
UITLEG_RUW = (12.0, 800.0)
UITLEG_NORM = (0.6, 0.3)
"""Every cell: shares 2·0.6/3 = 0.4 and 1·0.3/3 = 0.1 (gewogen som)."""


def write_test_uitleg(path: Path) -> Path:
    """``uitleg_totaal.tif``: bands ruw:* then norm:*, constant per band."""
    bands = np.stack([np.full((SIZE, SIZE), v, dtype="float32")
                      for v in (*UITLEG_RUW, *UITLEG_NORM)])
    profile = {"driver": "GTiff", "dtype": "float32", "count": 4, "height": SIZE,
               "width": SIZE, "crs": "EPSG:28992", "nodata": float("nan"),
               "transform": Affine(CELL, 0, ORIGIN[0], 0, -CELL, ORIGIN[1])}
    import rasterio

    with rasterio.open(path, "w", **profile) as dst:
        dst.write(bands)
    return path


@dataclass(frozen=True)
class MapSpec:
    gebied_id: str
    soort: str
    gemeenten: tuple[str, ...]

    @property
    def kaart_id(self) -> str:
        return make_kaart_id(self.gebied_id, self.soort)


MAPS = {
    "vaals_gel": MapSpec("GM0981", "gelegenheid", ("GM0981",)),
    "vaals_risico": MapSpec("GM0981", "risico", ("GM0981",)),
    "vaals_geleerd": MapSpec("GM0981", "gelegenheid_geleerd", ("GM0981",)),
    "heerlen_gel": MapSpec("GM0917", "gelegenheid", ("GM0917",)),
    "mh_gel": MapSpec("regio-maastricht-heuvelland", "gelegenheid", tuple(MH)),
    "mh_gecombineerd": MapSpec("regio-maastricht-heuvelland", "gecombineerd", tuple(MH)),
}

USERS = {
    # name: (rol, organisatie, gemeenten, vertrouwelijk)
    "beheerder_vaals": ("beheerder", "Gemeente Vaals", ["GM0981"], False),
    "gemeente_vaals": ("gemeente", "Gemeente Vaals", ["GM0981"], False),
    "gemeente_vaals_vertr": ("gemeente", "Gemeente Vaals", ["GM0981"], True),
    "analist_mh": ("analist", "RIEC Maastricht-Heuvelland", MH, False),
    "planner_mh": ("planner", "RIEC Maastricht-Heuvelland", MH, False),
    "gemeente_heerlen": ("gemeente", "Gemeente Heerlen", ["GM0917"], False),
    "analist_parkstad": ("analist", "RIEC Parkstad", PARKSTAD, False),
}

VISIBLE = {
    "beheerder_vaals": {"vaals_gel"},
    "gemeente_vaals": {"vaals_gel"},
    "gemeente_vaals_vertr": {"vaals_gel", "vaals_risico", "vaals_geleerd"},
    "analist_mh": {"vaals_gel", "vaals_risico", "vaals_geleerd", "mh_gel", "mh_gecombineerd"},
    "planner_mh": {"vaals_gel", "vaals_risico", "vaals_geleerd", "mh_gel", "mh_gecombineerd"},
    "gemeente_heerlen": {"heerlen_gel"},
    "analist_parkstad": {"heerlen_gel"},
}
"""Hand-written expectations (not computed by the code under test)."""


def build_werkmap(root: Path) -> Werkmap:
    """Outputs and catalog entries for every map in :data:`MAPS`."""
    werkmap = Werkmap.open(root)
    entries = []
    for spec in MAPS.values():
        run = werkmap.run_parent(spec.gebied_id, spec.soort) / "v0001"
        cog_name = {"gelegenheid": "gelegenheidskaart.tif", "risico": "risicokaart.tif",
                    "gecombineerd": "gecombineerde_kaart.tif",
                    "gelegenheid_geleerd": "gelegenheidskaart.tif"}[spec.soort]
        write_web_cog(write_test_cog(run / cog_name, spec.soort))  # as the run writer does
        objecten = None
        if spec.soort == "gelegenheid":
            objecten = write_test_objects(run / "objecten.gpkg").name
        document = {"kaart_id": spec.kaart_id, "synthetisch": True,
                    "klassegrenzen": {"totaal": [.2, .4, .6, .8]}}
        if spec.soort == "gelegenheid":
            write_test_uitleg(run / "uitleg_totaal.tif")
            document["themas"] = {"totaal": {"combinatie": "gewogen_som",
                                             "indicatoren": UITLEG_INDICATOREN,
                                             "klassegrenzen": [.2, .4, .6, .8]}}
        (run / "kaartverantwoording.json").write_text(json.dumps(document), encoding="utf-8")
        entries.append(KaartEntry(
            kaart_id=spec.kaart_id, gebied_id=spec.gebied_id, gebied_naam=spec.gebied_id,
            gebied_soort="gemeente" if spec.gebied_id.startswith("GM") else "regio",
            gemeenten=list(spec.gemeenten), soort=spec.soort, thema="totaal", versie=1,
            datum="2026-11-20T10:00:00+00:00", run_dir=werkmap.relative(run), cog=cog_name,
            objecten=objecten, verantwoording="kaartverantwoording.json", synthetisch=True,
            # as catalogs before geo.runs wrote them: a learned map was not marked confidential
            vertrouwelijk=spec.soort in ("risico", "gecombineerd"),
        ))
    Catalog(werkmap).register(entries)
    return werkmap


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_png(content: bytes) -> np.ndarray:
    """Decode a PNG with rasterio as RGBA: (4, rows, cols); a paletted PNG is expanded."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    with MemoryFile(content) as memfile, memfile.open() as dataset:
        pixels = dataset.read()
        if dataset.count == 1:
            table = np.zeros((256, 4), dtype="uint8")
            for code, rgba in dataset.colormap(1).items():
                table[code] = rgba
            return np.moveaxis(table[pixels[0]], -1, 0)
        return pixels


def form_token(client) -> str:
    """The CSRF token of the login form (whichever router serves /inloggen)."""
    html = client.get("/inloggen").text
    match = re.search(r"name=[\"']csrf_token[\"'][^>]*value=[\"']([^\"']+)[\"']", html) or \
        re.search(r"value=[\"']([^\"']+)[\"'][^>]*name=[\"']csrf_token[\"']", html)
    return match.group(1)
