"""Per team a one-page A4 briefing PDF of a controle-plan (WeasyPrint from
``services/templates/briefing.html``).

A briefing has the team's map clip (stops numbered in visiting order, one route per day,
gemeente boundaries, scale bar, north arrow), the stops with day, times, location (address,
else coordinates and nearest road) and reason, the checklists of the themes and soorten
visited (``data/checklists.yaml``), the partners, fixed safety notes and empty fields to write
safety notes on. Every data string is escaped by Jinja2's autoescape; WeasyPrint loads only
the embedded ``data:`` image. Used by :func:`services.plans.create_plan` (CLI and API).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import RD_CRS
from geo.atomic import atomic_file
from geo.legend import SYNTHETIC_LABEL
from geo.planning.checklists import ChecklistConfig, load_checklists
from geo.planning.run import PlanRun
from maps.plan import ROUTE_COLORS, route_groups
from services.report import DISCLAIMER, html_to_pdf
from services.report_maps import finish_map_png

REASON_CHARS = 110
"""Reasons are cut at a word boundary so the page stays one page; the XLSX has them whole."""


def briefing_name(team: int) -> str:
    """File name of a team's briefing: ``briefing-team-2.pdf``."""
    return f"briefing-team-{int(team)}.pdf"


def team_numbers(run: PlanRun) -> list[int]:
    """Teams of the plan: 1..``teams`` (a plan without teams is team 1)."""
    return list(range(1, int(run.config.teams or 1) + 1))


def team_stops(picks: pd.DataFrame, team: int) -> pd.DataFrame:
    """The stops of ``team`` by day and visiting order (a plan without teams: all)."""
    frame = picks if "team" in picks else picks.assign(team=1, dag=1)
    return frame[frame["team"] == team].sort_values(["dag", "volgorde"])


def briefing_context(run: PlanRun, team: int, checklists: ChecklistConfig,
                     boundaries: gpd.GeoDataFrame) -> dict[str, Any]:
    """What the briefing of ``team`` shows (the template's context)."""
    stops = team_stops(run.result.picks, team)
    config = run.config
    visited = list(zip(stops["thema"], stops["soort"].where(stops["soort"].notna(), None),
                       strict=True))
    days = sorted({pd.Timestamp(t).strftime("%d-%m-%Y") for t in stops.get("aankomst", [])})
    return {
        "titel": f"Briefing team {team} — controleplan {run.area.naam}",
        "plan_id": run.plan_id, "team": team, "gebied": run.area.naam,
        "dagen": days or [run.datum.strftime("%d-%m-%Y")],
        "venster": f"{config.starttijd}–{config.eindtijd}" if config.teams else
        f"vanaf {config.starttijd}",
        "stops": [_stop(row) for row in stops.to_dict("records")],
        "kaart": _map_data_uri(stops, run, boundaries) if len(stops) else None,
        "checklists": [c.model_dump() for c in checklists.for_stops(visited)],
        "partners": checklists.partners_for(t for t, _ in visited),
        "veiligheid": list(checklists.veiligheid),
        "synthetisch": run.synthetisch, "synthetisch_label": SYNTHETIC_LABEL,
        "disclaimer": DISCLAIMER,
    }


def _stop(row: dict[str, Any]) -> dict[str, Any]:
    arrival = pd.Timestamp(row["aankomst"])
    departure = pd.Timestamp(row.get("vertrek", arrival + pd.Timedelta(minutes=row["duur"])))
    soort = row.get("soort")
    return {
        "nr": int(row["volgorde"]), "dag": int(row.get("dag", 1)),
        "tijd": f"{arrival:%H:%M}–{departure:%H:%M}",
        "object": str(row.get("naam") or row["object_id"]), "id": str(row["object_id"]),
        "thema": str(row["thema"]) + (f" ({soort})" if isinstance(soort, str) and soort
                                      else ""),
        "gemeente": str(row.get("gemeentenaam") or ""),
        "locatie": str(row.get("adres") or f"{float(row['lat']):.5f}, "
                       f"{float(row['lon']):.5f}"),
        "navigatie": str(row.get("navigatie") or ""),
        "reden": short_reason(str(row.get("reden") or "")),
    }


def short_reason(text: str, limit: int = REASON_CHARS) -> str:
    """The reason's first part (why chosen) and its top indicators, cut at a word
    boundary to at most ``limit`` characters (with ``…``); the XLSX has it whole.

    >>> short_reason("Exploitatie: trefkans 30%; score 0,9, klasse 5; nog niet gecontroleerd; "
    ...              "belangrijkste indicatoren: leegstand.")
    'Exploitatie: trefkans 30%; belangrijkste indicatoren: leegstand.'
    >>> short_reason("een twee drie", 9)
    'een twee…'
    """
    parts = text.split("; ")
    kept = [parts[0], *[p for p in parts[1:] if p.startswith("belangrijkste indicatoren")]]
    text = "; ".join(kept)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def _map_data_uri(stops: pd.DataFrame, run: PlanRun, boundaries: gpd.GeoDataFrame) -> str:
    png = render_team_map(stops, run.result.start, boundaries)
    return "data:image/png;base64," + base64.b64encode(png).decode()


def render_team_map(stops: pd.DataFrame, start: tuple[float, float],
                    boundaries: gpd.GeoDataFrame, *, width_in: float = 3.1,
                    dpi: int = 150) -> bytes:
    """PNG of the team's stops (RD): one route per day from the start, numbered stops,
    gemeente boundaries, metric scale bar and north arrow."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    xs = [start[0], *stops["x"].astype(float)]
    ys = [start[1], *stops["y"].astype(float)]
    pad = max(max(xs) - min(xs), max(ys) - min(ys), 1500.0) * 0.12
    left, right, bottom, top = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    height_in = min(max(width_in * (top - bottom) / (right - left), 1.8), 3.0)
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    if len(boundaries):
        boundaries.to_crs(RD_CRS).boundary.plot(ax=ax, color="#777777", linewidth=0.7)
    for i, ((_, dag), group) in enumerate(route_groups(stops)):
        color = ROUTE_COLORS[i % len(ROUTE_COLORS)]
        ax.plot([start[0], *group["x"]], [start[1], *group["y"]], color=color, linewidth=1.6,
                label=f"dag {dag}", zorder=2)
        for row in group.itertuples():
            ax.annotate(str(int(row.volgorde)), (row.x, row.y), ha="center", va="center",
                        fontsize=6.5, color="white", fontweight="bold", zorder=4,
                        bbox={"boxstyle": "circle,pad=0.25", "facecolor": color,
                              "edgecolor": "black", "linewidth": 0.5})
    ax.plot([start[0]], [start[1]], marker="s", color="#1b7837", markersize=6, zorder=3,
            label="start")
    ax.legend(loc="best", fontsize=6, frameon=True)
    return finish_map_png(fig, ax, (left, right, bottom, top), dpi=dpi, pad=0.1)


def render_briefing_html(context: dict[str, Any]) -> str:
    """The briefing as HTML (Jinja2 autoescape: every data string escaped)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("services", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template("briefing.html").render(**context)


def write_briefings(run: PlanRun, directory: Path, boundaries: gpd.GeoDataFrame, *,
                    checklists: ChecklistConfig | None = None) -> dict[str, Path]:
    """Write one briefing PDF per team into ``directory`` (atomically);
    ``{"briefing_team_<n>": path}``."""
    checklists = checklists or load_checklists()
    files = {}
    for team in team_numbers(run):
        html = render_briefing_html(briefing_context(run, team, checklists, boundaries))
        target = directory / briefing_name(team)
        with atomic_file(target) as tmp:
            tmp.write_bytes(html_to_pdf(html))
        files[f"briefing_team_{team}"] = target
    return files
