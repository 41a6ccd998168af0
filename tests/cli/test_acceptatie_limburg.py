"""Acceptance of the risicokaart issue on the real Limburg demo (not a synthetic shortcut).

Demo data → gelegenheidskaart for all of Limburg at 100 m → temporal hold-out evaluation
(train 2023-2024, test 2025). The learned kaart must beat the KDE risicokaart, prior
counts per cell and uniform random at 5% coverage; PAI is hit rate / area share.
"""

import json

import pytest
from typer.testing import CliRunner

from kaart.cli import app


def _run(args):
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["ok"], payload
    return payload


@pytest.mark.slow
def test_learned_kaart_beats_kde_prior_counts_and_random_on_held_out_year(tmp_path):
    werkmap = str(tmp_path / "wm")
    _run(["demo", "--seed", "1", "--werkmap", werkmap])
    _run(["gelegenheid", "--provincie", "Limburg", "--celgrootte", "100", "--werkmap", werkmap])
    result = _run(["evalueer", "--provincie", "Limburg", "--splitsing", "2025-01-01",
                   "--werkmap", werkmap])

    pai = result["pai_5"]
    assert pai["uniform"] == pytest.approx(1.0)
    assert pai["geleerd"] > pai["risicokaart"]
    assert pai["geleerd"] > pai["eerdere_incidenten"]
    assert pai["geleerd"] > 2 * pai["uniform"]
    # the expert map must carry real signal too (it is what a gemeente sees by default)
    assert pai["deskundig"] > 2 * pai["uniform"]

    rows = [r for r in result["tabel"] if r["kaart"] == "geleerd"]
    for row in rows:  # PAI is defined as hit rate / area share
        assert row["pai"] == pytest.approx(row["trefkans"] / row["dekking"])
    assert [r["dekking"] for r in rows] == [0.01, 0.02, 0.05, 0.1, 0.2]
