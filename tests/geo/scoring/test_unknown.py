"""Unknown is not zero: an unknown attribute is left out (or imputed), never scored as 0.

Two business parks, identical except for ``leegstand_pct``: unknown (NULL) for A, 0 for
B. Hand-computed with weights leegstand 3 and geen_cameratoezicht 1 (both parks have no
camera, so that indicator's value is 1 for both).
"""

import json

import geopandas as gpd
import numpy as np
import pytest
from numpy.testing import assert_allclose
from shapely import box

from geo.errors import ConfigError
from geo.scoring import compute_gelegenheid
from geo.scoring.config import parse_gelegenheid_config
from geo.scoring.grid import Grid
from geo.scoring.objects import score_objects

CONFIG = """\
versie: 1
themas:
  bedrijventerreinen:
    label: Bedrijventerreinen
    domein: {{modus: binnen, laag: bedrijventerreinen}}
    indicatoren:
      - {{naam: leegstand, label: Leegstand, toelichting: t, soort: attribuut,
         laag: bedrijventerreinen, kolom: leegstand_pct, gewicht: 3,
         normalisatie: {{methode: vast, min: 0, max: 100}}{onbekend}}}
      - {{naam: geen_camera, label: Geen camera, toelichting: t, soort: attribuut,
         laag: bedrijventerreinen, kolom: cameratoezicht, richting: negatief, gewicht: 1,
         normalisatie: {{methode: vast, min: 0, max: 1}}}}
      - {{naam: truck, label: Truckparking, toelichting: t, soort: nabijheid, optioneel: true,
         laag: verzorgingsplaatsen, afstand: 500, gewicht: 5, normalisatie: geen}}
"""


def run(onbekend: str = "", layers=None):
    config = parse_gelegenheid_config(CONFIG.format(onbekend=onbekend), source="t.yaml")
    parken = gpd.GeoDataFrame(
        {"id": ["A", "B"], "leegstand_pct": [np.nan, 0.0],
         "cameratoezicht": [False, False]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs="EPSG:28992")
    grid = Grid.from_bounds((0, 0, 200, 100), 10)
    result = compute_gelegenheid(config, layers or {"bedrijventerreinen": parken}, grid,
                                 np.ones(grid.shape, bool), window=7)
    gemeenten = gpd.GeoDataFrame({"gemeentecode": ["GM0001"], "gemeentenaam": ["Test"]},
                                 geometry=[box(0, 0, 200, 100)], crs="EPSG:28992")
    table = score_objects(parken, result.themes["bedrijventerreinen"], grid, gemeenten)
    return result, table.set_index("id")


def test_unknown_and_zero_give_different_scores_explanations_and_completeness():
    result, table = run()
    theme = result.themes["bedrijventerreinen"]
    # A: leegstand unknown → left out, weights renormalised: (1·1) / 1 = 1.0
    # B: leegstand 0 → (3·0 + 1·1) / 4 = 0.25
    assert_allclose(table.loc["A", "score"], 1.0)
    assert_allclose(table.loc["B", "score"], 0.25)
    assert_allclose(table.loc["A", "volledigheid"], 0.25)  # 1 of weight 4 known
    assert_allclose(table.loc["B", "volledigheid"], 1.0)
    a = {item["indicator"]: item for item in json.loads(table.loc["A", "uitleg"])}
    b = {item["indicator"]: item for item in json.loads(table.loc["B", "uitleg"])}
    assert a["leegstand"]["onbekend"] is True and a["leegstand"]["waarde"] == "onbekend"
    assert a["leegstand"]["ruw"] is None and a["leegstand"]["aandeel"] == 0.0
    assert b["leegstand"]["ruw"] == 0.0 and "onbekend" not in b["leegstand"]
    assert_allclose(sum(i["aandeel"] for i in a.values()), table.loc["A", "score"])
    assert "Onbekend: Leegstand." in table.loc["A", "top_indicatoren"]
    assert "Onbekend" not in table.loc["B", "top_indicatoren"]
    # the cells say the same: completeness raster and per-indicator status
    assert_allclose(theme.completeness[:, :10], 0.25)
    assert_allclose(theme.completeness[:, 10:], 1.0)
    assert (theme.status[0][:, :10] == 1).all() and (theme.status[0][:, 10:] == 0).all()


def test_imputation_is_used_and_marked():
    _, table = run(onbekend=", onbekend: {waarde: 50, toelichting: regionale mediaan}")
    # A: imputed 50 % → (3·0.5 + 1·1) / 4 = 0.625; an imputed value is not a known one
    assert_allclose(table.loc["A", "score"], 0.625)
    assert_allclose(table.loc["A", "volledigheid"], 0.25)
    a = {item["indicator"]: item for item in json.loads(table.loc["A", "uitleg"])}
    assert a["leegstand"]["geimputeerd"] is True and a["leegstand"]["ruw"] == 50.0


def test_missing_optional_layer_switches_its_indicator_off_with_a_notice():
    result, table = run()
    theme = result.themes["bedrijventerreinen"]
    assert [i.name for i in theme.indicators] == ["leegstand", "geen_camera"]
    notice = theme.verantwoording()["uitgeschakeld"][0]
    assert notice["naam"] == "truck" and "laag 'verzorgingsplaatsen' ontbreekt" in \
        notice["melding"]


def test_without_any_theme_left_there_is_nothing_to_compute():
    """Its only theme keeps no indicator: skipped, and with no theme left a Dutch error."""
    config = parse_gelegenheid_config(CONFIG.format(onbekend="").replace(
        "      - {naam: leegstand", "      - {naam: leegstand, optioneel: true").replace(
        "laag: bedrijventerreinen, kolom: leegstand_pct", "laag: x, kolom: leegstand_pct"
    ).replace("laag: bedrijventerreinen, kolom: cameratoezicht, richting",
              "laag: y, optioneel: true, kolom: cameratoezicht, richting"), source="t.yaml")
    grid = Grid.from_bounds((0, 0, 200, 100), 10)
    parken = gpd.GeoDataFrame({"id": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=28992)
    expected = "geen enkel thema kan worden berekend; de lagen verzorgingsplaatsen, x, y "
    with pytest.raises(ConfigError, match=expected):
        compute_gelegenheid(config, {"bedrijventerreinen": parken}, grid,
                            np.ones(grid.shape, bool))


def test_cell_explanation_of_a_stored_run_says_onbekend(tmp_path):
    """explain_point reads onbekend_<thema>.tif: shares add up to the stored score."""
    from geo.scoring.explain import explain_cell

    result, _ = run()
    theme = result.themes["bedrijventerreinen"]
    row, col = 5, 3  # inside park A (leegstand unknown)
    items = explain_cell(theme.raw[:, row, col], theme.norm[:, row, col], theme.indicators,
                         "gewogen_som", status=theme.status[:, row, col])
    assert items[0]["onbekend"] is True and items[0]["aandeel"] == 0.0
    assert_allclose(sum(i["aandeel"] for i in items), theme.score[row, col])
