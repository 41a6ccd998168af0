"""Map pages say per input layer whether it is real (source, licence) or synthetic."""

from maps.herkomst import layer_sources, mixed_label
from maps.style import info_html

BRONNEN = [
    {"laag": "vakantieparken", "synthetisch": False, "bron": "OpenStreetMap",
     "licentie": "ODbL 1.0", "attributie": "© OpenStreetMap-bijdragers, ODbL",
     "datum_bron": "OSM-stand 2026-08-01"},
    {"laag": "gemeenten", "synthetisch": False, "bron": "CBS", "licentie": "CC BY 4.0",
     "attributie": "CBS / Kadaster, CC BY 4.0", "datum_bron": "2023"},
    {"laag": "kernen", "synthetisch": True}, {"laag": "wegen", "synthetisch": True},
]


def test_layer_sources_real_with_attribution_and_synthetic_grouped():
    lines = layer_sources({"bronnen": BRONNEN})
    assert lines == [
        "vakantieparken: © OpenStreetMap-bijdragers, ODbL (echt, OSM-stand 2026-08-01)",
        "gemeenten: CBS / Kadaster, CC BY 4.0 (echt, 2023)",
        "synthetisch (verzonnen): kernen, wegen"]
    assert layer_sources({"invoer": []}) is None


def test_mixed_input_gets_a_partly_synthetic_label():
    label = mixed_label({"bronnen": BRONNEN})
    assert label.startswith("Deels synthetische demodata: kernen, wegen zijn verzonnen")
    assert mixed_label({"bronnen": BRONNEN[2:]}) is None  # all synthetic: the usual label
    html = info_html(title="t", datum="d", bronnen=[], synthetisch=True, vertrouwelijk=False,
                     synthetisch_label=label)
    assert "Deels synthetische demodata" in html
