"""Plan CSV: ``;``-separated with Dutch decimal commas (issue 14 item 10: ``0.9599`` with
``;`` is misread by Dutch Excel)."""

import pandas as pd

from geo.export.plan import write_plan_csv


def test_plan_csv_writes_dutch_decimals_consistently(tmp_path):
    table = pd.DataFrame({"object_id": ["BT0128"], "naam": ["Roholt 1"], "score": [0.9599],
                          "trekkans": [0.25], "afstand_km": [12.5], "klasse": [5]})
    text = write_plan_csv(table, tmp_path / "plan.csv").read_text("utf-8-sig")
    header, row = text.splitlines()
    assert header == "object_id;naam;score;trekkans;afstand_km;klasse"
    assert row == "BT0128;Roholt 1;0,9599;0,25;12,5;5"
    assert "." not in row
