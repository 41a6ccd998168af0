"""The object popup shows completeness and says 'onbekend' for unknown values (issue 12)."""

import json

from maps.style import popup_html


def test_popup_shows_volledigheid_and_onbekend():
    uitleg = [{"indicator": "leegstand", "label": "Leegstand", "ruw": None, "onbekend": True,
               "waarde": "onbekend", "genormaliseerd": None, "gewicht": 3, "aandeel": 0.0},
              {"indicator": "camera", "label": "Geen camera", "ruw": 0.0, "genormaliseerd": 0.0,
               "gewicht": 1, "aandeel": 1.0},
              {"indicator": "bouwjaar", "label": "Bouwjaar", "ruw": 1975.0, "geimputeerd": True,
               "genormaliseerd": 0.4, "gewicht": 1, "aandeel": 0.0}]
    html = popup_html({"naam": "Terrein", "klasse": 5, "score": 1.0, "volledigheid": 0.25,
                       "uitleg": json.dumps(uitleg)})
    assert "<th>Volledigheid</th><td>25% van het gewicht bekend</td>" in html
    assert "<td>Leegstand</td><td>onbekend</td>" in html
    assert "<td>1975 (geïmputeerd)</td>" in html
    assert "<td>Geen camera</td><td>0</td>" in html  # a known 0 stays 0


def test_popup_without_score_has_no_nan_share():
    html = popup_html({"naam": "Park", "klasse": 0, "score": float("nan"), "volledigheid": 0.0,
                       "uitleg": json.dumps([{"indicator": "v", "label": "Vitaliteit",
                                              "onbekend": True, "gewicht": 2, "aandeel": 0.0}])})
    assert "nan" not in html.lower().replace("kaart-", "") and "0% van het gewicht" in html
