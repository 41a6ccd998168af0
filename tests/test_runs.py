"""geo.runs is the one source: authorisation, maps and export agree with it for every kind.

Adding a map kind to :data:`geo.runs.KINDS` is one edit; these tests loop over KINDS, so a
module that decides confidentiality or file names on its own fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from api.auth import Principal
from api.authz import may_see
from geo.catalog import MAP_KINDS as CATALOG_KINDS
from geo.catalog import KaartEntry
from geo.runs import (
    CONFIDENTIAL_KINDS,
    KINDS,
    MAP_KINDS,
    PUBLIC_KINDS,
    confidential_incidents,
    confidentiality,
    map_file,
    map_kind,
)
from maps import outputs


def _user(grant: bool) -> Principal:
    return Principal(id=1, gebruikersnaam="u", rol="gemeente", organisatie_id=1,
                     organisatie="Gemeente Vaals", gemeenten=frozenset({"GM0981"}),
                     vertrouwelijk=grant, sessie="s", via="token")


def _entry(soort: str) -> KaartEntry:
    return KaartEntry(kaart_id=f"GM0981-{soort}-totaal", gebied_id="GM0981", gebied_naam="Vaals",
                      gebied_soort="gemeente", gemeenten=["GM0981"], soort=soort, thema="totaal",
                      versie=1, datum="2026-12-01T00:00:00+00:00", run_dir="kaarten/x/v0001",
                      vertrouwelijk=False)


@pytest.mark.parametrize("soort", list(KINDS))
def test_authorisation_and_maps_follow_geo_runs(soort):
    kind = KINDS[soort]
    # a gemeente user without the grant sees exactly the non-confidential kinds, even when
    # the catalog entry itself does not say vertrouwelijk
    assert may_see(_user(grant=False), _entry(soort)) is not kind.vertrouwelijk
    assert may_see(_user(grant=True), _entry(soort))
    assert (soort in outputs.PUBLIC_KINDS) is (kind.in_catalog and not kind.vertrouwelijk)
    assert (soort in outputs.ALL_KINDS) is kind.in_catalog
    assert confidentiality(soort).vertrouwelijk is kind.vertrouwelijk
    assert kind.reden and kind.reden[0].islower()  # Dutch reason, read after "vertrouwelijk:"
    # tiles, legends and the object API colour and name classes by the kind's scheme
    from geo.legend import class_colors, class_labels
    from maps.style import legend_html

    assert class_colors(soort) == class_colors(kind.legenda)
    assert class_labels(soort) == class_labels(kind.legenda)
    assert legend_html(soort) == legend_html(kind.legenda)


def test_kind_tables_are_consistent():
    assert CATALOG_KINDS == MAP_KINDS
    assert PUBLIC_KINDS | (CONFIDENTIAL_KINDS & set(MAP_KINDS)) == set(MAP_KINDS)
    assert PUBLIC_KINDS == {"gelegenheid"}
    assert map_file("totaal") == KINDS["gelegenheid"].cog
    with pytest.raises(KeyError, match="onbekende kaartsoort"):
        map_kind("bestaat_niet")


def test_unknown_kind_is_confidential_for_authorisation():
    assert not may_see(_user(grant=False), _entry("nieuw_soort"))


@pytest.mark.parametrize(("bron", "vertrouwelijk", "count"), [
    (["gemeente", "riec"], [False, False], 0),
    (["politie", "gemeente"], [True, False], 1),
    (["gemeente", "gemeente"], [None, False], 1),  # unknown is not "not confidential"
    (["gemeente", "riec"], [True, True], 2),
])
def test_incidents_confidential_column_is_read(bron, vertrouwelijk, count):
    frame = pd.DataFrame({"bron": bron, "vertrouwelijk": pd.array(vertrouwelijk,
                                                                  dtype="boolean")})
    assert confidential_incidents(frame) == count
    assert confidential_incidents(frame.drop(columns="vertrouwelijk")) == 2


def test_an_incident_kind_public_by_default_becomes_confidential_with_police_rows(monkeypatch):
    import geo.runs as runs

    public = runs.MapKind("meldingen", "meldingenkaart", "meldingen.tif", vertrouwelijk=False,
                          reden="eigen meldingen van de gemeente", uit_incidenten=True)
    monkeypatch.setitem(runs.KINDS, "meldingen", public)
    own = pd.DataFrame({"bron": ["gemeente"], "vertrouwelijk": [False]})
    police = pd.DataFrame({"bron": ["politie"], "vertrouwelijk": [True]})
    assert not confidentiality("meldingen", own).vertrouwelijk
    assert confidentiality("meldingen", police).vertrouwelijk


@pytest.mark.parametrize("soort", list(KINDS))
def test_the_shared_run_writer_follows_geo_runs(tmp_path, soort):
    """Export: every kind is written and registered by one writer, with geo.runs' verdict."""
    import numpy as np
    from affine import Affine

    from geo.catalog import Catalog
    from geo.export.cog import write_map_cog
    from geo.export.writer import CatalogMap, finish_run, open_run
    from geo.layers.gemeenten import select_area
    from geo.paths import Werkmap
    from geo.runs import TOTAL, VERANTWOORDING_FILE
    from geo.scoring.grid import Grid

    kind = KINDS[soort]
    werkmap = Werkmap.open(tmp_path)
    area = select_area(gemeente="Vaals")
    grid = Grid(Affine(25, 0, 190000, 0, -25, 310000), (4, 4))
    with open_run(werkmap, area, kind, synthetisch=True,
                  vertrouwelijkheid=confidentiality(soort)) as run:
        if kind.cog:
            write_map_cog(run.file(kind.cog, "cog", aantal=16, kaart_id=run.kaart_id()),
                          np.full((4, 4), 0.5), np.full((4, 4), 3), grid, soort=soort,
                          thema=TOTAL, gebied_id=area.id, synthetisch=True, breaks=[.2, .4],
                          vertrouwelijk=run.vertrouwelijkheid.vertrouwelijk)
        run.write_verantwoording(run.document(grid=grid, cells=16))
    result = finish_run(run, maps=[CatalogMap(TOTAL, kind.cog)] if kind.in_catalog else [])
    assert result.run_dir == tmp_path / "kaarten" / area.id / soort / "v0001"
    assert result.files[-1].pad == result.run_dir / VERANTWOORDING_FILE
    assert result.verantwoording.vertrouwelijk is kind.vertrouwelijk
    assert result.verantwoording.vertrouwelijk_reden == kind.reden
    entries = Catalog(werkmap).entries()
    assert [e.vertrouwelijk for e in entries] == ([kind.vertrouwelijk] if kind.in_catalog else [])
    if kind.cog:
        import rasterio

        with rasterio.open(result.run_dir / kind.cog) as src:
            assert (src.tags().get("VERTROUWELIJK") == "ja") is kind.vertrouwelijk
