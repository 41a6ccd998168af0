"""Import profiles: how the columns of a real source become a layer kind's columns.

A profile is a YAML file (``data/profielen/<naam>.yaml`` for the shipped ones, or any
file the user gives with ``--profiel eigen.yaml``)::

    profiel: ibis
    soort: bedrijventerreinen            # the layer kind it produces
    beschrijving: IBIS bedrijventerreinen van de provincies
    bron:                                # cited in the kaartverantwoording
      naam: IBIS Bedrijventerreinen
      documentatie: https://...          # public documentation of the layout
      licentie: ...
      attributie: ...
    kolommen:                            # doel: bron  of  doel: {bron: ..., ...}
      id: RINNUMMER
      naam: BEDRIJVENT
      jaar_uitgifte: {bron: JAAR, patroon: '^v?(\\d{4})$'}
      keurmerk_kvo: {bron: KVO, waarden: {J: ja, N: nee}}
      oppervlakte_m2: {bron: OPP_HA, eenheid: ha_naar_m2}
    vast: {bron: riec}                   # constant columns
    filter:                              # keep rows matching every item
      - {kolom: tag_tourism, in: [camp_site, caravan_site]}
    punten_naar_vlakken: {straal_m: 150} # points → circles (layer kinds with polygons),
                                         # unless a polygon file given on import contains them
    afgeleide_id: {velden: [naam], voorvoegsel: osm}  # id when the source has none
    bewaar: [aantalInwoners]             # source columns kept as they are

``samenvoegen_op: id`` merges rows with the same value of that target column into one
object (a terrain delivered in parts), keeping the attributes of the first part.
Columns not mapped or kept are left out (``overige_kolommen: bewaren`` keeps all).
Unknown is not zero: an empty cell, a value listed under ``leeg`` or (with
``anders: onbekend``) a value outside ``waarden`` becomes NULL, never 0 or nee.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from geo.config_yaml import read_yaml_config
from geo.errors import ConfigError
from geo.paths import DATA_DIR

PROFILE_DIR = DATA_DIR / "profielen"
"""The shipped profiles (``kaart profielen``)."""

_NAME = r"^[a-z][a-z0-9_]*$"
Scalar = str | int | float | bool
UNITS = ("ha_naar_m2", "m2_naar_ha", "fractie_naar_pct", "pct_naar_fractie")
"""Unit conversions a column mapping can apply."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnMap(_Model):
    """How one target column is made from the source.

    ``bron`` names one source column, or a list whose first non-empty value is taken.
    ``vast`` gives a constant instead. ``leeg`` lists source values that mean unknown.
    ``patroon`` is a regular expression whose first group is kept (``v1900`` → ``1900``).
    ``waarden`` maps source values (compared as trimmed text, case-insensitively) to
    target values; ``anders`` says what happens to values not in it: ``fout`` (refuse
    the import), ``onbekend`` (NULL) or ``behouden`` (keep the value); ``overig`` gives
    them one value instead (``kantoorfunctie`` → ``overig``). ``type`` reads an extra
    column as ``getal``, ``geheel_getal``, ``ja_nee`` or ``tekst`` (declared columns of
    the layer kind get their type from its schema). ``eenheid``
    converts numbers: ``ha_naar_m2``, ``m2_naar_ha``, ``fractie_naar_pct`` (values must
    lie in 0–1), ``pct_naar_fractie`` (0–100).
    """

    bron: str | list[str] | None = None
    vast: Scalar | None = None
    leeg: list[str] = Field(default_factory=list)
    patroon: str | None = None
    waarden: dict[str, Scalar | None] | None = None
    anders: Literal["fout", "onbekend", "behouden"] = "fout"
    overig: Scalar | None = None
    type: Literal["tekst", "getal", "geheel_getal", "ja_nee"] | None = None
    eenheid: Literal["ha_naar_m2", "m2_naar_ha", "fractie_naar_pct", "pct_naar_fractie"] | None \
        = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"bron": value} if isinstance(value, str | list) else value

    @model_validator(mode="after")
    def _check(self) -> ColumnMap:
        if (self.bron is None) == (self.vast is None):
            raise ValueError("geef precies één van 'bron' (bronkolom) of 'vast' (constante)")
        if self.patroon is not None:
            try:
                compiled = re.compile(self.patroon)
            except re.error as error:
                raise ValueError(f"'patroon' is geen geldige reguliere expressie: {error}") \
                    from error
            if compiled.groups < 1:
                raise ValueError("'patroon' moet één groep '( )' hebben: de waarde die blijft")
        return self

    @property
    def sources(self) -> list[str]:
        """The source columns this mapping reads."""
        if self.bron is None:
            return []
        return [self.bron] if isinstance(self.bron, str) else list(self.bron)


class RowFilter(_Model):
    """Keep rows whose ``kolom`` is ``in`` the values, ``niet_in`` them, or ``gevuld``."""

    kolom: str = Field(min_length=1)
    in_: list[Scalar] | None = Field(None, alias="in")
    niet_in: list[Scalar] | None = None
    gevuld: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> RowFilter:
        if sum(x is not None for x in (self.in_, self.niet_in, self.gevuld)) != 1:
            raise ValueError("geef precies één van 'in', 'niet_in' of 'gevuld'")
        return self


class PointsToAreas(_Model):
    """Points become circles of ``straal_m`` metres (polygon layer kinds only)."""

    straal_m: float = Field(gt=0, le=5000)


class DerivedId(_Model):
    """A stable id when the source has none: hash of the geometry rounded to ``precisie_m``
    metres (EPSG:28992) plus the values of ``velden``, prefixed with ``voorvoegsel``."""

    velden: list[str] = Field(default_factory=list)
    voorvoegsel: str = Field("obj", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    precisie_m: float = Field(1.0, gt=0, le=100)


class SourceInfo(_Model):
    """Where the data comes from (shown in the kaartverantwoording and the README)."""

    naam: str = Field(min_length=1)
    documentatie: str = Field(min_length=1)
    licentie: str = "onbekend"
    attributie: str | None = None


class Profile(_Model):
    """An import profile (see the module docstring)."""

    profiel: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    soort: str = Field(pattern=_NAME)
    beschrijving: str = ""
    bron: SourceInfo | None = None
    kolommen: dict[str, ColumnMap] = Field(default_factory=dict)
    vast: dict[str, Scalar] = Field(default_factory=dict)
    filter: list[RowFilter] = Field(default_factory=list)
    punten_naar_vlakken: PointsToAreas | None = None
    afgeleide_id: DerivedId | None = None
    bewaar: list[str] = Field(default_factory=list)
    samenvoegen_op: str | None = Field(None, pattern=_NAME)
    overige_kolommen: Literal["weglaten", "bewaren"] = "weglaten"

    _source: str = PrivateAttr("<profiel>")
    _lines: dict[tuple[Any, ...], int] = PrivateAttr(default_factory=dict)

    @field_validator("kolommen", "vast")
    @classmethod
    def _target_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        bad = [name for name in value if not re.match(_NAME, name)]
        if bad:
            raise ValueError(f"doelkolom {bad[0]!r}: alleen kleine letters, cijfers en '_'")
        return value

    @property
    def source(self) -> str:
        """The profile's file (or ``--kolom`` for a mapping given on the command line)."""
        return self._source

    def where(self, *path: Any) -> str:
        """``profiel ibis.yaml, regel 12 (kolommen.id)`` for messages."""
        line = None
        for end in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                break
        key = ".".join(str(p) for p in path)
        text = f"profiel {self._source}"
        if line is not None:
            text += f", regel {line}"
        return text + (f" ({key})" if key else "")

    def with_overrides(self, columns: dict[str, str], constants: dict[str, str],
                       label: str) -> Profile:
        """A copy with ``--kolom doel=bron`` and ``--vast doel=waarde`` applied on top."""
        data = self.model_dump(by_alias=True, exclude_none=True)
        data["kolommen"] = {**data.get("kolommen", {}),
                            **{target: {"bron": src} for target, src in columns.items()}}
        data["vast"] = {**data.get("vast", {}), **constants}
        merged = Profile.model_validate(data)
        merged._source = self._source if not (columns or constants) else \
            f"{self._source} + {label}"
        merged._lines = dict(self._lines)
        return merged


def builtin_profiles() -> dict[str, Path]:
    """Name → file of every shipped profile in ``data/profielen``."""
    if not PROFILE_DIR.is_dir():
        return {}
    return {path.stem: path for path in sorted(PROFILE_DIR.glob("*.yaml"))}


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name (``ibis``) or a profile file (``eigen.yaml``).

    Raises
    ------
    ConfigError
        Unknown name, unreadable file, YAML syntax error or invalid content (names the
        file, the line and the key).
    """
    shipped = builtin_profiles()
    text_name = str(name_or_path)
    if text_name in shipped:
        path = shipped[text_name]
    else:
        path = Path(name_or_path)
        if path.suffix.lower() not in (".yaml", ".yml"):
            from geo.layers._normalise import suggest

            raise ConfigError(
                f"Onbekend profiel '{text_name}'.{suggest(text_name, list(shipped))} "
                f"Meegeleverde profielen: {', '.join(shipped) or '(geen)'}; of geef een "
                "profielbestand (.yaml).", profiel=text_name, bekend=list(shipped))
    profile, lines = read_yaml_config(path, Profile)
    profile._source = path.name if path.parent == PROFILE_DIR else str(path)
    profile._lines = lines
    return profile


def empty_profile(kind: str, label: str) -> Profile:
    """A profile with no mappings that keeps every column (for bare ``--kolom``/``--vast``)."""
    profile = Profile(profiel="opdrachtregel", soort=kind, overige_kolommen="bewaren")
    profile._source = label
    return profile
