"""Declarative layer schemas: one :class:`LayerSpec` per kind, turned into a pandera schema.

A spec lists the columns (Dutch names as users' sources name them), their type, whether
they are required, the default of an optional column, value ranges, allowed values,
uniqueness and the allowed geometry types. :mod:`geo.layers._validate` normalises a
frame to these types and lets pandera check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

import pandas as pd
import pandera.pandas as pa

ColumnType = Literal["str", "int", "float", "bool", "date", "gemeentecode"]

GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {
    "polygoon": ("Polygon", "MultiPolygon"),
    "lijn": ("LineString", "MultiLineString"),
    "punt": ("Point",),
    "punt_of_polygoon": ("Point", "Polygon", "MultiPolygon"),
}
"""Geometry families and the geometry types each accepts."""

_TYPE_NAMES = {
    "str": "tekst", "int": "geheel getal", "float": "getal", "bool": "ja/nee",
    "date": "datum", "gemeentecode": "gemeentecode (GMnnnn)",
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a layer schema.

    Parameters
    ----------
    name : str
        Dutch column name.
    type : {"str", "int", "float", "bool", "date", "gemeentecode"}
        Value type after normalisation.
    description : str
        Dutch description (README table, error messages).
    required : bool
        Required columns must be present and may not be empty.
    default : Any
        Value for an optional column that is absent, and for its empty cells.
    minimum, maximum : float, optional
        Inclusive value range (numbers; years for dates are not checked).
    allowed : tuple of str, optional
        Allowed values (after lower-casing and replacing spaces/hyphens by ``_``).
    unique : bool
        Values must be unique (ids).
    nullable : bool
        Empty cells are allowed (and kept empty when ``default`` is None).
    checks : tuple of pandera.Check
        Further column checks; give each a ``name`` and a Dutch ``error`` text.
    """

    name: str
    type: ColumnType
    description: str
    required: bool = True
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    unique: bool = False
    nullable: bool = False
    checks: tuple[pa.Check, ...] = ()

    @property
    def type_name(self) -> str:
        """Dutch name of the type (``ja/nee``, ``geheel getal``)."""
        return _TYPE_NAMES[self.type]

    @property
    def values_text(self) -> str:
        """Allowed values or range in Dutch (``0–100``, ``≥ 0``, ``vitaal, ...``, ``uniek``)."""
        values = ""
        if self.allowed:
            values = ", ".join(self.allowed)
        elif self.minimum is not None and self.maximum is not None:
            values = f"{self.minimum:g}–{self.maximum:g}"
        elif self.minimum is not None:
            values = f"≥ {self.minimum:g}"
        elif self.maximum is not None:
            values = f"≤ {self.maximum:g}"
        return (values + " uniek").strip() if self.unique else values

    @property
    def default_text(self) -> str:
        """The default of an optional column (``(leeg)``), empty for required columns."""
        if self.required:
            return ""
        if self.default is None and self.nullable:
            return "(onbekend)"
        return "(leeg)" if self.default in (None, "") else str(self.default)

    def pandera_column(self) -> pa.Column:
        checks = []
        if self.minimum is not None and self.maximum is not None:
            checks.append(pa.Check.in_range(self.minimum, self.maximum))
        elif self.minimum is not None:
            checks.append(pa.Check.ge(self.minimum))
        elif self.maximum is not None:
            checks.append(pa.Check.le(self.maximum))
        if self.allowed is not None:
            checks.append(pa.Check.isin(list(self.allowed)))
        if self.type == "gemeentecode":
            checks.append(pa.Check.str_matches(r"^GM\d{4}$"))
        checks.extend(self.checks)
        dtype = {"str": "str", "gemeentecode": "str", "int": "int64", "float": "float64",
                 "bool": "bool", "date": "datetime64[ns]"}[self.type]
        if self.type == "date" or (self.nullable and self.type in ("bool", "int")):
            # date: resolution (ns/us) differs between readers; bool/int with empty cells
            # are pandas "boolean"/float64: normalisation already fixed the type
            dtype = None
        return pa.Column(dtype, checks=checks, nullable=self.nullable, unique=self.unique,
                         required=True, name=self.name)


@dataclass(frozen=True)
class LayerSpec:
    """The schema of one layer kind.

    Parameters
    ----------
    kind : str
        Layer kind (``bedrijventerreinen``), also the layer name in ``invoer/lagen.gpkg``.
    geometry : {"polygoon", "lijn", "punt", "punt_of_polygoon"}
        Geometry family (Polygon kinds accept MultiPolygon, line kinds MultiLineString).
    columns : tuple of ColumnSpec
        Declared columns; other columns in the source are kept unchanged.
    description : str
        Dutch description of the layer.
    id_column : str, optional
        Column identifying a feature in error messages and outputs.
    outside : {"fout", "verwijder"}
        What to do with features entirely outside the Netherlands: refuse the layer,
        or drop them with a warning (roads and borders may extend across the border).
    extra_checks : tuple of pandera.Check
        Checks across columns (their ``error`` text is Dutch).
    keep_extra : bool
        Keep columns the schema does not declare. False for confidential kinds
        (incidenten): extra columns may hold personal data and are dropped (AVG).
    """

    kind: str
    geometry: str
    columns: tuple[ColumnSpec, ...]
    description: str
    id_column: str | None = "id"
    outside: str = "fout"
    extra_checks: tuple[Any, ...] = field(default=())
    keep_extra: bool = True

    @property
    def geometry_types(self) -> tuple[str, ...]:
        return GEOMETRY_TYPES[self.geometry]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def optional(self) -> list[str]:
        return [c.name for c in self.columns if not c.required]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema of the attribute columns (extra columns allowed)."""
        return pa.DataFrameSchema(
            {c.name: c.pandera_column() for c in self.columns},
            checks=list(self.extra_checks),
            strict=False,
            coerce=False,
            name=self.kind,
        )

    def to_dict(self) -> dict[str, Any]:
        """The schema as plain data (``kaart lagen --schema --json``)."""
        return {
            "soort": self.kind, "geometrie": list(self.geometry_types),
            "beschrijving": self.description,
            "kolommen": [{"naam": c.name, "type": c.type_name, "verplicht": c.required,
                          "standaard": c.default, "minimum": c.minimum, "maximum": c.maximum,
                          "toegestaan": list(c.allowed) if c.allowed else None,
                          "uniek": c.unique, "beschrijving": c.description}
                         for c in self.columns],
        }

    def markdown(self) -> str:
        """A Dutch markdown table of the columns (for README and ``--help``)."""
        lines = [f"**{self.kind}** ({' / '.join(self.geometry_types)}): {self.description}", "",
                 "| kolom | type | verplicht | waarden | standaard |", "|---|---|---|---|---|"]
        for c in self.columns:
            lines.append(f"| {c.name} | {c.type_name} | {'ja' if c.required else 'nee'} | "
                         f"{c.values_text} | {c.default_text} |")
        return "\n".join(lines)


def unknown_allowed(*columns: ColumnSpec) -> tuple[ColumnSpec, ...]:
    """``columns`` as attributes that may be unknown: optional, empty cells stay empty.

    Unknown is not zero: a missing column or an empty cell is stored as NULL (never 0 or
    nee); each indicator says how an unknown value counts (``onbekend`` in the
    indicator YAML).
    """
    return tuple(replace(c, required=False, default=None, nullable=True) for c in columns)


def restore_types(spec: LayerSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Undo what GeoPackage storage did to nullable columns (bool with NULL → float).

    A GPKG has no boolean-with-NULL type: pyogrio reads such a column back as float
    1.0/0.0/NaN. Declared bool columns get the pandas ``boolean`` dtype again.
    """
    for column in spec.columns:
        name = column.name
        if column.type == "bool" and name in frame.columns and frame[name].dtype != bool:
            values = pd.to_numeric(frame[name], errors="coerce")
            frame[name] = values.map({1.0: True, 0.0: False}).astype("boolean")
    return frame


def id_column(description: str = "Unieke sleutel van het object (getallen worden tekst).",
              ) -> ColumnSpec:
    """The ``id`` column shared by the object kinds."""
    return ColumnSpec("id", "str", description, unique=True)


def yes_no(name: str, description: str, **kwargs: Any) -> ColumnSpec:
    """A ja/nee column (accepts 0/1, ja/nee, true/false, waar/onwaar)."""
    return ColumnSpec(name, "bool", description, **kwargs)


def percentage(name: str, description: str, **kwargs: Any) -> ColumnSpec:
    """A percentage column (0-100)."""
    return ColumnSpec(name, "float", description, minimum=0, maximum=100, **kwargs)


def count(name: str, description: str, **kwargs: Any) -> ColumnSpec:
    """A non-negative whole number."""
    return ColumnSpec(name, "int", description, minimum=0, **kwargs)
