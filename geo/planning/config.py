"""Planning parameters: a frozen pydantic model loaded from ``data/planning.yaml``.

Every field can be overridden (CLI options, API request) with :meth:`PlanningConfig.with_overrides`.
"""

from __future__ import annotations

import math
import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from geo.config_messages import validation_message
from geo.config_yaml import load_yaml_config
from geo.errors import InvalidRequestError
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
    teams: int | None = Field(None, ge=1, le=50)
    dagen: int = Field(1, ge=1, le=20)
    eindtijd: str = Field("17:00", pattern=r"^\d{2}:\d{2}$")
    duur_thema: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(THEMES, 60.0))
    duur_soort: dict[str, float] = Field(default_factory=dict)

    @field_validator("themas")
    @classmethod
    def _known_themes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in value if t not in THEMES]
        if unknown or not value:
            raise ValueError(f"thema's uit {', '.join(THEMES)} (onbekend thema: {unknown})")
        return tuple(dict.fromkeys(value))

    @field_validator("gemeente_max_aandeel")
    @classmethod
    def _max_share(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("gemeente_min_aandeel")
        if low is not None and value < low:
            raise ValueError(f"een aandeel >= gemeente_min_aandeel ({low})")
        return value

    @field_validator("eindtijd")
    @classmethod
    def _end_after_start(cls, value: str, info: ValidationInfo) -> str:
        begin = info.data.get("starttijd")
        if begin is not None and value <= begin:
            raise ValueError(f"een eindtijd na de starttijd ({begin})")
        return value

    @field_validator("kans_max")
    @classmethod
    def _max_probability(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("kans_min")
        if low is not None and value <= low:
            raise ValueError(f"een kans > kans_min ({low})")
        return value

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
            message = validation_message(error, word="parameter", model=PlanningConfig)
            raise InvalidRequestError(f"Ongeldige planningsparameter: {message}.",
                                      sleutels=_keys(error)) from None


def load_planning_config(path: str | os.PathLike[str] | None = None) -> PlanningConfig:
    """Read the planning parameters from YAML (default ``data/planning.yaml``).

    Errors are :class:`~geo.errors.ConfigError` naming file, line, key, expected and found
    (:func:`geo.config_yaml.load_yaml_config`).
    """
    return load_yaml_config(path if path is not None else PLANNING_YAML, PlanningConfig)


def _keys(error: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) for e in error.errors()]
