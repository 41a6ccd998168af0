"""Planning parameters: a frozen pydantic model loaded from ``data/planning.yaml``.

Every field can be overridden (CLI options, API request) with :meth:`PlanningConfig.with_overrides`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from geo.errors import ConfigError, InvalidRequestError
from geo.paths import DATA_DIR
from geo.runs import THEMES

PLANNING_YAML = DATA_DIR / "planning.yaml"


class PlanningConfig(BaseModel):
    """Parameters of one controle-plan (see ``data/planning.yaml`` for the meaning of each)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aantal: int = Field(20, ge=1, le=500)
    themas: tuple[str, ...] = THEMES
    minimale_afstand_m: float = Field(500.0, ge=0)
    gemeente_min_aandeel: float = Field(0.0, ge=0, le=1)
    gemeente_max_aandeel: float = Field(1.0, gt=0, le=1)
    uitsluiten_maanden: int = Field(6, ge=0)
    exploratie_aandeel: float = Field(0.2, ge=0, le=1)
    witte_vlek_gewicht: float = Field(1.0, ge=0)
    exploratie_uniform: float = Field(0.3, ge=0, le=1)
    kans_min: float = Field(0.02, gt=0, lt=1)
    kans_max: float = Field(0.35, gt=0, lt=1)
    prior_sterkte: float = Field(4.0, gt=0)
    kalibratie_sterkte: float = Field(10.0, gt=0)
    tijdbudget_uren: float = Field(40.0, gt=0)
    werkdag_uren: float = Field(8.0, gt=0, le=24)
    starttijd: str = Field("09:00", pattern=r"^\d{2}:\d{2}$")
    snelheid_kmh: float = Field(50.0, gt=0)
    omrijfactor: float = Field(1.3, ge=1)
    terugkeer: bool = False
    duur_thema: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(THEMES, 60.0))
    duur_soort: dict[str, float] = Field(default_factory=dict)

    @field_validator("themas")
    @classmethod
    def _known_themes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in value if t not in THEMES]
        if unknown or not value:
            raise ValueError(f"onbekend thema {unknown}; kies uit {', '.join(THEMES)}")
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _consistent(self) -> PlanningConfig:
        if self.kans_min >= self.kans_max:
            raise ValueError("kans_min moet kleiner zijn dan kans_max")
        if self.gemeente_min_aandeel > self.gemeente_max_aandeel:
            raise ValueError("gemeente_min_aandeel mag niet groter zijn dan gemeente_max_aandeel")
        return self

    # derived values ---------------------------------------------------------------------------
    @property
    def n_exploration(self) -> int:
        """Number of exploration picks: > 0 whenever the share is > 0."""
        if self.exploratie_aandeel <= 0:
            return 0
        return min(self.aantal, max(1, round(self.exploratie_aandeel * self.aantal)))

    @property
    def gemeente_min(self) -> int:
        return math.floor(self.gemeente_min_aandeel * self.aantal + 1e-9)

    @property
    def gemeente_max(self) -> int:
        return max(1, math.floor(self.gemeente_max_aandeel * self.aantal + 1e-9))

    @property
    def meters_per_minute(self) -> float:
        return self.snelheid_kmh * 1000.0 / 60.0 / self.omrijfactor

    @property
    def start_minutes(self) -> int:
        hours, minutes = self.starttijd.split(":")
        return int(hours) * 60 + int(minutes)

    def duration(self, thema: str, soort: str | None) -> float:
        """Control duration in minutes for an object of ``thema`` and ``soort``."""
        if soort is not None and soort in self.duur_soort:
            return float(self.duur_soort[soort])
        return float(self.duur_thema.get(thema, 60.0))

    def with_overrides(self, **overrides: Any) -> PlanningConfig:
        """A copy with the non-``None`` overrides applied and validated."""
        values = {k: v for k, v in overrides.items() if v is not None}
        if not values:
            return self
        try:
            return PlanningConfig.model_validate({**self.model_dump(), **values})
        except ValidationError as error:
            raise InvalidRequestError(_dutch(error, "parameter"), **_fields(error)) from None


def load_planning_config(path: str | os.PathLike[str] | None = None) -> PlanningConfig:
    """Read the planning parameters from YAML (default ``data/planning.yaml``).

    Raises
    ------
    ConfigError
        Unreadable YAML or an invalid value; the message names the file and the key.
    """
    path = Path(path) if path is not None else PLANNING_YAML
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"Planningsconfiguratie {path} is niet te lezen: {error}",
                          bestand=str(path)) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"Planningsconfiguratie {path} moet een YAML-mapping zijn.",
                          bestand=str(path))
    try:
        return PlanningConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(f"{path}: {_dutch(error, 'sleutel')}", bestand=str(path),
                          **_fields(error)) from None


def _dutch(error: ValidationError, word: str) -> str:
    parts = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(geheel)"
        if item["type"] in _DUTCH:
            message = _DUTCH[item["type"]].format(**item.get("ctx", {}))
        else:
            message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{word} '{key}' = {item.get('input')!r}: {message}")
    return "Ongeldige planningsparameter: " + "; ".join(parts)


_DUTCH = {
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "extra_forbidden": "onbekende parameter",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "bool_parsing": "moet ja/nee (true/false) zijn",
    "string_pattern_mismatch": "heeft niet de vorm {pattern}",
}


def _fields(error: ValidationError) -> dict[str, Any]:
    return {"sleutels": [".".join(str(p) for p in e["loc"]) for e in error.errors()]}
