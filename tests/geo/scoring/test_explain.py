"""Explanations: shares add up to the score (both forms), and reading a stored run back."""

import json
import math

import numpy as np
import pytest
import rasterio
from gelegenheid_factories import HAND, hand_layers
from numpy.testing import assert_allclose

from geo.errors import KaartNotFoundError, OutputError
from geo.scoring import IndicatorInfo, compute_gelegenheid, explain_cell, explain_point
from geo.scoring.combine import combine
from geo.scoring.config import parse_gelegenheid_config
from geo.scoring.grid import Grid

INFOS = [IndicatorInfo("a", "A", "r", "attribuut", 2.0),
         IndicatorInfo("b", "B", "r", "nabijheid", 1.0),
         IndicatorInfo("c", "C", "r", "attribuut", 1.0, "negatief")]


def _shares(expl):
    return sum(e["aandeel"] for e in expl)


def test_weighted_sum_shares_hand_computed():
    expl = explain_cell(np.array([40.0, 0.3, 1.0]), np.array([0.4, 0.3, 1.0]), INFOS,
                        "gewogen_som")
    assert [e["aandeel"] for e in expl] == pytest.approx([0.8 / 4, 0.3 / 4, 0.0])
    assert expl[0] == {"indicator": "a", "label": "A", "bron": "a", "ruw": 40.0,
                       "bronwaarde": "40", "richting": "verhogend", "genormaliseerd": 0.4,
                       "waarde_na_richting": 0.4, "gewicht": 2.0, "gewicht_effectief": 0.5,
                       "bijdrage": pytest.approx(0.2), "aandeel": pytest.approx(0.2)}
    # a protective factor that is present: value after direction 0, so no contribution
    assert expl[2]["richting"] == "beschermend"
    assert expl[2]["waarde_na_richting"] == 0.0 and expl[2]["gewicht_effectief"] == 0.25


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(("combination", "intercept"),
                         [("gewogen_som", 0.0), ("relatief_risico", -0.7),
                          ("relatief_risico", 0.0)])
def test_shares_add_up_to_the_score(seed, combination, intercept):
    rng = np.random.default_rng(seed)
    norm = rng.random(3)
    norm[rng.integers(0, 3)] = np.nan  # a missing value contributes nothing
    infos = INFOS if combination == "gewogen_som" else [
        IndicatorInfo(i.name, i.label, i.rationale, i.kind, float(w), i.direction)
        for i, w in zip(INFOS, rng.normal(0, 1, 3), strict=True)]
    score = combine(norm, [i.weight for i in infos], [i.direction for i in infos],
                    combination, intercept)
    expl = explain_cell(norm * 10, norm, infos, combination, intercept)
    assert_allclose(_shares(expl), score, rtol=1e-12)
    if combination == "relatief_risico":
        assert expl[-1]["indicator"] == "basis"
        assert_allclose(expl[-1]["aandeel"], math.exp(intercept))


def test_relative_risk_shares_on_the_log_scale():
    infos = [IndicatorInfo("a", "A", "", "x", 1.0), IndicatorInfo("b", "B", "", "x", 0.5)]
    expl = explain_cell(np.array([1.0, 1.0]), np.array([1.0, 1.0]), infos, "relatief_risico")
    # score e^1.5; baseline 1; the rest (e^1.5 - 1) split 1 : 0.5 as on the log scale
    assert_allclose([e["aandeel"] for e in expl],
                    [(math.e**1.5 - 1) * 2 / 3, (math.e**1.5 - 1) / 3, 1.0])
    # terms cancelling (L = 0): limit e^β0 · β·v per indicator
    cancel = [IndicatorInfo("a", "A", "", "x", 1.0), IndicatorInfo("b", "B", "", "x", -1.0)]
    expl = explain_cell(np.ones(2), np.ones(2), cancel, "relatief_risico", intercept=1.0)
    assert_allclose([e["aandeel"] for e in expl], [math.e, -math.e, math.e])


def test_maximum_and_outside_domain():
    infos = [IndicatorInfo("bt", "BT", "", "thema", 1.0),
             IndicatorInfo("vp", "VP", "", "thema", 1.0)]
    expl = explain_cell(np.array([0.3, 0.6]), np.array([0.3, 0.6]), infos, "maximum")
    assert [e["aandeel"] for e in expl] == [0.0, 0.6]
    out = explain_cell(np.array([40.0, 0.3, 1]), np.array([0.4, 0.3, 1]), INFOS, "gewogen_som",
                       in_domain=False)
    assert _shares(out) == 0 and out[0]["ruw"] == 40.0
    assert explain_cell(np.array([np.nan] * 3), np.array([np.nan] * 3), INFOS,
                        "gewogen_som")[0]["ruw"] is None


def _write_run(run_dir, result):
    """Write the stored form of a run as docs/ARCHITECTURE.md describes (plain GeoTIFFs)."""
    grid = result.grid
    profile = {"driver": "GTiff", "width": grid.width, "height": grid.height,
               "crs": grid.crs, "transform": grid.transform}
    for name, theme in result.all().items():
        n = len(theme.indicators)
        with rasterio.open(run_dir / f"uitleg_{name}.tif", "w", count=2 * n, dtype="float32",
                           nodata=np.nan, **profile) as dst:
            dst.write(np.concatenate([theme.raw, theme.norm]).astype(np.float32))
        target = "gelegenheidskaart.tif" if name == "totaal" else f"thema_{name}.tif"
        with rasterio.open(run_dir / target, "w", count=2, dtype="float32", **profile) as dst:
            dst.write(theme.score, 1)
            dst.write(theme.klasse.astype(np.float32), 2)
    (run_dir / "kaartverantwoording.json").write_text(
        json.dumps({"themas": result.verantwoording()}), encoding="utf-8")


@pytest.fixture
def run_dir(tmp_path):
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    mask = np.ones(grid.shape, bool)
    mask[0, 0] = False
    result = compute_gelegenheid(parse_gelegenheid_config(HAND), hand_layers(), grid, mask)
    _write_run(tmp_path, result)
    return tmp_path, result


def test_explain_point_reads_the_stored_run(run_dir):
    path, result = run_dir
    out = explain_point(path, "parken", 75.0, 85.0)  # park B, column 7, row 1
    assert (out["rij"], out["kolom"]) == (1, 7)
    assert out["binnen_domein"] and out["combinatie"] == "gewogen_som"
    assert_allclose(out["score"], (1.6 + 1 + 0.6) / 4, rtol=1e-6)
    assert_allclose(_shares(out["uitleg"]), out["score"], rtol=1e-6)
    assert [e["indicator"] for e in out["uitleg"]] == ["bewoning", "geen_toegang", "afrit"]
    assert_allclose([e["aandeel"] for e in out["uitleg"]], [0.4, 0.25, 0.15], rtol=1e-6)
    assert out["klasse"] == result.themes["parken"].klasse[1, 7]
    assert out["klasse_naam"] in {"zeer laag", "laag", "gemiddeld", "hoog", "zeer hoog"}


def test_explain_point_relative_risk_and_outside_domain(run_dir):
    path, result = run_dir
    rest = explain_point(path, "rest", 25.0, 75.0)  # row 2, col 2: 30 m from both parks
    assert_allclose(rest["score"], math.exp(-1 + 2 * 1.0), rtol=1e-6)
    assert_allclose(_shares(rest["uitleg"]), rest["score"], rtol=1e-5)
    inside_park = explain_point(path, "rest", 25.0, 25.0)
    assert not inside_park["binnen_domein"] and inside_park["score"] == 0
    assert _shares(inside_park["uitleg"]) == 0
    total = explain_point(path, "totaal", 75.0, 85.0)
    assert_allclose(_shares(total["uitleg"]), total["score"], rtol=1e-6)
    (path / "uitleg_totaal.tif").unlink()  # the theme maps are enough for the total
    again = explain_point(path, "totaal", 75.0, 85.0)
    assert again["uitleg"] == total["uitleg"]
    assert [e["ruw"] for e in again["uitleg"]] == pytest.approx(
        [result.themes["parken"].score[1, 7], result.themes["rest"].score[1, 7]])


def test_explain_point_errors(run_dir):
    path, _ = run_dir
    with pytest.raises(KaartNotFoundError, match="buiten de kaart"):
        explain_point(path, "parken", 500.0, 50.0)
    with pytest.raises(KaartNotFoundError, match="buiten het gebied"):
        explain_point(path, "parken", 5.0, 95.0)  # cell (0, 0) is outside the area
    with pytest.raises(KaartNotFoundError, match="Thema 'havens' staat niet"):
        explain_point(path, "havens", 50.0, 50.0)
    (path / "uitleg_rest.tif").unlink()
    with pytest.raises(KaartNotFoundError, match="uitleg_rest.tif ontbreekt"):
        explain_point(path, "rest", 50.0, 50.0)
    (path / "kaartverantwoording.json").write_text("{", encoding="utf-8")
    with pytest.raises(OutputError, match="geen geldige JSON"):
        explain_point(path, "parken", 50.0, 50.0)
