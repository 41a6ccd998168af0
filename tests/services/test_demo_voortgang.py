"""``kaart demo --alles`` progress (issue 14 item 10: it showed "0/10" for 85 of 107 s):
the running total advances per gemeente inside the long steps, never goes back, and ends at
the total. Real gelegenheid and risico runs on the tiny synthetic werkmap (100 m cells)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from services.demo import DemoStepPlan, gelegenheid_step, risico_step, run_steps

_HELPER = Path(__file__).resolve().parents[1] / "geo" / "export" / "tiny_werkmap.py"


def _tiny_werkmap(root: Path) -> Werkmap:
    spec = importlib.util.spec_from_file_location("tiny_werkmap_voortgang", _HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Werkmap.open(module.make_tiny_werkmap(root))


def test_progress_advances_per_gemeente_and_step(tmp_path):
    werkmap = _tiny_werkmap(tmp_path / "wm")
    area = select_area(gemeente=["Vaals", "Gulpen-Wittem"])
    seen: list[tuple[int, int, str]] = []
    steps = [gelegenheid_step(werkmap, area, cellsize=100.0),
             risico_step(werkmap, area, cellsize=100.0),
             DemoStepPlan("klaar", "Laatste stap", 1, lambda _o, _r: [])]
    result = run_steps(steps, lambda done, total, text: seen.append((done, total, text)))

    assert [s.stap for s in result.steps] == ["gelegenheid", "risico", "klaar"]
    assert all(s.geschreven for s in result.steps[:2])
    totals = {total for _, total, _ in seen}
    assert totals == {5}  # 2 gemeenten + 2 gemeenten + 1
    done = [d for d, _, _ in seen]
    assert done == sorted(done), "voortgang gaat nooit terug"
    assert done[-1] == 5 and seen[-1][2] == "Demo klaar"
    # inside the gelegenheid step (before the risico step starts at 2) it reached 1:
    # the first gemeente finished while the second was still running
    start_risico = next(i for i, (_, _, text) in enumerate(seen) if text.startswith("Risico"))
    assert 1 in done[:start_risico]
    assert any("Gelegenheidskaart Gulpen-Wittem (" in text for _, _, text in seen)
    assert len({d for d in done}) == 6  # 0, 1, 2, 3, 4, 5 all reported
