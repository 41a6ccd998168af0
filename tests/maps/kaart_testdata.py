"""Tiny finished outputs for map, page and browser tests (synthetic, built in tmp_path).

``build_test_werkmap(root)`` writes, for Vaals (GM0981) and Gulpen-Wittem (GM1729):

* a gelegenheid run: ``gelegenheidskaart.tif`` and ``thema_bedrijventerreinen.tif``
  (64 × 64 cells of 125 m; score = column / 63, class = column // 13 + 1, so the class
  rises from 1 in the west to 5 in the east), ``objecten.gpkg`` and
  ``kaartverantwoording.json``;
* for Vaals also a risico run (``risicokaart.tif``) and a gecombineerd run, both
  registered as ``vertrouwelijk``.

Every value is hand-computable from the formulas above, so tests can assert pixels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from rasterio.io import MemoryFile
from rasterio.shutil import copy as rio_copy
from shapely.geometry import Point, box

from geo.catalog import Catalog, KaartEntry, make_kaart_id
from geo.paths import Werkmap

CELL = 125.0
SIZE = 64
ORIGINS = {"GM0981": (192_500.0, 313_000.0), "GM1729": (186_000.0, 316_000.0)}
NAMES = {"GM0981": "Vaals", "GM1729": "Gulpen-Wittem"}
DATE = "2026-11-20T10:00:00+00:00"


@dataclass(frozen=True)
class BuiltWerkmap:
    root: Path
    werkmap: Werkmap


def expected_class(col: int) -> int:
    """Class of a cell in column ``col`` (the formula every test COG uses)."""
    return col // 13 + 1


def write_test_cog(path: Path, gebied_id: str, soort: str, thema: str, bands: int = 2) -> None:
    """Write a 64 × 64 COG whose class rises west → east (see module docstring)."""
    x0, y1 = ORIGINS[gebied_id]
    transform = Affine(CELL, 0, x0, 0, -CELL, y1)
    cols = np.tile(np.arange(SIZE), (SIZE, 1))
    score = (cols / (SIZE - 1)).astype("float32")
    klasse = (cols // 13 + 1).astype("uint8")
    if soort == "gecombineerd":
        klasse = np.clip(cols // 7 + 1, 1, 9).astype("uint8")
    score[:4, :4] = np.nan  # a nodata corner
    klasse[:4, :4] = 0
    profile = dict(driver="GTiff", width=SIZE, height=SIZE, count=bands, dtype="float32",
                   crs="EPSG:28992", transform=transform, nodata=np.nan)
    with MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(score, 1)
            dst.write(klasse.astype("float32"), 2)
            if bands == 3:
                dst.write(score * 3, 3)
            dst.descriptions = ("score", "klasse", "gi_z")[:bands]
            dst.update_tags(KAART_SOORT=soort, KAART_THEMA=thema, GEBIED_ID=gebied_id,
                            SYNTHETISCH="ja", KLASSEGRENZEN="[0.2, 0.4, 0.6, 0.8]")
        with mem.open() as src:
            path.parent.mkdir(parents=True, exist_ok=True)
            rio_copy(src, path, driver="COG", overview_resampling="nearest")


def _uitleg(score: float) -> str:
    rows = [
        {"indicator": "leegstand", "label": "Leegstand", "ruw": 12.5, "genormaliseerd": 0.6,
         "gewicht": 0.5, "aandeel": round(score * 0.6, 4)},
        {"indicator": "afstand_snelweg", "label": "Afstand tot snelweg-afrit", "ruw": 850.0,
         "genormaliseerd": 0.4, "gewicht": 0.5, "aandeel": round(score * 0.4, 4)},
    ]
    return json.dumps(rows, ensure_ascii=False)


def _object_rows(gebied_id: str, thema: str) -> list[dict]:
    x0, y1 = ORIGINS[gebied_id]
    naam = NAMES[gebied_id]
    if thema == "bedrijventerreinen":
        specs = [("BT1", "Bedrijvenpark Oost", 6000, 3000, 0.91, 5),
                 ("BT2", "Industrieterrein <West>", 2500, 4000, 0.15, 1)]
    elif thema == "vakantieparken":
        specs = [("VP1", "Vakantiepark De Heuvel", 4500, 5000, 0.55, 3)]
    else:
        specs = [("BG1", None, 3000, 2000, 0.72, 4), ("BG2", None, 5200, 4500, 0.33, 2)]
    rows = []
    for rank, (oid, oname, dx, dy, score, klasse) in enumerate(
            sorted(specs, key=lambda s: -s[4]), start=1):
        x, y = x0 + dx, y1 - dy
        geom = Point(x, y) if thema == "buitengebied" else box(x - 250, y - 200, x + 250, y + 200)
        rows.append({
            "id": f"{gebied_id}-{oid}", "naam": oname, "gemeentecode": gebied_id,
            "gemeentenaam": naam, "thema": thema, "score": score, "klasse": klasse,
            "klasse_naam": ["zeer laag", "laag", "gemiddeld", "hoog", "zeer hoog"][klasse - 1],
            "rang_gemeente": rank, "rang_gebied": rank,
            "top_indicatoren": "Leegstand (60%), Afstand tot snelweg-afrit (40%)",
            "uitleg": _uitleg(score), "geometry": geom,
        })
    return rows


def write_test_objects(path: Path, gebied_id: str) -> int:
    count = 0
    for thema in ("bedrijventerreinen", "vakantieparken", "buitengebied"):
        frame = gpd.GeoDataFrame(_object_rows(gebied_id, thema), crs="EPSG:28992")
        frame.to_file(path, layer=thema, driver="GPKG", engine="pyogrio")
        count += len(frame)
    return count


def verantwoording(gebied_id: str, soort: str) -> dict:
    """A kaartverantwoording in the layout of ``geo.export.verantwoording``."""
    x0, y1 = ORIGINS[gebied_id]
    indicators = [
        {"naam": "leegstand", "label": "Leegstand", "toelichting": "Leegstand trekt misbruik aan.",
         "soort": "attribuut", "gewicht": 0.5, "richting": "positief",
         "normalisatie": {"methode": "minmax"}, "parameters": {"kolom": "leegstand_pct"}},
        {"naam": "afstand_snelweg", "label": "Afstand tot snelweg-afrit",
         "toelichting": "Dicht bij een afrit is snel weg.", "soort": "afstand", "gewicht": 0.5,
         "richting": "negatief", "normalisatie": {"methode": "minmax"},
         "parameters": {"max_m": 5000}},
    ]
    doc = {
        "kaart": "gelegenheidskaart" if soort == "gelegenheid" else f"{soort}kaart",
        "soort": soort, "versie": 1,
        "gebied": {"id": gebied_id, "naam": NAMES[gebied_id], "soort": "gemeente",
                   "gemeenten": [{"gemeentecode": gebied_id, "gemeentenaam": NAMES[gebied_id]}]},
        "grid": {"celgrootte": CELL, "transform": [CELL, 0.0, x0, 0.0, -CELL, y1],
                 "vorm": [SIZE, SIZE], "crs": "EPSG:28992",
                 "grenzen": [x0, y1 - SIZE * CELL, x0 + SIZE * CELL, y1],
                 "cellen_in_gebied": SIZE * SIZE - 16},
        "invoer": [
            {"pad": "/srv/werkmap/invoer/lagen.gpkg", "laag": "bedrijventerreinen", "aantal": 2,
             "sha256": "ab" * 32, "datum": "2026-11-19T08:00:00+00:00"},
            {"pad": "/srv/werkmap/invoer/lagen.gpkg", "laag": "wegen", "aantal": 40,
             "sha256": "ab" * 32, "datum": "2026-11-19T08:00:00+00:00"},
        ],
        "indicatorconfiguratie": None,
        "themas": {"bedrijventerreinen": {
            "thema": "bedrijventerreinen", "label": "Bedrijventerreinen",
            "combinatie": "gewogen_som", "intercept": 0.0, "indicatoren": indicators,
            "klassegrenzen": [0.2, 0.4, 0.6, 0.8], "normalisatie_statistieken": {}}},
        "klassegrenzen": {"bedrijventerreinen": [0.2, 0.4, 0.6, 0.8]},
        "uitvoer": [], "software": {"naam": "kaart", "versie": "0.1.0"},
        "tijdstip": DATE, "synthetisch": True,
        "opmerking": "Synthetische demodata — geen echte gegevens.",
    }
    if soort != "gelegenheid":
        del doc["themas"], doc["indicatorconfiguratie"]
        doc["klassegrenzen"] = [1.0, 2.0, 4.0, 8.0]
        doc[soort] = {"peildatum": "2026-11-01", "kern": "quartic", "bandbreedte_m": 500,
                      "k_anonimiteit": 5, "incidenten": 12}
        doc["privacy"] = "Cellen met minder dan 5 incidenten in de buurt zijn onderdrukt."
        doc["vertrouwelijk"] = True
    return doc


def _entry(wm: Werkmap, run: Path, gebied_id: str, soort: str, thema: str, cog: str,
           objecten: str | None) -> KaartEntry:
    return KaartEntry(
        kaart_id=make_kaart_id(gebied_id, soort, thema), gebied_id=gebied_id,
        gebied_naam=NAMES[gebied_id], gebied_soort="gemeente", gemeenten=[gebied_id],
        soort=soort, thema=thema, versie=1, datum=DATE, run_dir=wm.relative(run), cog=cog,
        objecten=objecten, verantwoording="kaartverantwoording.json", synthetisch=True,
        vertrouwelijk=soort in ("risico", "gecombineerd"),
    )


def build_test_werkmap(root: Path, gebieden: tuple[str, ...] = ("GM0981", "GM1729"),
                       confidential: bool = True) -> BuiltWerkmap:
    """Write finished outputs for ``gebieden`` into a werkmap at ``root``."""
    wm = Werkmap.open(root)
    entries: list[KaartEntry] = []
    for gebied_id in gebieden:
        run = wm.run_parent(gebied_id, "gelegenheid") / "v0001"
        write_test_cog(run / "gelegenheidskaart.tif", gebied_id, "gelegenheid", "totaal")
        write_test_cog(run / "thema_bedrijventerreinen.tif", gebied_id, "gelegenheid",
                       "bedrijventerreinen")
        write_test_objects(run / "objecten.gpkg", gebied_id)
        (run / "kaartverantwoording.json").write_text(
            json.dumps(verantwoording(gebied_id, "gelegenheid"), ensure_ascii=False),
            encoding="utf-8")
        entries.append(_entry(wm, run, gebied_id, "gelegenheid", "totaal",
                              "gelegenheidskaart.tif", "objecten.gpkg"))
        entries.append(_entry(wm, run, gebied_id, "gelegenheid", "bedrijventerreinen",
                              "thema_bedrijventerreinen.tif", "objecten.gpkg"))
        if confidential and gebied_id == "GM0981":
            for soort, name, bands in (("risico", "risicokaart.tif", 3),
                                       ("gecombineerd", "gecombineerde_kaart.tif", 2)):
                run = wm.run_parent(gebied_id, soort) / "v0001"
                write_test_cog(run / name, gebied_id, soort, "totaal", bands=bands)
                (run / "kaartverantwoording.json").write_text(
                    json.dumps(verantwoording(gebied_id, soort)), encoding="utf-8")
                entries.append(_entry(wm, run, gebied_id, soort, "totaal", name, None))
            evaluation = wm.run_parent(gebied_id, "evaluatie") / "v0001"
            evaluation.mkdir(parents=True)
            (evaluation / "kaartverantwoording.json").write_text(json.dumps({
                "kaart": "evaluatie", "soort": "evaluatie", "evaluatie": {
                    "splitsing": "2025-01-01", "methode": "Temporele hold-out.",
                    "tabel": [{"kaart": "deskundig", "dekking": 0.1, "trefkans": 0.42,
                               "pai": 4.2}]}}), encoding="utf-8")
    Catalog(wm).register(entries)
    return BuiltWerkmap(wm.root, wm)


def read_class(path: Path, row: int, col: int) -> int:
    with rasterio.open(path) as src:
        return int(src.read(2)[row, col])
