"""Indicator configuration: the defaults validate; errors name file, line and key."""

import textwrap

import pytest

from geo.errors import ConfigError
from geo.scoring.config import (
    DEFAULT_CONFIG,
    GelegenheidConfig,
    load_gelegenheid_config,
    parse_gelegenheid_config,
)

MINIMAL = """\
versie: 1
themas:
  vakantieparken:
    label: Vakantieparken
    domein: {modus: binnen, laag: vakantieparken}
    indicatoren:
      - naam: permanente_bewoning
        label: Permanente bewoning
        toelichting: Bewoners buiten zicht.
        soort: attribuut
        laag: vakantieparken
        kolom: permanente_bewoning_pct
        gewicht: 2
"""


def _write(tmp_path, text):
    path = tmp_path / "indicatoren.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_default_config_has_four_themes_with_rationales():
    config = load_gelegenheid_config()
    assert isinstance(config, GelegenheidConfig)
    assert set(config.themas) == {"bedrijventerreinen", "buitengebied", "havens",
                                  "vakantieparken"}
    names = {t: {i.naam for i in theme.indicatoren} for t, theme in config.themas.items()}
    assert {"leegstand", "verzamelgebouwen", "weinig_woonfunctie", "nabijheid_snelwegafrit",
            "geen_keurmerk_kvo", "geen_cameratoezicht", "veroudering"} <= names[
        "bedrijventerreinen"]
    assert {"permanente_bewoning", "arbeidsmigranten", "versnipperd_eigendom",
            "geen_toegangscontrole", "niet_vitaal"} <= names["vakantieparken"]
    for theme in config.themas.values():
        for ind in theme.indicatoren:
            assert ind.toelichting.strip() and "\n" not in ind.toelichting
    assert config.source == str(DEFAULT_CONFIG)


def test_minimal_config_gets_defaults(tmp_path):
    config = load_gelegenheid_config(_write(tmp_path, MINIMAL))
    theme = config.themas["vakantieparken"]
    ind = theme.indicatoren[0]
    assert ind.richting == "positief" and ind.normalisatie.methode == "minmax"
    assert ind.afstand == 0 and theme.combinatie == "gewogen_som"
    assert config.totaal.combinatie == "maximum"
    assert config.theme_weight("vakantieparken") == 1.0
    assert config.klassen_for("totaal").methode == "kwantielen"


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "words"),
    [
        ("        gewicht: 2\n", "        gewicht: veel\n", 13,
         "themas.vakantieparken.indicatoren.0.gewicht", "verwacht een getal, gevonden 'veel'"),
        ("        soort: attribuut\n", "        soort: magie\n", 10,
         "themas.vakantieparken.indicatoren.0.soort", "magie"),
        ("        kolom: permanente_bewoning_pct\n", "", 7,
         "themas.vakantieparken.indicatoren.0.kolom", "verwacht de verplichte sleutel 'kolom'"),
        ("        gewicht: 2\n", "        gewicht: 2\n        straal: 5\n", 14,
         "themas.vakantieparken.indicatoren.0.straal", "gevonden de onbekende sleutel 'straal'"),
        ("    domein: {modus: binnen, laag: vakantieparken}\n", "    domein: {modus: binnen}\n", 5,
         "themas.vakantieparken.domein", "verwacht bij modus 'binnen' een 'laag'"),
        ("        gewicht: 2\n", "        gewicht: -2\n", 6,
         "themas.vakantieparken.indicatoren", "richting: negatief"),
        ("versie: 1\n", "versie: 2\n", 1, "versie", "verwacht een van 1, gevonden 2"),
        ("        soort: attribuut\n", "        soort: nabijheid\n", 7,
         "themas.vakantieparken.indicatoren.0.afstand", "ontbreekt"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, old, new, line, key, words):
    assert old in MINIMAL
    path = _write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_gelegenheid_config(path)
    message = info.value.message
    assert str(path) in message
    assert f"regel {line}" in message
    assert f"'{key}'" in message
    assert words in message
    assert info.value.details["regel"] == line
    assert info.value.code == "configuratie_fout"


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("        gewicht: 2\n", "        gewicht: [2\n"))
    with pytest.raises(ConfigError,
                       match=r"regel 1[34]: verwacht geldige YAML, gevonden een lijst"):
        load_gelegenheid_config(path)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="niet te lezen"):
        load_gelegenheid_config(tmp_path / "bestaat_niet.yaml")


def test_fixed_normalisation_and_breaks_are_checked(tmp_path):
    text = MINIMAL.replace("        gewicht: 2\n",
                           "        gewicht: 2\n        normalisatie: {methode: vast, min: 5}\n")
    with pytest.raises(ConfigError, match=r"regel 14.*normalisatie.*min' en 'max"):
        load_gelegenheid_config(_write(tmp_path, text))
    text = MINIMAL + "klassen: {methode: vaste_grenzen, grenzen: [0.1, 0.3, 0.2, 0.9]}\n"
    with pytest.raises(ConfigError, match=r"'klassen'.*4 oplopende"):
        load_gelegenheid_config(_write(tmp_path, text))


def test_duplicate_indicator_names_and_unknown_total_theme(tmp_path):
    block = MINIMAL[MINIMAL.index("      - naam"):]
    with pytest.raises(ConfigError, match="dubbel: permanente_bewoning"):
        parse_gelegenheid_config(MINIMAL + block, source="x.yaml")
    text = MINIMAL + "totaal: {combinatie: gewogen_som, gewichten: {havens: 1}}\n"
    with pytest.raises(ConfigError, match=r"x.yaml, regel 14.*onbekende thema's: havens"):
        parse_gelegenheid_config(text, source="x.yaml")


def test_relative_risk_allows_negative_coefficients():
    text = MINIMAL.replace("        gewicht: 2\n", "        gewicht: -0.7\n").replace(
        "    domein:", "    combinatie: relatief_risico\n    intercept: -1.5\n    domein:")
    config = parse_gelegenheid_config(text)
    theme = config.themas["vakantieparken"]
    assert theme.combinatie == "relatief_risico" and theme.intercept == -1.5
    assert theme.indicatoren[0].gewicht == -0.7


def test_where_gives_line_of_a_key():
    config = parse_gelegenheid_config(MINIMAL, source="a.yaml")
    assert config.where("themas", "vakantieparken", "indicatoren", 0, "kolom") == "a.yaml, regel 12"
    assert config.where("themas", "vakantieparken", "domein") == "a.yaml, regel 5"
