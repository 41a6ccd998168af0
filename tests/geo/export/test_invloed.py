"""kaart leer: point factors over the whole area with a learned spatial influence (issue 13
items 2-3), and a missing layer as a notice (item 6). Synthetic data with a known signal."""

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from geo.export.geleerd import build_geleerd
from geo.export.tabular import read_safe_csv
from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.runs import VERANTWOORDING_FILE


def _helpers():
    path = Path(__file__).with_name("_risico_helpers.py")
    spec = importlib.util.spec_from_file_location("_risico_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _declare_ruis_as_afrit_proximity(run_dir: Path) -> None:
    """The run's kaartverantwoording says 'ruis' is a nabijheid indicator on wegen (afrit)."""
    doc = {"themas": {"bedrijventerreinen": {"indicatoren": [{
        "naam": "ruis", "soort": "nabijheid", "richting": "positief",
        "parameters": {"laag": "wegen", "filter": {"soort": "afrit"}, "afstand": 500.0,
                       "verval": "lineair"}}]}}}
    (run_dir / VERANTWOORDING_FILE).write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def afrit_werkmap(werkmap):
    helpers = _helpers()
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Venlo")
    grid, mask, east = helpers.make_gelegenheid_run(wm, area, 200.0)
    _declare_ruis_as_afrit_proximity(wm.run_parent(area.id, "gelegenheid") / "v0001")
    incidents = helpers.incidents_from_intensity(grid, mask, east)
    return wm, area, grid, mask, incidents


def test_point_factor_is_learned_over_the_whole_area(afrit_werkmap):
    wm, area, grid, mask, incidents = afrit_werkmap
    rows, cols = np.nonzero(mask)
    x0, y0 = grid.transform.c, grid.transform.f
    lines = [LineString([(x0 + (cols[i] + 0.2) * 200, y0 - (rows[i] + 0.5) * 200),
                         (x0 + (cols[i] + 0.8) * 200, y0 - (rows[i] + 0.5) * 200)])
             for i in np.linspace(0, len(rows) - 1, 12).astype(int)]
    wegen = gpd.GeoDataFrame({"soort": ["afrit"] * len(lines)}, geometry=lines,
                             crs="EPSG:28992")
    write_layers(wm.lagen, {"incidenten": incidents, "wegen": wegen}, synthetic=True,
                 description="Synthetische testdata")
    run = build_geleerd(wm, area, n_bootstrap=5, block_m=2000, random_state=0)
    weights = read_safe_csv(run.run_dir / "gewichten.csv").set_index("indicator")
    assert "bedrijventerreinen:ruis" not in weights.index  # replaced by the whole-area factor
    chosen = weights.loc["ruis", "operationalisatie"]
    assert chosen.split()[0] in ("nabijheid-exponentieel", "nabijheid-lineair", "dichtheid")
    assert chosen.endswith(" m")
    doc = json.loads((run.run_dir / VERANTWOORDING_FILE).read_text(encoding="utf-8"))
    invloed = doc["training"]["ruimtelijke_invloed"]
    assert invloed["gekozen"] == {"ruis": chosen} and invloed["meldingen"] == []
    assert weights.loc["bedrijventerreinen:oost", "beta"] > 1.5  # the true signal stays


def test_missing_layer_leaves_the_indicator_with_a_notice(afrit_werkmap):
    wm, area, _, _, incidents = afrit_werkmap
    write_layers(wm.lagen, {"incidenten": incidents}, synthetic=True,
                 description="Synthetische testdata zonder wegen")
    run = build_geleerd(wm, area, n_bootstrap=0, block_m=2000, random_state=0)
    weights = read_safe_csv(run.run_dir / "gewichten.csv").set_index("indicator")
    assert "bedrijventerreinen:ruis" in weights.index
    assert run.summary["meldingen"] == [
        "Laag 'wegen' ontbreekt: bedrijventerreinen:ruis blijft zoals in de "
        "gelegenheidskaart (alleen binnen het domein, vaste afstand)."]
