"""``kaart demo --echt``: the real-data demo, with per layer real (source, licence) or synthetic."""

from __future__ import annotations

from rich.markup import escape

from geo.paths import Werkmap
from kaart.cli._common import Output


def real_demo(out: Output, werkmap: Werkmap, seed: int) -> None:
    """Build the real-data demo and say, per layer, whether it is real or synthetic."""
    from services.demo import REAL_DEMO_REGIO, build_real_demo

    with out.progress() as progress:
        task = progress.add_task("Demo met echte data", total=None)

        def report(done: int, total: int, text: str) -> None:
            progress.update(task, completed=done, total=total, description=text)

        result = build_real_demo(werkmap, seed, progress=report)
    out.wrote(result.layers_path, soort="geopackage")
    out.wrote(result.config_path, soort="indicatoren")
    out.written.extend(result.geschreven)
    layers = {kind: {"echt": meta.get("synthetisch") != "ja", "bron": meta.get("bron_naam")
                     or meta.get("bron", ""), "licentie": meta.get("licentie"),
                     "attributie": meta.get("attributie")}
              for kind, meta in result.layer_info.items()}
    out.data(echt=True, seed=seed, lagen=layers, html=str(result.html))
    out.summary(f"[bold]Demo met echte data[/] — gelegenheidskaart {REAL_DEMO_REGIO}:")
    for kind, meta in sorted(layers.items(), key=lambda item: not item[1]["echt"]):
        if meta["echt"]:
            terms = "; ".join(t for t in (meta["licentie"], meta["attributie"]) if t)
            out.summary(f"  ECHT        {kind:<20} {escape(meta['bron'])}"
                        + (f" ({escape(terms)})" if terms else ""))
        else:
            out.summary(f"  SYNTHETISCH {kind:<20} verzonnen (kaart demo, seed {seed})")
    out.summary(f"Kaart in de browser (werkt offline): {result.html}")
    out.summary(f"Indicatoren: {result.config_path} (vakantieparken: ligging-indicatoren, "
                "want OSM kent geen vitaliteit of bewoning: die blijven onbekend).")
    out.summary("Herkomst en licenties: data/referentie/HERKOMST.md. Gebruik de kaart niet "
                "voor besluiten: een deel van de lagen is verzonnen.")
