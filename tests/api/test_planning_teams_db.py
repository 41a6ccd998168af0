"""Revision 0004_plan_team_dag on SQLite and PostgreSQL: plans keep team, day and departure
per stop; picks stored before the revision (or of a plan without teams) have none (unknown,
not team 1); the downgrade keeps the other columns and constraints."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command

from api.db.migrate import alembic_config, is_current, upgrade
from api.db.models_planning import PlanKeuze, save_plan
from api.db.session import make_engine, make_sessionmaker
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.config import PlanningConfig
from geo.planning.run import build_plan
from geo.planning.synthetic import synthetic_objects, write_synthetic_run

BEFORE = "0003_audit_keten"


def _migrate(engine, action, revision):
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    werkmap = Werkmap.open(tmp_path_factory.mktemp("teams") / "wm")
    area = select_area(gemeente="Vaals")
    write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 60, seed=3))
    plain = build_plan(werkmap, area, PlanningConfig(aantal=3, minimale_afstand_m=0),
                       datum=dt.date(2026, 12, 7), seed=1)
    teams = build_plan(werkmap, area, PlanningConfig(aantal=6, minimale_afstand_m=0, teams=2,
                                                     starttijd="08:00", eindtijd="17:00"),
                       datum=dt.date(2026, 12, 8), seed=1)
    teams.plan_id += "-teams"
    return plain, teams


def test_team_and_day_per_stop_survive_the_migration(database_url, runs):
    plain, teams = runs
    engine = make_engine(database_url)
    if is_current(engine):  # the SQLite template is already at the newest revision
        _migrate(engine, command.downgrade, BEFORE)
    else:
        _migrate(engine, command.upgrade, BEFORE)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("plan_keuzes")}
    assert not {"team", "dag", "vertrek"} & columns
    with engine.begin() as connection:  # a plan stored by the old code
        connection.execute(sa.text(
            "INSERT INTO plannen (id, gebied_id, gebied_naam, datum, seed, aantal, gemeenten, "
            "parameters, bron, synthetisch, totaal_minuten, map, aangemaakt) VALUES ('oud', "
            "'GM0981', 'Vaals', '2026-01-05', 0, 1, '[\"GM0981\"]', '{}', 'x', true, 60, "
            "'plannen/oud', '2026-01-05 10:00:00')"))
        connection.execute(sa.text(
            "INSERT INTO plan_keuzes (plan_id, volgorde, thema, object_id, gemeentecode, score, "
            "klasse, verwacht, soort_keuze, selectiekans, aankomst, duur) VALUES ('oud', 1, "
            "'havens', 'H1', 'GM0981', 0.5, 3, 0.1, 'exploitatie', 1.0, "
            "'2026-01-05 09:00:00', 60)"))
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        save_plan(session, plain)
        save_plan(session, teams)
    with sessions() as session:
        rows = {plan_id: session.scalars(sa.select(PlanKeuze).where(
            PlanKeuze.plan_id == plan_id).order_by(PlanKeuze.volgorde)).all()
            for plan_id in ("oud", plain.plan_id, teams.plan_id)}
    assert [(r.team, r.dag, r.vertrek) for r in rows["oud"]] == [(None, None, None)]
    assert all(r.team is None and r.dag is None for r in rows[plain.plan_id])
    picks = teams.result.picks.sort_values("volgorde")
    assert [(r.team, r.dag) for r in rows[teams.plan_id]] == list(
        zip(picks["team"].astype(int), picks["dag"].astype(int), strict=True))
    assert [r.vertrek for r in rows[teams.plan_id]] == [
        t.to_pydatetime() for t in picks["vertrek"]]
    # down again: the columns go, the rest (and the selection-probability check) stays
    _migrate(engine, command.downgrade, BEFORE)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("plan_keuzes")}
    assert not {"team", "dag", "vertrek"} & columns and "selectiekans" in columns
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO plan_keuzes (plan_id, volgorde, thema, object_id, gemeentecode, score, "
            "klasse, verwacht, soort_keuze, selectiekans, aankomst, duur) VALUES ('oud', 2, "
            "'havens', 'H2', 'GM0981', 0.5, 3, 0.1, 'exploitatie', 0, "
            "'2026-01-05 09:00:00', 60)"))
    engine.dispose()
