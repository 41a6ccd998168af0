"""Per input layer: real (source, date, licence, attribution) or synthetic, for map pages.

Reads the ``bronnen`` section the gelegenheid run writes into its kaartverantwoording
(:mod:`geo.export.volledigheid`). OSM data carries "© OpenStreetMap-bijdragers, ODbL",
CBS data "CBS / Kadaster, CC BY 4.0", wherever a map shows it.
"""

from __future__ import annotations

from typing import Any


def layer_sources(verantwoording: dict[str, Any]) -> list[str] | None:
    """``["vakantieparken: © OpenStreetMap-bijdragers, ODbL (echt, OSM-stand 2026-08-01)",
    …, "synthetisch (verzonnen): kernen, wegen"]``, or None when the run has no ``bronnen``.
    """
    rows = verantwoording.get("bronnen")
    if not isinstance(rows, list) or not rows:
        return None
    real, fake = [], []
    for row in rows:
        if not isinstance(row, dict) or not row.get("laag"):
            continue
        if row.get("synthetisch"):
            fake.append(str(row["laag"]))
            continue
        credit = row.get("attributie") or row.get("bron") or "eigen bestand"
        when = f", {row['datum_bron']}" if row.get("datum_bron") else ""
        real.append(f"{row['laag']}: {credit} (echt{when})")
    return real + ([f"synthetisch (verzonnen): {', '.join(fake)}"] if fake else [])


def mixed_label(verantwoording: dict[str, Any]) -> str | None:
    """``Deels synthetisch: …`` when real and synthetic input layers are mixed, else None."""
    rows = [r for r in verantwoording.get("bronnen") or [] if isinstance(r, dict)]
    fake = [str(r.get("laag")) for r in rows if r.get("synthetisch")]
    if not fake or len(fake) == len(rows):
        return None
    return (f"Deels synthetische demodata: {', '.join(fake)} zijn verzonnen — niet gebruiken "
            "voor besluiten over echte locaties.")
