"""Risicokaart from registered crimes per buurt (police open data), never from points.

The CBS/politie open-data table "Geregistreerde misdrijven; soort misdrijf, wijk en
buurt" gives one row per (SoortMisdrijf, WijkenEnBuurten, Perioden) with the count in
``GeregistreerdeMisdrijven_1``; profile ``politie-open-data`` (``data/profielen``) maps it
to ``buurtcode``, ``periode``, ``soort_misdrijf`` and ``aantal``. The location of a crime
is not in the table, only its buurt, so kaart never makes points of it:

1. :func:`read_buurt_counts` reads the table with the profile and keeps the buurt rows
   (``BU`` codes; wijk, gemeente and land rows are totals);
2. :func:`counts_per_buurt` sums the months in the time window for one soort misdrijf
   (default ``0.0.0``, totaal misdrijven);
3. :func:`buurt_cell_counts` joins the counts to buurt polygons on the buurtcode (a CBS
   wijk- en buurtkaart layer the user provides) and spreads each buurt's count evenly over
   the buurt's cells; a buurt with a count below *k* contributes nothing (k-rule);
4. :func:`compute_buurt_risico` smooths these per-cell counts with the risicokaart's
   kernel, Gi* and classes (:mod:`geo.scoring.risico`), and publishes counts only through
   :func:`geo.scoring.suppression.publish_counts`.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio import features

from geo.errors import InputFileError, SchemaError
from geo.layers._io import read_source, read_text, source_name, to_rd
from geo.scoring.gistar import getis_ord_gistar
from geo.scoring.grid import Grid
from geo.scoring.kde import kernel_density
from geo.scoring.risico import RisicoConfig, RisicoResult, class_breaks, classify
from geo.scoring.suppression import publish_counts

PROFILE = "politie-open-data"
TOTAL_SOORT = "0.0.0"
"""SoortMisdrijf code of 'Totaal misdrijven' in the CBS/politie tables."""
BUURT_CODE = re.compile(r"^BU\d{8}$")
PERIOD = re.compile(r"^(\d{4})MM(\d{2})$")


def read_buurt_counts(source: str | os.PathLike[str], profile: Any = None) -> pd.DataFrame:
    """The buurt rows of a police open-data table: buurtcode, periode (month), soort, aantal.

    ``profile`` defaults to the shipped ``politie-open-data``. Rows of wijken, gemeenten
    and Nederland are left out; a missing count (``.`` in CBS tables) stays unknown and is
    not counted as 0.

    Raises
    ------
    InputFileError, SchemaError
        Unreadable file, missing column (names file and column), bad value (row, value).
    """
    from geo.layers.profiles import apply_profile, load_profile

    profile = load_profile(PROFILE) if profile is None else profile
    name = source_name(source)
    text = read_text(source, "buurtincidenten")
    try:
        table = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str,
                            keep_default_na=False, na_values=["", "."])
    except (ValueError, pd.errors.ParserError) as error:
        raise InputFileError(f"'{name}' is geen leesbare CSV-tabel: {error}.",
                             bestand=name) from error
    frame = gpd.GeoDataFrame(table, geometry=[None] * len(table))
    mapped, _ = apply_profile(profile, frame, source=name, polygons=False, needs_id=False)
    mapped = mapped[mapped["buurtcode"].notna()]
    return pd.DataFrame({
        "buurtcode": mapped["buurtcode"].astype(str), "periode": mapped["periode"].astype(str),
        "soort_misdrijf": mapped["soort_misdrijf"].astype(str).str.strip(),
        "aantal": pd.to_numeric(mapped["aantal"]).astype("Int64"),
    }).reset_index(drop=True)


def counts_per_buurt(table: pd.DataFrame, *, soort: str = TOTAL_SOORT,
                     van: str | None = None, tot: str | None = None) -> pd.Series:
    """Sum of ``aantal`` per buurtcode over the months ``van``..``tot`` (``2024MM01``).

    Buurten where every month is unknown are left out (unknown, not 0).
    """
    for label, value in (("van", van), ("tot", tot)):
        if value is not None and not PERIOD.match(value):
            raise SchemaError(f"Periode {label}={value!r}: verwacht de vorm 2024MM01.",
                              kolom="Perioden", waarde=value)
    rows = table[table["soort_misdrijf"] == soort]
    if van is not None:
        rows = rows[rows["periode"] >= van]
    if tot is not None:
        rows = rows[rows["periode"] <= tot]
    rows = rows[rows["aantal"].notna()]
    return rows.groupby("buurtcode")["aantal"].sum().astype(int)


def buurt_cell_counts(counts: pd.Series, buurten: gpd.GeoDataFrame, grid: Grid, k: int, *,
                      code_column: str = "buurtcode") -> tuple[np.ndarray, dict[str, int]]:
    """Per cell: its share of its buurt's count (count / cells of the buurt).

    Buurten with a count below ``k`` get 0 in every cell (they publish nothing). Returns the
    raster and the counts that were spread (only buurten with count >= k that have cells).

    Raises
    ------
    SchemaError
        ``code_column`` missing from the buurt layer.
    """
    if code_column not in buurten.columns:
        raise SchemaError(
            f"Buurtlaag mist kolom '{code_column}' (de buurtcode, zoals BU09830000). "
            f"Aanwezige kolommen: {', '.join(map(str, buurten.columns))}.",
            laag="buurten", kolom=code_column)
    codes = buurten[code_column].astype(str).str.strip()
    values = codes.map(counts)
    keep = values.notna() & (values >= k)
    chosen = buurten.loc[keep]
    out = np.zeros(grid.shape, float)
    if chosen.empty:
        return out, {}
    ids = features.rasterize(
        ((geom, i + 1) for i, geom in enumerate(chosen.geometry)), out_shape=grid.shape,
        transform=grid.transform, fill=0, dtype="int32")
    cells = np.bincount(ids.ravel(), minlength=len(chosen) + 1)[1:]
    spread = {}
    per_cell = np.zeros(len(chosen) + 1)
    for i, (code, value) in enumerate(zip(codes[keep], values[keep], strict=True)):
        if cells[i]:
            per_cell[i + 1] = float(value) / cells[i]
            spread[str(code)] = int(value)
    return np.where(ids > 0, per_cell[ids], 0.0), spread


def compute_buurt_risico(counts: pd.Series, buurten: gpd.GeoDataFrame, grid: Grid,
                         mask: np.ndarray, config: RisicoConfig, *,
                         code_column: str = "buurtcode", periode: str = "",
                         peildatum: date | None = None) -> RisicoResult:
    """Risicokaart from counts per buurt: spread over the cells, then kernel density,
    Gi* and classes as :func:`geo.scoring.risico.compute_risico`.

    The density is in crimes per km². Published counts (``used``) are the buurten with a
    value and the total, rounded by :func:`geo.scoring.suppression.publish_counts`.
    """
    cell_counts, spread = buurt_cell_counts(counts, buurten, grid, config.k_anonimiteit,
                                            code_column=code_column)
    x, y = grid.cell_centers()
    has = cell_counts > 0
    density = kernel_density(x[has], y[has], grid, config.bandbreedte_m,
                             weights=cell_counts[has], kernel=config.kern)
    z = getis_ord_gistar(cell_counts, grid.cellsize, config.gistar_afstand_m, mask)
    density = np.where(mask, density, np.nan).astype("float32")
    breaks = class_breaks(density[mask], config.klasse_percentielen, positive_only=True)
    table = {**spread, "totaal": int(counts.sum())}
    suppressed = int((counts < config.k_anonimiteit).sum())
    return RisicoResult(
        density=density, klasse=classify(density, breaks),
        z=np.where(mask, z, np.nan).astype("float32"), breaks=breaks,
        peildatum=peildatum or date.today(),
        used=publish_counts(table, config.k_anonimiteit), config=config,
        extra={"invoer": "geregistreerde misdrijven per buurt (politie open data, profiel "
                         f"{PROFILE}); per buurt gelijk over de cellen verdeeld, geen punten",
               "periode": periode, "tijdvenster_dagen": None, "halveringstijd_dagen": None,
               "onderdruk_straal_m": None, "onderdrukte_cellen": None,
               "buurten_met_waarde": len(spread),
               "buurten_onder_k": suppressed, "eenheid": "misdrijven per km²"},
    )


@dataclass(frozen=True)
class BuurtInput:
    """Police open data per buurt plus the buurt polygons, as given to ``kaart risico``.

    ``tabel`` is the CSV in the CBS/politie layout; ``buurten`` a vector file with buurt
    polygons (CBS wijk- en buurtkaart) and the buurtcode in ``code_kolom``; ``soort``,
    ``van`` and ``tot`` select the soort misdrijf and the months (``2024MM01``).
    """

    tabel: Path
    buurten: Path
    buurten_laag: str | None = None
    code_kolom: str = "buurtcode"
    soort: str = TOTAL_SOORT
    van: str | None = None
    tot: str | None = None

    def load(self) -> tuple[pd.Series, gpd.GeoDataFrame, date | None]:
        """Counts per buurt, the buurt polygons (EPSG:28992) and the end of the last month."""
        table = read_buurt_counts(self.tabel)
        counts = counts_per_buurt(table, soort=self.soort, van=self.van, tot=self.tot)
        frame, layer = read_source(self.buurten, self.buurten_laag, "buurten")
        frame = to_rd(frame, None, source_name(self.buurten), layer, "buurten")
        return counts, frame, period_end(table, self.tot)

    @property
    def periode(self) -> str:
        return f"{self.van or 'begin'} t/m {self.tot or 'laatste maand'}"


def period_end(table: pd.DataFrame, tot: str | None) -> date | None:
    """Last day of the latest month used (``2024MM02`` → 2024-02-29), None if no months."""
    periods = table["periode"][table["periode"] <= tot] if tot else table["periode"]
    if periods.empty:
        return None
    year, month = (int(v) for v in PERIOD.match(periods.max()).groups())
    return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date()
