"""A tiny synthetic werkmap for run and CLI tests: Vaals and Gulpen-Wittem, a few objects each.

Used by ``tests/geo/export/test_run_pipeline.py`` and ``tests/cli/test_gelegenheid.py``.
Synthetic (``synthetisch = ja``); objects sit at fixed offsets from each gemeente's
representative point so the layout is deterministic.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from geo.layers import validate_layer, write_layers
from geo.layers.gemeenten import select_area

CODES = ("GM0981", "GM1729")  # Vaals, Gulpen-Wittem


def _frame(records, geometries):
    return gpd.GeoDataFrame(records, geometry=geometries, crs="EPSG:28992")


def make_layers() -> dict[str, gpd.GeoDataFrame]:
    area = select_area(gemeente=list(CODES))
    gem = area.gemeenten.sort_values("gemeentecode")
    anchors = [g.representative_point() for g in gem.geometry]
    bt, bg, hv, vp, kern = [], [], [], [], []
    bt_geoms, bg_geoms, hv_geoms, vp_geoms, kern_geoms = [], [], [], [], []
    for i, (code, p) in enumerate(zip(gem["gemeentecode"], anchors, strict=True)):
        x, y = p.x, p.y
        kern.append({"naam": f"Kern {code}"})
        kern_geoms.append(box(x - 600, y - 600, x + 600, y + 600))
        for j, (dx, leeg) in enumerate([(900, 40.0), (1500, 5.0)]):
            bt.append({"id": f"BT{i}{j}", "naam": f"Terrein {code}-{j}", "aantal_vestigingen": 20,
                       "leegstand_pct": leeg, "verzamelgebouwen": 2 + j,
                       "woonfunctie_pct": 10.0 * j, "keurmerk_kvo": bool(j),
                       "cameratoezicht": bool(j), "bouwjaar_mediaan": 1975 + 20 * j})
            bt_geoms.append(box(x + dx, y - 200, x + dx + 400, y + 200))
        for j, (dx, dy) in enumerate([(-1500, 800), (-1800, -900), (-2200, 300)]):
            bg.append({"id": f"BG{i}{j}", "soort": ["schuur", "woning", "stal"][j],
                       "leegstaand": j != 1, "stoppend_bedrijf": j == 2,
                       "oppervlakte_m2": 500.0 + 100 * j})
            bg_geoms.append(Point(x + dx, y + dy))
        hv.append({"id": f"HV{i}", "naam": f"Airstrip {code}", "soort": "airstrip",
                   "ligplaatsen": 0, "nachtregister": False, "toezicht_24_7": False})
        hv_geoms.append(Point(x - 900, y - 1500))
        vp.append({"id": f"VP{i}", "naam": f"Park {code}", "aantal_eenheden": 80,
                   "permanente_bewoning_pct": 30.0 + 20 * i, "arbeidsmigranten_pct": 10.0,
                   "versnipperd_eigendom": True, "toegangscontrole": False,
                   "vitaliteit": "niet_vitaal"})
        vp_geoms.append(box(x - 300, y + 900, x + 300, y + 1300))
    xmin, ymin, xmax, ymax = area.bounds
    layers = {
        "gemeenten": gem[["gemeentecode", "gemeentenaam", "provincie", "veiligheidsregio",
                          "regio", "geometry"]].reset_index(drop=True),
        "kernen": _frame(kern, kern_geoms),
        "bedrijventerreinen": _frame(bt, bt_geoms),
        "buitengebied": _frame(bg, bg_geoms),
        "havens": _frame(hv, hv_geoms),
        "vakantieparken": _frame(vp, vp_geoms),
        "wegen": _frame({"soort": ["snelweg", "afrit"], "naam": ["A76", "afrit 1"]},
                        [LineString([(xmin, ymin + 3000), (xmax, ymin + 3000)]),
                         LineString([(xmin + 4000, ymin + 3000), (xmin + 4000, ymin + 3400)])]),
        "landsgrens": _frame({"naam": ["Duitsland"]},
                             [LineString([(xmax - 200, ymin), (xmax - 200, ymax)])]),
        # a confidential police incident: a gelegenheidskaart must never read it
        "incidenten": _frame({"id": ["I1"], "datum": ["2024-05-01"], "soort": ["drugslab"],
                              "bron": ["politie"], "vertrouwelijk": [True]},
                             [Point(anchors[0].x + 100, anchors[0].y + 100)]),
    }
    return {kind: validate_layer(kind, frame, source="tiny") for kind, frame in layers.items()}


def make_tiny_werkmap(root: Path) -> Path:
    """Write ``root/invoer/lagen.gpkg`` (synthetic) and return ``root``."""
    root = Path(root)
    write_layers(root / "invoer" / "lagen.gpkg", make_layers(), synthetic=True,
                 description="Kleine synthetische testset (Vaals, Gulpen-Wittem)")
    return root
