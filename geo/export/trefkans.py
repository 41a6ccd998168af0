"""The hit-rate plot of ``kaart evalueer`` (``trefkans.png``) and the names of the compared maps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo.atomic import atomic_file

MAP_LABELS = {"deskundig": "gelegenheidskaart (deskundig)",
              "geleerd": "gelegenheidskaart (geleerd)",
              "risicokaart": "risicokaart (KDE trainingsperiode)",
              "eerdere_incidenten": "eerdere incidenten per cel",
              "gecombineerd": "gecombineerde kaart", "uniform": "uniform (toeval)"}


def plot_hit_rates(table: pd.DataFrame, target: Path, *, title: str, synthetic: bool) -> Path:
    """PNG of hit rate against coverage, one line per map (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5), dpi=100)
    ax = fig.subplots()
    for name, part in table.groupby("kaart", sort=False):
        ax.plot(part["dekking"] * 100, part["trefkans"] * 100, marker="o",
                label=MAP_LABELS.get(name, name), linestyle="--" if name == "uniform" else "-")
    ax.set_xlabel("Dekking (% van de oppervlakte, hoogste scores eerst)")
    ax.set_ylabel("Trefkans (% van de testincidenten)")
    ax.set_title(title + (" (synthetische demodata)" if synthetic else ""))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_file(target) as tmp:
        fig.savefig(tmp, format="png")
    return target


def evaluation_summary(table: pd.DataFrame, coverage: float = 0.05) -> dict[str, float]:
    """PAI per map at one coverage (for summaries and the algoritmeregister)."""
    part = table[np.isclose(table["dekking"], coverage)]
    return {str(r.kaart): float(r.pai) for r in part.itertuples()}
