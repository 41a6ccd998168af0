"""Planning parameters: the shipped YAML, overrides, and Dutch configuration errors."""

from __future__ import annotations

import pytest

from geo.errors import ConfigError, InvalidRequestError
from geo.planning.config import PLANNING_YAML, PlanningConfig, load_planning_config


def test_shipped_yaml_loads_with_documented_defaults():
    config = load_planning_config()
    assert PLANNING_YAML.name == "planning.yaml"
    assert config.aantal == 20
    assert config.exploratie_aandeel == 0.2 and config.n_exploration == 4
    assert config.duration("vakantieparken", None) == 120
    assert config.duration("buitengebied", "schuur") == 45
    # 50 km/h with detour 1.3: metres of straight line per minute
    assert config.meters_per_minute == pytest.approx(50_000 / 60 / 1.3)


def test_overrides_are_validated_in_dutch():
    config = PlanningConfig()
    assert config.with_overrides(aantal=5, exploratie_aandeel=None).aantal == 5
    with pytest.raises(InvalidRequestError,
                       match=".exploratie_aandeel.: verwacht een getal <= 1, gevonden 1.5"):
        config.with_overrides(exploratie_aandeel=1.5)
    with pytest.raises(InvalidRequestError,
                       match=r"parameter 'themas': verwacht thema's .*onbekend thema: \['bossen'"):
        config.with_overrides(themas=("bossen",))


def test_bad_yaml_names_file_and_key(tmp_path):
    path = tmp_path / "planning.yaml"
    path.write_text("aantal: 20\nsnelheid_kmh: -5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"planning.yaml, regel 2, sleutel 'snelheid_kmh': "
                                          r"verwacht een getal > 0, gevonden -5\."):
        load_planning_config(path)
    path.write_text("aantal: 20\nonbekend: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="regel 2, sleutel 'onbekend': verwacht een van de "
                                          "sleutels aantal, .*gevonden de onbekende sleutel"):
        load_planning_config(path)
    path.write_text("kans_min: 0.5\nkans_max: 0.2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"regel 2, sleutel 'kans_max': verwacht een kans > "
                                          r"kans_min \(0.5\), gevonden 0.2"):
        load_planning_config(path)
