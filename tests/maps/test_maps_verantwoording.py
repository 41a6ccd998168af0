from kaart_testdata import verantwoording

from maps.verantwoording import describe_verantwoording, format_breaks


def _section(sections, title):
    return next(s for s in sections if s.title == title)


def test_breaks_in_dutch():
    # a score on a break is in the lower class (classify: 1 + breaks strictly below)
    assert format_breaks([0.2, 0.4, 0.6, 0.8]) == (
        "zeer laag ≤ 0,2 < laag ≤ 0,4 < gemiddeld ≤ 0,6 < hoog ≤ 0,8 < zeer hoog")
    assert format_breaks([0.2, 0.4, 0.6, 0.8], geen_kenmerken=True) == (
        "geen kenmerken (score 0) · zeer laag (score > 0) ≤ 0,2 < laag ≤ 0,4 < gemiddeld"
        " ≤ 0,6 < hoog ≤ 0,8 < zeer hoog")
    assert format_breaks([1.0, 2.0]) == "1 · 2"


def test_gelegenheid_document_sections():
    sections = describe_verantwoording(verantwoording("GM0981", "gelegenheid"))
    titles = [s.title for s in sections]
    assert titles == ["Algemeen", "Bronnen", "Rekenraster",
                      "Indicatoren en gewichten — Bedrijventerreinen"]
    general = dict(_section(sections, "Algemeen").rows)
    assert general["Kaart"] == "Gelegenheidskaart"
    assert general["Gemaakt op"] == "20-11-2026 10:00"
    assert general["Synthetische demodata"] == "ja"
    sources = _section(sections, "Bronnen")
    assert sources.table[0] == ["bedrijventerreinen", "2", "19-11-2026", "lagen.gpkg",
                                "abababababab"]
    themes = _section(sections, "Indicatoren en gewichten — Bedrijventerreinen")
    assert themes.table[1][:4] == ["Afstand tot snelweg-afrit",
                                   "Dicht bij een afrit is snel weg.", "0,5", "beschermend"]
    assert themes.table[1][5] == "max_m: 5000"
    assert dict(themes.rows)["Klassegrenzen"].startswith(
        "geen kenmerken (score 0) · zeer laag (score > 0) ≤ 0,2 < laag")
    grid = dict(_section(sections, "Rekenraster").rows)
    assert grid["Celgrootte"] == "125 m" and grid["Rijen × kolommen"] == "64 × 64"


def test_risico_document_and_unknown_keys_are_shown():
    doc = verantwoording("GM0981", "risico")
    doc["nieuw_onderdeel"] = {"tabel": [{"kaart": "a", "trefkans": 0.5}], "dekking": 0.1}
    sections = describe_verantwoording(doc)
    risico = dict(_section(sections, "Risico").rows)
    assert risico["k-anonimiteit"] == "5" and risico["Bandbreedte (m)"] == "500"
    assert "onderdrukt" in dict(_section(sections, "Privacy").rows)["Privacy"]
    extra = _section(sections, "Nieuw onderdeel")
    assert extra.columns == ["kaart", "trefkans"] and extra.table == [["a", "0,5"]]
    assert dict(extra.rows)["dekking"] == "0,1"


def test_empty_document_still_renders():
    sections = describe_verantwoording({})
    assert [s.title for s in sections] == ["Algemeen"]


def test_fixture_follows_the_export_contract():
    """The test document validates against geo.export's model (guards against drift)."""
    from geo.export.verantwoording import Kaartverantwoording

    Kaartverantwoording.model_validate(verantwoording("GM1729", "gelegenheid"))


def test_a_theme_without_objects_says_so_instead_of_class_limits():
    """Issue 14 item 10: Vaals has no havens; its limits read "< 0 ≤ … 0"."""
    doc = verantwoording("GM0981", "gelegenheid")
    doc["themas"]["havens"] = {"combinatie": "gewogen_som", "indicatoren": [],
                               "klassegrenzen": [0.0, 0.0, 0.0, 0.0]}
    doc["volledigheid"] = {"themas": {"havens": {"objecten": 0},
                                      "bedrijventerreinen": {"objecten": 3}}}
    sections = describe_verantwoording(doc)
    havens = dict(_section(sections, "Indicatoren en gewichten — Havens").rows)
    assert havens["Klassegrenzen"] == "geen objecten in dit gebied, dus geen klassen"
    bt = dict(_section(sections, "Indicatoren en gewichten — Bedrijventerreinen").rows)
    assert bt["Klassegrenzen"].startswith("geen kenmerken (score 0) · zeer laag")
