"""One YAML loader for every configuration, one Dutch message format.

Every configuration (indicators, risico, planning, import profiles) reports a bad value,
an unknown key, a missing key and a YAML syntax error as
``<file>, regel <n>, sleutel '<dotted.key>': verwacht <...>, gevonden <...>.``
"""

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from geo.config_yaml import load_yaml_config
from geo.errors import ConfigError
from geo.layers.profiles import load_profile
from geo.paths import DATA_DIR
from geo.planning.config import PlanningConfig, load_planning_config
from geo.scoring.config import load_gelegenheid_config
from geo.scoring.risico import load_risico_config

LOADERS = {
    "risico": (DATA_DIR / "risico.yaml", load_risico_config),
    "planning": (DATA_DIR / "planning.yaml", load_planning_config),
    "gelegenheid": (DATA_DIR / "indicatoren" / "gelegenheid.yaml", load_gelegenheid_config),
    "profiel": (DATA_DIR / "profielen" / "ibis.yaml", load_profile),
}
ENGLISH = ("Input should", "Field required", "Extra inputs", "Value error", "expected", "but got")


def _variant(tmp_path: Path, config: str, old: str, new: str) -> tuple[Path, int]:
    """Copy a shipped configuration with the first ``old`` line replaced; return its line."""
    source, _ = LOADERS[config]
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[index] = new
    path = tmp_path / source.name
    path.write_text("".join(lines), encoding="utf-8")
    return path, index + 1


def _message(config: str, path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        LOADERS[config][1](path)
    message = info.value.message
    assert not any(word in message for word in ENGLISH), message
    return info.value


def _assert_format(error: ConfigError, path: Path, line: int, key: str | None,
                   expected: str, found: str) -> None:
    where = f"{path}, regel {line}" + (f", sleutel '{key}'" if key else "")
    pattern = rf"{re.escape(where)}: verwacht {expected}, gevonden {found}\."
    assert re.fullmatch(pattern, error.message), error.message
    assert error.code == "configuratie_fout"
    assert error.details["bestand"] == str(path) and error.details["regel"] == line
    assert error.details.get("sleutel") == key


@pytest.mark.parametrize(
    ("config", "old", "new", "key", "expected", "found"),
    [
        ("risico", "bandbreedte_m:", "bandbreedte_m: abc\n", "bandbreedte_m",
         "een getal", "'abc'"),
        ("risico", "bandbreedte_m:", "bandbreedte_m: -3\n", "bandbreedte_m",
         "een getal > 0", "-3"),
        ("risico", "kern:", "kern: driehoek\n", "kern",
         "een van 'gaussian' of 'epanechnikov'", "'driehoek'"),
        ("planning", "aantal:", "aantal: twintig\n", "aantal", "een geheel getal", "'twintig'"),
        ("planning", "kans_max:", "kans_max: 0.01\n", "kans_max",
         r"een kans > kans_min \(0.02\)", "0.01"),
        ("gelegenheid", "        gewicht: 3", "        gewicht: veel\n",
         "themas.bedrijventerreinen.indicatoren.0.gewicht", "een getal", "'veel'"),
        ("profiel", "soort:", "soort: [bedrijventerreinen]\n", "soort", "tekst",
         r"\['bedrijventerreinen'\]"),
        ("gelegenheid", "        soort: attribuut", "        soort: magie\n",
         "themas.bedrijventerreinen.indicatoren.0.soort",
         "een soort uit 'dekking', .*'attribuut'", "'magie'"),
    ],
)
def test_bad_value_names_file_line_key_expected_found(tmp_path, config, old, new, key,
                                                      expected, found):
    path, line = _variant(tmp_path, config, old, new)
    _assert_format(_message(config, path), path, line, key, expected, found)


@pytest.mark.parametrize(("config", "old", "key"), [
    ("risico", "gistar_afstand_m:", "gistar_afstnd_m"),
    ("planning", "omrijfactor:", "omrijfaktor"),
    ("gelegenheid", "        gewicht: 3", "themas.bedrijventerreinen.indicatoren.0.gewigt"),
    ("profiel", "beschrijving:", "beschrijvng"),
])
def test_unknown_key_lists_the_known_keys(tmp_path, config, old, key):
    indent = " " * (len(old) - len(old.lstrip()))
    path, line = _variant(tmp_path, config, old, f"{indent}{key.split('.')[-1]}: 1\n")
    error = _message(config, path)
    _assert_format(error, path, line, key, "een van de sleutels .+",
                   f"de onbekende sleutel '{key.split('.')[-1]}'")
    known = old.strip().rstrip(":").split(":")[0]
    assert known in error.details["verwacht"]


def test_missing_key_names_the_key_under_its_parent(tmp_path):
    path, line = _variant(tmp_path, "gelegenheid", "        kolom: leegstand_pct",
                          "        # kolom weggehaald\n")
    error = _message("gelegenheid", path)
    # reported at the line of the list item that lacks it
    _assert_format(error, path, line - 5, "themas.bedrijventerreinen.indicatoren.0.kolom",
                   "de verplichte sleutel 'kolom'", r"niets \(de sleutel ontbreekt\)")


@pytest.mark.parametrize(("config", "old", "new", "found"), [
    ("risico", "gewichten:", "gewichten: [drugslab: 3\n", "een lijst '\\[' zonder .*"),
    ("planning", "aantal:", "aantal: 20: 30\n", "een ':' waar geen nieuwe sleutel mag beginnen"),
    ("gelegenheid", "    label: Bedrijventerreinen", "\tlabel: Bedrijventerreinen\n",
     r"een teken waarmee geen waarde mag beginnen \(een tab\?\)"),
])
def test_yaml_syntax_error_has_the_same_format(tmp_path, config, old, new, found):
    path, line = _variant(tmp_path, config, old, new)
    error = _message(config, path)
    assert error.details["regel"] is not None and abs(error.details["regel"] - line) <= 1
    _assert_format(error, path, error.details["regel"], None, "geldige YAML", found)


def test_a_key_twice_is_refused_with_both_lines(tmp_path):
    path, line = _variant(tmp_path, "planning", "omrijfactor:", "aantal: 30\n")
    first = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                 if text.startswith("aantal:"))
    _assert_format(_message("planning", path), path, line, "aantal", "elke sleutel één keer",
                   rf"'aantal' opnieuw \(eerder op regel {first}\)")


def test_yaml_aliases_are_refused(tmp_path):
    # nested aliases expand exponentially ("billion laughs"); a configuration needs none
    path = tmp_path / "risico.yaml"
    path.write_text("a: &a [1, 1]\nb: &b [*a, *a]\nc: [*b, *b]\n", encoding="utf-8")
    _assert_format(_message("risico", path), path, 2, None,
                   "gewone waarden zonder YAML-verwijzingen", r"de verwijzing \*a")


def test_top_level_must_be_a_mapping_and_empty_means_defaults(tmp_path):
    path = tmp_path / "risico.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    _assert_format(_message("risico", path), path, 1, None,
                   r"een mapping \(sleutel: waarde\) op het hoofdniveau", r"\[1, 2\]")
    path.write_text("# alles standaard\n", encoding="utf-8")
    assert load_risico_config(path).bandbreedte_m == 400


def test_any_model_loads_through_the_public_loader(tmp_path):
    class Profiel(BaseModel):  # shape of an import profile (data/profielen/*.yaml)
        model_config = ConfigDict(extra="forbid", frozen=True)
        naam: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        kolommen: dict[str, str]

    path = tmp_path / "profiel.yaml"
    path.write_text("naam: bag_panden\nkolommen:\n  id: identificatie\n", encoding="utf-8")
    assert load_yaml_config(path, Profiel).kolommen == {"id": "identificatie"}
    path.write_text("naam: BAG\nkolommen: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"regel 1, sleutel 'naam': verwacht een naam van "
                                          r"kleine letters.*gevonden 'BAG'\."):
        load_yaml_config(path, Profiel)
    with pytest.raises(ConfigError, match="niet te lezen"):
        load_yaml_config(tmp_path / "bestaat_niet.yaml", Profiel)


def test_overrides_use_the_same_words():
    with pytest.raises(Exception, match=r"parameter 'snelheid_kmh': verwacht een getal > 0, "
                                        r"gevonden 0"):
        PlanningConfig().with_overrides(snelheid_kmh=0)
