"""Plan storage and outcome import against a real (SQLite) database: matching controls to
plan picks, one transaction, and the stored selection probabilities."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from api.db.migrate import upgrade
from api.db.models_planning import Controle, import_controls, load_controls, save_plan
from api.db.session import make_engine, make_sessionmaker
from geo.errors import SchemaError
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.config import PlanningConfig
from geo.planning.outcomes import validate_outcomes
from geo.planning.run import build_plan
from geo.planning.synthetic import synthetic_objects, write_synthetic_run


@pytest.fixture
def setup(tmp_path):
    werkmap = Werkmap.open(tmp_path / "wm")
    area = select_area(gemeente="Vaals")
    write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 80, seed=8))
    engine = make_engine(f"sqlite:///{tmp_path / 'kaart.db'}")
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    config = PlanningConfig(aantal=4, minimale_afstand_m=0, exploratie_aandeel=0.5)
    plans = []
    for datum in (dt.date(2026, 1, 5), dt.date(2026, 2, 2)):
        run = build_plan(werkmap, area, config, datum=datum, seed=1)
        run.plan_id = f"{run.plan_id}-{datum:%m}"
        with sessions() as session:
            save_plan(session, run)
        plans.append(run)
    yield sessions, plans
    engine.dispose()


def _outcomes(rows):
    raw = pd.DataFrame(rows, columns=["datum", "thema", "object", "uitgevoerd", "bevindingen",
                                      "vervolg", "plan", "gemeentecode"])
    return validate_outcomes(raw.fillna(""))


def test_controls_link_to_the_newest_plan_on_or_before_their_date(setup):
    sessions, (january, february) = setup
    pick = february.result.picks.iloc[0]
    # same candidates and seed: both plans hold this object
    assert january.result.picks["sleutel"].eq(pick["sleutel"]).any()
    outcomes = _outcomes([
        ["2026-01-20", pick["thema"], pick["object_id"], "ja", "geen", "geen", None, None],
        ["2026-02-03", pick["thema"], pick["object_id"], "ja", "hennep", "waarschuwing", None,
         None]])
    with sessions() as session:
        stored = import_controls(session, outcomes, bron="cli")
        assert [c.plan_id for c in stored] == [january.plan_id, february.plan_id]
        assert stored[1].selectiekans == pytest.approx(pick["selectiekans"])
        assert stored[1].soort_keuze == pick["soort_keuze"]
    with sessions() as session:
        table = load_controls(session, ["GM0981"])
    assert table["plan_id"].tolist() == [january.plan_id, february.plan_id]
    assert table["gemeentecode"].tolist() == ["GM0981", "GM0981"]
    with sessions() as session:
        assert load_controls(session, ["GM0917"]).empty


def test_outside_a_plan_needs_a_gemeentecode_and_gets_no_probability(setup):
    sessions, _ = setup
    outcomes = _outcomes([["2026-02-03", "havens", "ONBEKEND", "ja", "geen", "geen", None,
                           None]])
    with sessions() as session, pytest.raises(SchemaError, match="staat in geen plan"):
        import_controls(session, outcomes, bron="cli")
    outcomes = _outcomes([["2026-02-03", "havens", "ONBEKEND", "ja", "geen", "geen", None,
                           "GM0981"]])
    with sessions() as session:
        (stored,) = import_controls(session, outcomes, bron="cli")
        assert stored.plan_id is None and stored.selectiekans is None


def test_one_bad_row_stores_nothing_and_gemeenten_are_enforced(setup):
    sessions, (january, _) = setup
    good = january.result.picks.iloc[0]
    rows = [["2026-01-06", good["thema"], good["object_id"], "ja", "geen", "geen",
             january.plan_id, None],
            ["2026-01-06", good["thema"], "NIET-IN-PLAN", "ja", "geen", "geen",
             january.plan_id, None]]
    with sessions() as session, pytest.raises(SchemaError, match="rij 3.*staat niet in plan"):
        import_controls(session, _outcomes(rows), bron="cli")
    with sessions() as session, pytest.raises(SchemaError, match="hoort niet bij jouw"):
        import_controls(session, _outcomes(rows[:1]), bron="api", gemeenten={"GM0917"})
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Controle)) == 0
