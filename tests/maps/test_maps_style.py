import json

import pytest

from geo.legend import (
    BIVARIATE_COLORS,
    CLASS_COLORS,
    CLASS_NAMES,
    GEEN_KENMERKEN,
    RISK_COLORS,
    class_codes,
    class_colors,
    shown_color,
)
from maps.style import (
    NODATA_COLOR,
    format_date,
    info_html,
    kaart_title,
    legend_entries,
    legend_html,
    object_style,
    parse_uitleg,
    popup_html,
)


@pytest.mark.parametrize("klasse", [1, 2, 3, 4, 5, GEEN_KENMERKEN])
def test_object_style_uses_legend_colour_as_drawn(klasse):
    style = object_style({"properties": {"klasse": klasse}})
    assert style["fillColor"] == shown_color(class_colors("gelegenheid")[klasse])
    assert style["fillOpacity"] == 1.0  # opaque: one class, one colour
    assert f'background:{style["fillColor"]}' in legend_html("gelegenheid")


def test_objects_are_coloured_by_the_map_that_is_shown():
    feature = {"properties": {"klasse": 5, "risico_klasse": 1, "gecombineerde_klasse": 7}}
    assert object_style(feature, "risico")["fillColor"] == shown_color(RISK_COLORS[1])
    assert object_style(feature, "gecombineerd")["fillColor"] == shown_color(
        BIVARIATE_COLORS[(3, 1)])
    assert object_style({"properties": {"klasse": 5}}, "risico")["fillColor"] == NODATA_COLOR


def test_popup_names_every_class_in_words():
    html = popup_html({"naam": "P", "klasse": GEEN_KENMERKEN, "score": 0.0,
                       "risico_klasse": 4, "gecombineerde_klasse": 3})
    assert "geen kenmerken (score 0)" in html and "4 – hoog" in html
    assert "gelegenheid laag, risico hoog" in html


@pytest.mark.parametrize("value", [None, "x", 0, 7])
def test_object_style_unknown_class_is_grey(value):
    assert object_style({"properties": {"klasse": value}})["fillColor"] == NODATA_COLOR


@pytest.mark.parametrize("soort,colours", [("gelegenheid", CLASS_COLORS), ("risico", RISK_COLORS)])
def test_legend_entries_match_geo_legend(soort, colours):
    entries = legend_entries(soort)
    assert [(c, col) for c, col, _ in entries] == [(c, class_colors(soort)[c])
                                                   for c in class_codes(soort)]
    assert {c: col for c, col, _ in entries if c in colours} == colours
    assert [label for *_, label in entries] == [CLASS_NAMES[c] for c in class_codes(soort)]
    html = legend_html(soort)
    for colour in colours.values():
        assert shown_color(colour) in html  # the swatch is the colour as drawn


def test_legend_marks_unclassed_objects_only_when_asked():
    assert "object zonder klasse" not in legend_html("gelegenheid")
    html = legend_html("gelegenheid", unclassed=True)
    assert f'background:{NODATA_COLOR}"></span>object zonder klasse' in html
    # objects without a risico class (not in the gecombineerd run) are grey on that map too
    assert "object zonder klasse" in legend_html("risico", unclassed=True)


def test_bivariate_legend_has_all_nine_colours():
    html = legend_html("gecombineerd")
    assert html.count("kaart-bivariaat-cel") == 9
    for colour in BIVARIATE_COLORS.values():
        assert shown_color(colour) in html
    # code 9 = gelegenheid hoog, risico hoog
    colour = shown_color(class_colors("gecombineerd")[9])
    assert (f'data-klasse="9" title="gelegenheid hoog, risico hoog" '
            f'aria-label="gelegenheid hoog, risico hoog" style="background:{colour}"') in html


def test_popup_shows_score_class_rank_and_breakdown_in_dutch():
    uitleg = [{"indicator": "leegstand", "label": "Leegstand", "ruw": 12.5,
               "genormaliseerd": 0.6, "gewicht": 0.5, "aandeel": 0.3},
              {"indicator": "afrit", "label": "Afstand tot afrit", "ruw": 850,
               "genormaliseerd": 0.4, "gewicht": 0.5, "aandeel": 0.2}]
    html = popup_html({"id": "BT1", "naam": "Park <Oost>", "thema": "bedrijventerreinen",
                       "gemeentenaam": "Vaals", "score": 0.5, "klasse": 3,
                       "klasse_naam": "gemiddeld", "rang_gemeente": 2, "rang_gebied": 7,
                       "uitleg": json.dumps(uitleg)})
    assert "Park &lt;Oost&gt;" in html and "<Oost>" not in html
    assert "Bedrijventerreinen" in html
    assert "<th>Score</th><td>0,50</td>" in html
    assert "3 – gemiddeld" in html and shown_color(CLASS_COLORS[3]) in html
    assert "<th>Rang in gemeente</th><td>2</td>" in html
    assert "<th>Rang in gebied</th><td>7</td>" in html
    # shares: 0.3 / 0.5 = 60 %, 0.2 / 0.5 = 40 %
    assert "<td>Leegstand</td><td>12,5</td><td>0,60</td><td>0,5</td><td>60%</td>" in html
    assert "<td>Afstand tot afrit</td><td>850</td>" in html
    assert "<td>40%</td>" in html
    assert "Opbouw van de score" in html


def test_popup_without_breakdown_shows_top_indicators():
    html = popup_html({"id": "X", "klasse": 5, "score": None, "top_indicatoren": "Leegstand"})
    assert "Belangrijkste indicatoren: Leegstand" in html
    assert "<th>Score</th><td>–</td>" in html
    assert "zeer hoog" in html


def test_parse_uitleg_tolerates_bad_values():
    assert parse_uitleg("niet json") == []
    assert parse_uitleg(None) == []
    assert parse_uitleg('{"a": 1}') == []
    assert parse_uitleg('[{"a": 1}]') == [{"a": 1}]


def test_titles_and_dates():
    assert kaart_title("gelegenheid", "totaal") == "Gelegenheidskaart — totaal"
    assert kaart_title("gelegenheid", "havens") == "Gelegenheidskaart — Havens"
    assert kaart_title("risico", "totaal") == "Risicokaart"
    assert format_date("2026-11-20T10:00:00+00:00") == "20-11-2026"
    assert format_date(None) == "onbekend"


def test_info_states_date_sources_and_synthetic():
    html = info_html(title="Kaart <Vaals>", datum="20-11-2026", bronnen=["wegen (19-11-2026)"],
                     synthetisch=True, vertrouwelijk=False)
    assert "Kaart &lt;Vaals&gt;" in html
    assert "20-11-2026" in html and "wegen (19-11-2026)" in html
    assert "Synthetische demodata" in html
    assert "Vertrouwelijk" not in html
