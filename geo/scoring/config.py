"""Indicator sets declared in YAML, validated with pydantic.

A configuration names, per theme, where the theme applies (``domein``), how its
indicators combine (``gewogen_som`` or ``relatief_risico``) and every indicator with its
kind, layer, parameters, weight, direction and normalisation; plus how the theme scores
combine into the overall gelegenheidskaart (``totaal``). See
``data/indicatoren/gelegenheid.yaml`` for the commented default.

Errors name the file, the line, the key, what was expected and what was found
(:class:`geo.errors.ConfigError`, see :mod:`geo.config_yaml`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from geo.config_yaml import line_for, parse_yaml_config, read_yaml_config
from geo.paths import INDICATOR_DIR

DEFAULT_CONFIG = INDICATOR_DIR / "gelegenheid.yaml"
_NAME = r"^[a-z][a-z0-9_]*$"

Scalar = str | int | float | bool


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Normalisatie(_Model):
    """How raw values become 0..1: ``minmax``, ``percentiel`` (rank), ``vast`` or ``geen``."""

    methode: Literal["minmax", "percentiel", "vast", "geen"] = "minmax"
    min: float | None = None
    max: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"methode": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_range(self) -> Normalisatie:
        if self.methode == "vast":
            if self.min is None or self.max is None or not self.min < self.max:
                raise ValueError("bij methode 'vast' een 'min' en 'max' met min < max")
        return self


class _Indicator(_Model):
    naam: str = Field(pattern=_NAME)
    label: str = Field(min_length=1)
    toelichting: str = Field(min_length=1)
    laag: str = Field(pattern=_NAME)
    filter: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    gewicht: float = 1.0
    richting: Literal["positief", "negatief"] = "positief"
    normalisatie: Normalisatie = Normalisatie()
    optioneel: bool = False

    def params(self) -> dict[str, Any]:
        """Kind-specific parameters (for the kaartverantwoording)."""
        common = {"naam", "label", "toelichting", "gewicht", "richting", "normalisatie", "soort",
                  "optioneel"}
        return {k: v for k, v in self.model_dump().items() if k not in common}

    @property
    def reach(self) -> float:
        """How far (m) features influence a cell; sets the window halo."""
        return 0.0


class Dekking(_Indicator):
    """Fraction of the cell covered by (filtered) polygons of ``laag``."""

    soort: Literal["dekking"]
    supersampling: Literal[1, 2, 4, 8] = 4


class Nabijheid(_Indicator):
    """Closeness to features within ``afstand`` m (verval stap, lineair or exponentieel)."""

    soort: Literal["nabijheid"]
    afstand: float = Field(gt=0)
    verval: Literal["stap", "lineair", "exponentieel"] = "lineair"
    schaal: float | None = Field(None, gt=0)

    @property
    def reach(self) -> float:
        return self.afstand


class Afstand(_Indicator):
    """Distance (m) to the nearest feature, capped at ``max_afstand`` (remoteness)."""

    soort: Literal["afstand"]
    max_afstand: float = Field(gt=0)

    @property
    def reach(self) -> float:
        return self.max_afstand


class Dichtheid(_Indicator):
    """Quartic kernel density of points (or centroids) per km², bandwidth in metres."""

    soort: Literal["dichtheid"]
    bandbreedte: float = Field(gt=0)
    gewicht_kolom: str | None = None

    @property
    def reach(self) -> float:
        return self.bandbreedte


class Imputatie(_Model):
    """``onbekend: {waarde: ..., toelichting: ...}``: a documented value for unknown ones."""

    waarde: float
    toelichting: str = Field(min_length=1)


class Attribuut(_Indicator):
    """Value of ``kolom`` of the containing object or the nearest within ``afstand`` m.

    ``ontbrekend``: value where no object lies within reach (default: no contribution).
    ``onbekend``: how an object whose ``kolom`` is unknown (NULL) counts: ``overslaan``
    (default: the cell is scored on its known indicators, weights renormalised) or
    ``{waarde: x, toelichting: ...}`` (imputed with x, marked as imputed).
    """

    soort: Literal["attribuut"]
    kolom: str = Field(min_length=1)
    afstand: float = Field(0.0, ge=0)
    waarden: dict[str, float] | None = None
    ontbrekend: float | None = None
    onbekend: Literal["overslaan"] | Imputatie = "overslaan"

    @property
    def reach(self) -> float:
        return self.afstand


Indicator = Annotated[
    Dekking | Nabijheid | Afstand | Dichtheid | Attribuut, Field(discriminator="soort")
]
INDICATOR_KINDS = ("dekking", "nabijheid", "afstand", "dichtheid", "attribuut")


class Domein(_Model):
    """Where a theme applies inside the area.

    ``gebied``: everywhere; ``binnen``/``nabij``: cells within ``afstand`` m of (filtered)
    features of ``laag`` (0 = inside polygons); ``buiten``: the area minus the polygons
    of ``laag`` (``buitengebied`` = gemeente minus kernen).
    """

    modus: Literal["gebied", "binnen", "nabij", "buiten"]
    laag: str | None = Field(None, pattern=_NAME)
    afstand: float = Field(0.0, ge=0)
    filter: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_layer(self) -> Domein:
        if self.modus != "gebied" and not self.laag:
            raise ValueError(f"bij modus '{self.modus}' een 'laag'")
        return self


class Klassen(_Model):
    """Classification into 5 classes: ``kwantielen`` within the domain or ``vaste_grenzen``."""

    methode: Literal["kwantielen", "vaste_grenzen"] = "kwantielen"
    grenzen: list[float] | None = None

    @model_validator(mode="after")
    def _check_breaks(self) -> Klassen:
        if self.methode == "vaste_grenzen":
            b = self.grenzen or []
            if len(b) != 4 or any(b[i] >= b[i + 1] for i in range(3)):
                raise ValueError("bij vaste_grenzen 4 oplopende getallen in 'grenzen'")
        return self


class Thema(_Model):
    """One theme: domain, combination form and indicators."""

    label: str = Field(min_length=1)
    domein: Domein
    combinatie: Literal["gewogen_som", "relatief_risico"] = "gewogen_som"
    intercept: float = 0.0
    klassen: Klassen | None = None
    indicatoren: list[Indicator] = Field(min_length=1)

    @field_validator("indicatoren")
    @classmethod
    def _unique(cls, value: list[Any]) -> list[Any]:
        names = [i.naam for i in value]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"unieke indicatornamen (dubbel: {', '.join(dup)})")
        return value

    @field_validator("indicatoren")
    @classmethod
    def _check_weights(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        if info.data.get("combinatie", "gewogen_som") == "gewogen_som":
            negative = [i.naam for i in value if i.gewicht < 0]
            if negative:
                raise ValueError(
                    f"gewichten >= 0 bij gewogen_som (negatief: {', '.join(negative)}; "
                    "gebruik 'richting: negatief' voor beschermende factoren)"
                )
            if sum(i.gewicht for i in value) <= 0:
                raise ValueError("gewichten met een som > 0")
        return value

    @property
    def reach(self) -> float:
        """Largest influence distance of the theme (indicators and domain), in metres."""
        return max([i.reach for i in self.indicatoren] + [self.domein.afstand])


class Totaal(_Model):
    """How theme scores combine into the overall gelegenheidskaart."""

    label: str = "Gelegenheidskaart"
    combinatie: Literal["maximum", "gewogen_som"] = "maximum"
    gewichten: dict[str, float] = Field(default_factory=dict)
    klassen: Klassen | None = None


class GelegenheidConfig(_Model):
    """A complete indicator configuration (validated; load with :func:`load_gelegenheid_config`)."""

    versie: Literal[1] = 1
    beschrijving: str = ""
    klassen: Klassen = Klassen()
    themas: dict[str, Thema] = Field(min_length=1)
    totaal: Totaal = Totaal()
    _source: str = PrivateAttr("<configuratie>")
    _lines: dict[tuple[Any, ...], int] = PrivateAttr(default_factory=dict)

    @field_validator("themas")
    @classmethod
    def _theme_names(cls, value: dict[str, Thema]) -> dict[str, Thema]:
        bad = [k for k in value if not re.match(_NAME, k) or k == "totaal"]
        if bad:
            raise ValueError(f"themanamen van kleine letters, cijfers en _, niet 'totaal' "
                             f"(ongeldig: {', '.join(bad)})")
        return value

    @field_validator("totaal")
    @classmethod
    def _check_total(cls, value: Totaal, info: ValidationInfo) -> Totaal:
        unknown = sorted(set(value.gewichten) - set(info.data.get("themas") or {}))
        if unknown:
            raise ValueError(f"in totaal.gewichten alleen thema's uit 'themas' "
                             f"(onbekende thema's: {', '.join(unknown)})")
        if any(w < 0 for w in value.gewichten.values()):
            raise ValueError("totaal.gewichten >= 0")
        return value

    @property
    def source(self) -> str:
        """The file this configuration came from (for error messages)."""
        return self._source

    def where(self, *path: Any) -> str:
        """``file, regel N`` of the deepest known key along ``path`` (for error messages)."""
        line = line_for(self._lines, path)
        return f"{self._source}, regel {line}" if line else self._source

    def klassen_for(self, thema: str) -> Klassen:
        """The classification of a theme (or ``totaal``), falling back to the global one."""
        own = self.totaal.klassen if thema == "totaal" else self.themas[thema].klassen
        return own or self.klassen

    def theme_weight(self, thema: str) -> float:
        """Weight of a theme in the overall map (default 1)."""
        return float(self.totaal.gewichten.get(thema, 1.0))


def load_gelegenheid_config(path: str | Path | None = None) -> GelegenheidConfig:
    """Read and validate an indicator configuration.

    Parameters
    ----------
    path : path, optional
        A YAML file; ``None`` reads the default ``data/indicatoren/gelegenheid.yaml``.

    Raises
    ------
    ConfigError
        Unreadable file, YAML syntax error or invalid content; the message names the
        file, the line, the key, what was expected and what was found.
    """
    path = Path(path) if path is not None else DEFAULT_CONFIG
    return _with_lines(*read_yaml_config(path, GelegenheidConfig, tags=INDICATOR_KINDS),
                       source=str(path))


def parse_gelegenheid_config(text: str, source: str = "<configuratie>") -> GelegenheidConfig:
    """Validate YAML text (see :func:`load_gelegenheid_config`)."""
    return _with_lines(*parse_yaml_config(text, GelegenheidConfig, source=source,
                                          tags=INDICATOR_KINDS), source=source)


def _with_lines(config: GelegenheidConfig, lines: dict[tuple[Any, ...], int], *,
                source: str) -> GelegenheidConfig:
    config._source = source
    config._lines = lines
    return config
