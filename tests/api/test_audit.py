"""The append-only audit log (SQLite and PostgreSQL): what is recorded, tile aggregation,
refusal of UPDATE/DELETE by the database, and the schema matching the models."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from api_testdata import auth, cell_center
from pyproj import Transformer
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from api import audit
from api.db.base import Base
from api.db.migrate import alembic_config
from api.db.models import AuditRegel
from api.tiles import TMS

KAART = "GM0981-gelegenheid-totaal"
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
MY_TABLES = {"organisaties", "organisatie_gemeenten", "gebruikers", "tokens", "audit"}


def rows(app, **filters):
    with app.state.sessionmaker() as session:
        return [audit.as_dict(r) for r in audit.query(session, **filters)]


def test_views_downloads_objects_and_points_are_recorded(client, tokens, app):
    headers = auth(tokens["analist_mh"])
    lon, lat = TO_WGS.transform(*cell_center(40, 40))
    client.get(f"/api/v1/kaarten/{KAART}", headers=headers)
    client.get(f"/api/v1/objecten/{KAART}", params={"top": 2}, headers=headers)
    client.get(f"/api/v1/punt/{KAART}", params={"lon": lon, "lat": lat}, headers=headers)
    client.get(f"/api/v1/download/{KAART}/cog", headers=headers)
    client.get(f"/api/v1/kaartverantwoording/{KAART}", headers=headers)
    found = rows(app, gebruiker="analist_mh")
    assert [r["actie"] for r in reversed(found)] == [
        "kaart", "objecten", "punt", "download", "verantwoording"]
    assert all(r["kaart_id"] == KAART and r["organisatie"] == "RIEC Maastricht-Heuvelland"
               for r in found)
    objects = next(r for r in found if r["actie"] == "objecten")
    assert objects["aantal"] == 2 and objects["details"] == {"top": 2}
    assert next(r for r in found if r["actie"] == "download")["details"]["bestand"] == "cog"


def test_refused_requests_record_only_the_refusal(client, tokens, app):
    client.get(f"/api/v1/download/{KAART}/cog", headers=auth(tokens["gemeente_heerlen"]))
    (found,) = rows(app, gebruiker="gemeente_heerlen")
    assert found["actie"] == "geweigerd" and found["details"]["status"] == 404


def test_tiles_are_aggregated_per_session(client, tokens, app):
    headers = auth(tokens["gemeente_vaals"])
    lon, lat = TO_WGS.transform(*cell_center(40, 40))
    for z in (14, 15, 16):
        tile = TMS.tile(lon, lat, z)
        for _ in range(2):
            assert client.get(f"/tiles/{KAART}/{z}/{tile.x}/{tile.y}.png",
                              headers=headers).status_code == 200
    assert rows(app, actie="tegels") == []  # still buffered
    assert app.state.tile_audit.flush() == 1
    (record,) = rows(app, actie="tegels")
    assert record["aantal"] == 6 and record["details"]["zoom"] == [14, 16]
    assert record["details"]["van"] <= record["details"]["tot"]
    assert record["gebruiker"] == "gemeente_vaals" and record["sessie"].startswith("token-")


def test_tile_buffer_flushes_when_full(app, tokens, client):
    app.state.tile_audit.max_pending = 3
    headers = auth(tokens["gemeente_vaals"])
    for _ in range(3):
        client.get(f"/tiles/{KAART}/3/0/0.png", headers=headers)
    (record,) = rows(app, actie="tegels")
    assert record["aantal"] == 3


def test_audit_is_append_only_in_the_database(app, tokens, client):
    client.get(f"/api/v1/kaarten/{KAART}", headers=auth(tokens["analist_mh"]))
    engine = app.state.engine
    for statement in (update(AuditRegel).values(gebruikersnaam="iemand_anders"),
                      delete(AuditRegel)):
        with pytest.raises(DBAPIError, match="alleen-toevoegen"):
            with engine.begin() as connection:
                connection.execute(statement)
    assert rows(app)[0]["gebruiker"] == "analist_mh"


def test_schema_matches_models(app):
    with app.state.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        diff = compare_metadata(context, Base.metadata)
        versions = set(connection.execute(text("SELECT version_num FROM alembic_version"))
                       .scalars())
    assert versions == set(ScriptDirectory.from_config(alembic_config(app.state.engine))
                           .get_heads())
    mine = [d for d in diff if _table_of(d) in MY_TABLES]
    assert mine == []


def _table_of(item) -> str | None:
    """The table an Alembic autogenerate diff item is about."""
    if isinstance(item, list):
        item = item[0]
    kind = item[0]
    if kind in ("add_table", "remove_table"):
        return item[1].name
    if kind in ("add_column", "remove_column") or kind.startswith("modify_"):
        return item[2]
    return getattr(getattr(item[1], "table", None), "name", None)


def test_audit_details_are_json(app, tokens, client):
    client.get(f"/api/v1/download/{KAART}/objecten", headers=auth(tokens["gemeente_vaals"]))
    with app.state.sessionmaker() as session:
        raw = session.query(AuditRegel).one().details
    assert json.loads(raw) == {"bestand": "objecten", "versie": 1}
