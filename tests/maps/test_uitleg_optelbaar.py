"""Explanations add up as shown (issue 14, item 1).

Random cells and random objects (synthetic values) are explained, rendered as the popup
shows them, and the score is recomputed from exactly the numbers on screen, parsed as
displayed (Dutch decimals, three decimals): the contributions add up to the score and,
for a weighted sum, each contribution is the shown value after direction times the shown
effective weight, also with unknown values (renormalised weights).
"""

import json
import re

import geopandas as gpd
import numpy as np
from affine import Affine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geo.scoring.combine import combine
from geo.scoring.engine import IndicatorInfo, ThemeResult
from geo.scoring.explain import explain_cell
from geo.scoring.grid import Grid
from geo.scoring.objects import score_objects
from maps.style import breakdown_html, popup_html

STEP = 0.0005  # half of the last shown decimal (three decimals)
YES_NO = {"methode": "vast", "min": 0, "max": 1}


def _shown(html: str) -> tuple[list[dict[str, str]], float]:
    """Rows (cells as text) of the shown breakdown table and the shown sum."""
    table = html[html.index('class="kaart-popup-uitleg"'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    keys = ("indicator", "bron", "richting", "waarde", "gewicht", "bijdrage")
    total = re.search(r'kaart-popup-som"><th colspan="5">[^<]*</th><th>([^<]*)</th>', table)
    return [dict(zip(keys, c, strict=True)) for c in cells], _parse(total.group(1))


def _parse(text: str) -> float:
    return 0.0 if text == "–" else float(text.replace(",", "."))


def _check_adds_up(html: str, score: float, weighted_sum: bool) -> list[dict[str, str]]:
    rows, total = _shown(html)
    contributions = [_parse(r["bijdrage"]) for r in rows]
    assert abs(sum(contributions) - score) <= STEP * (len(rows) + 1) + 1e-9
    assert abs(total - score) <= STEP + 1e-6
    if weighted_sum:
        for row in rows:
            value, weight, contribution = (_parse(row[k]) for k in ("waarde", "gewicht",
                                                                    "bijdrage"))
            assert abs(value * weight - contribution) <= STEP * (value + weight + 1) + 1e-9
    return rows


def _infos(weights, directions, yes_no):
    return [IndicatorInfo(f"i{k}", f"Indicator {k}", "", "attribuut", float(w), d,
                          {"kolom": f"kolom{k}"}, YES_NO if yn else {"methode": "minmax"})
            for k, (w, d, yn) in enumerate(zip(weights, directions, yes_no, strict=True))]


indicator_lists = st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0.1, 5), min_size=n, max_size=n),
    st.lists(st.sampled_from(["positief", "negatief"]), min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.lists(st.one_of(st.just(np.nan), st.sampled_from([0.0, 1.0]), st.floats(0, 1)),
             min_size=n, max_size=n),
    st.lists(st.sampled_from([0, 0, 1, 2]), min_size=n, max_size=n)))


@settings(max_examples=150, deadline=None)
@given(indicator_lists, st.sampled_from(["gewogen_som", "relatief_risico"]))
def test_a_cell_explanation_recomputes_its_score_as_shown(parts, combination):
    weights, directions, yes_no, norm, status = parts
    if all(s == 1 for s in status):
        status[0] = 0
    infos = _infos(weights, directions, yes_no)
    if combination == "relatief_risico":
        infos = [IndicatorInfo(i.name, i.label, "", i.kind, i.weight - 2.5, "positief",
                               i.params, i.normalisation) for i in infos]
    norm = np.array(norm, float)
    skip = np.array(status) == 1
    score = float(combine(norm[:, None], [i.weight for i in infos],
                          [i.direction for i in infos], combination, -0.3, skip[:, None])[0])
    raw = np.where(yes_no, norm, norm * 10)  # a yes/no column's raw value is 0 or 1
    explanation = explain_cell(raw, norm, infos, combination, -0.3,
                               status=np.array(status))
    html = breakdown_html(explanation, score)
    rows = _check_adds_up(html, score, combination == "gewogen_som")
    for info, row, n, flag in zip(infos, rows, norm, status, strict=False):
        assert row["richting"] == ("beschermend" if info.direction == "negatief"
                                   else "verhogend")
        if flag == 1:
            assert row["bron"].endswith("onbekend") and _parse(row["bijdrage"]) == 0
        elif info.normalisation == YES_NO and n in (0.0, 1.0) and flag == 0:
            assert row["bron"] == f"{info.params['kolom']}: {'ja' if n else 'nee'}"


def test_a_park_with_cameras_says_cameratoezicht_ja_and_adds_nothing():
    """The Vaals example of the issue: keurmerk_kvo = nee, cameratoezicht = ja."""
    infos = [IndicatorInfo("geen_keurmerk_kvo", "Geen Keurmerk Veilig Ondernemen", "",
                           "attribuut", 2.0, "negatief", {"kolom": "keurmerk_kvo"}, YES_NO),
             IndicatorInfo("geen_cameratoezicht", "Geen cameratoezicht", "", "attribuut", 1.0,
                           "negatief", {"kolom": "cameratoezicht"}, YES_NO)]
    explanation = explain_cell(np.array([0.0, 1.0]), np.array([0.0, 1.0]), infos,
                               "gewogen_som")
    rows, total = _shown(breakdown_html(explanation, 2 / 3))
    assert [r["bron"] for r in rows] == ["keurmerk_kvo: nee", "cameratoezicht: ja"]
    assert [r["richting"] for r in rows] == ["beschermend", "beschermend"]
    assert [r["waarde"] for r in rows] == ["1,000", "0,000"]
    assert [r["gewicht"] for r in rows] == ["0,667", "0,333"]
    assert [r["bijdrage"] for r in rows] == ["0,667", "0,000"]
    assert total == 0.667


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_an_object_explanation_recomputes_its_score_as_shown(seed, n):
    rng = np.random.default_rng(seed)
    shape = (6, 6)
    norm = rng.random((n, *shape))
    norm[rng.random(norm.shape) < 0.2] = np.nan  # nothing within reach
    yes_no = rng.random(n) < 0.5
    norm[yes_no] = np.round(norm[yes_no])  # yes/no columns
    status = np.where(rng.random((n, 1, 1)) < 0.3, 1, 0) * np.ones((n, *shape), int)
    status[:, :, :2] = np.where(rng.random((n, 1, 1)) < 0.5, 1, 0)  # varies within objects
    status[0][status.all(axis=0)] = 0
    infos = _infos(rng.uniform(0.1, 5, n), rng.choice(["positief", "negatief"], n), yes_no)
    score = combine(norm, [i.weight for i in infos], [i.direction for i in infos],
                    "gewogen_som", skip=status == 1)
    score[:, 5] = 0.0  # a column outside the theme's domain
    theme = ThemeResult(thema="bedrijventerreinen", label="Bedrijventerreinen",
                        score=score.astype("float32"), klasse=np.zeros(shape, "uint8"),
                        breaks=[0.2, 0.4, 0.6, 0.8], indicators=infos,
                        raw=norm.astype("float32"), norm=norm.astype("float32"),
                        domain=np.isfinite(score), status=status.astype("uint8"))
    grid = Grid(Affine(10, 0, 0, 0, -10, 60), shape)
    boxes = [box(0, 0, 60, 60), box(0, 30, 30, 60), box(10, 10, 40, 40), box(35, 5, 60, 25)]
    objects = gpd.GeoDataFrame({"id": [f"o{k}" for k in range(4)]}, geometry=boxes,
                               crs="EPSG:28992")
    gemeenten = gpd.GeoDataFrame({"gemeentecode": ["GM0001"], "gemeentenaam": ["Proef"]},
                                 geometry=[box(-10, -10, 70, 70)], crs="EPSG:28992")
    table = score_objects(objects, theme, grid, gemeenten)
    for row in table.to_dict("records"):
        html = popup_html(row)
        _check_adds_up(html, float(row["score"]), True)
        stored = json.loads(row["uitleg"])  # the GeoPackage/CSV column holds the same parts
        assert abs(sum(e["bijdrage"] for e in stored) - row["score"]) < 1e-6


def test_the_analysis_csv_carries_the_same_parts_as_the_popup():
    from maps.builder import CSV_COLUMNS, objects_geojson

    infos = [IndicatorInfo("geen_cameratoezicht", "Geen cameratoezicht", "", "attribuut", 1.0,
                           "negatief", {"kolom": "cameratoezicht"}, YES_NO),
             IndicatorInfo("leegstand", "Leegstand", "", "attribuut", 3.0, "positief",
                           {"kolom": "leegstand_pct"}, {"methode": "vast", "min": 0, "max": 100})]
    explanation = explain_cell(np.array([1.0, 40.0]), np.array([1.0, 0.4]), infos,
                               "gewogen_som")
    frame = gpd.GeoDataFrame({"id": ["BT1"], "score": [0.3], "klasse": [3],
                              "uitleg": [json.dumps(explanation)]},
                             geometry=[box(5.9, 50.7, 5.91, 50.71)], crs="EPSG:4326")
    props = objects_geojson(frame)["features"][0]["properties"]
    assert ("opbouw", "opbouw_score") in CSV_COLUMNS and "uitleg" not in props
    assert props["opbouw"] == (
        "Geen cameratoezicht (cameratoezicht: ja, beschermend): 0,000 × 0,250 = 0,000; "
        "Leegstand (leegstand_pct: 40, verhogend): 0,400 × 0,750 = 0,300")
