"""Per team a one-page briefing PDF (services.briefing via services.plans.create_plan and
``kaart plan --teams``): team, stops in order with times and locations, the checklist of the
themes visited from data/checklists.yaml, partners and a safety field; text read back with
poppler's pdftotext, page count with pdfinfo. Objects are SYNTHETIC (geo.planning.synthetic),
one with a hostile name."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest
from typer.testing import CliRunner

from geo.errors import ConfigError
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.checklists import load_checklists
from geo.planning.synthetic import synthetic_objects, write_synthetic_run
from services.briefing import briefing_context, render_briefing_html, team_stops
from services.plans import create_plan
from services.store import werkmap_database

REGIO = "Maastricht-Heuvelland"
HOSTILE = "<script>alert(1)</script> =HYPERLINK(\"x\")"


def pdf_text(path) -> str:
    """The PDF's text in reading order, a word broken after a hyphen joined again."""
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.replace("-\n", "-")


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture(scope="module")
def created(tmp_path_factory):
    area = select_area(regio=REGIO)
    werkmap = Werkmap.open(tmp_path_factory.mktemp("briefing") / "wm")
    objects = synthetic_objects(area.gemeenten, 300, seed=5)
    objects.loc[objects["score"].idxmax(), "naam"] = HOSTILE  # surely picked
    write_synthetic_run(werkmap, area.id, objects)
    with werkmap_database(werkmap) as sessions, sessions() as session:
        plan = create_plan(session, werkmap, area, datum=dt.date(2026, 12, 7), seed=1,
                           overrides=dict(aantal=18, teams=3, starttijd="08:00",
                                          eindtijd="17:00", minimale_afstand_m=300))
    return werkmap, plan


def test_one_single_page_briefing_per_team_with_stops_checklist_partners(created):
    _, plan = created
    picks = plan.run.result.picks
    checklists = load_checklists()
    assert sorted(plan.briefings) == [1, 2, 3]
    for team, path in plan.briefings.items():
        assert path.name == f"briefing-team-{team}.pdf" and path.parent == plan.directory
        assert pdf_pages(path) == 1
        text = pdf_text(path)
        flat = " ".join(text.split())
        assert f"Briefing team {team} — controleplan {plan.run.area.naam}" in flat
        assert "Synthetische demodata" in flat
        stops = team_stops(picks, team)
        assert len(stops) > 0
        positions = []
        for row in stops.itertuples():
            times = f"{row.aankomst:%H:%M}–{row.vertrek:%H:%M}"
            assert times in flat, times
            positions.append(flat.index(times))
            assert row.object_id in flat
        assert positions == sorted(positions)  # in visiting order
        themes = set(stops["thema"])
        for theme in themes:
            checklist = checklists.themas[theme]
            assert checklist.titel in flat
            assert " ".join(checklist.punten[0].split()) in flat
        for other in set(checklists.themas) - themes:
            assert checklists.themas[other].titel not in flat.split("Checklist")[1]
        for partner in checklists.partners_for(themes):
            assert partner in flat
        assert "Veiligheidsnotities" in flat and "Veiligheid" in flat


def test_hostile_object_name_is_text_not_markup(created):
    _, plan = created
    picks = plan.run.result.picks
    team = int(picks.loc[picks["naam"] == HOSTILE, "team"].iloc[0])
    html = render_briefing_html(briefing_context(plan.run, team, load_checklists(),
                                                 plan.run.area.gemeenten.iloc[:0]))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in " ".join(pdf_text(plan.briefings[team]).split())


def test_a_broken_checklist_file_gives_a_dutch_error_with_line(tmp_path):
    path = tmp_path / "checklists.yaml"
    path.write_text("themas:\n  vakantieparken:\n    titel: Park\n    punten: []\n"
                    "  zwembaden:\n    titel: X\n    punten: [a]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"checklists.yaml, regel \d+, sleutel 'themas"):
        load_checklists(path)


def test_cli_plan_with_teams_lists_the_briefings_in_json(created, monkeypatch):
    from kaart.cli import app

    werkmap, _ = created
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    monkeypatch.setenv("KAART_GEEN_VOORTGANG", "1")
    result = CliRunner().invoke(app, [
        "plan", "--regio", REGIO, "--aantal", "6", "--datum", "2026-12-08", "--teams", "2",
        "--start", "08:00", "--eind", "17:00", "--min-afstand", "300",
        "--werkmap", str(werkmap.root), "--json"])
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.exit_code == 0, payload
    briefings = [f for f in payload["geschreven"] if f["soort"] == "briefing"]
    assert [f["team"] for f in briefings] == [1, 2]
    assert sum(f["aantal"] for f in briefings) == len(payload["keuzes"])
    for item in briefings:
        assert item["pad"].endswith(f"briefing-team-{item['team']}.pdf")
        assert pdf_pages(item["pad"]) == 1
    without = CliRunner().invoke(app, [
        "plan", "--regio", REGIO, "--aantal", "4", "--datum", "2026-12-09",
        "--min-afstand", "300", "--werkmap", str(werkmap.root), "--json"])
    assert not [f for f in json.loads(without.stdout.strip().splitlines()[-1])["geschreven"]
                if f["soort"] == "briefing"]
