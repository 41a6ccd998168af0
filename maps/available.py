"""The finished outputs of an area that can really be read: one damaged file never hides
the others (issue 11 item 8).

:func:`available_outputs` leaves out a map whose COG is missing or cut short, shows the
maps without objects when the object table is damaged, and drops an unreadable
kaartverantwoording; each problem comes back as a Dutch sentence without a server path,
for the page to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pyogrio.errors  # noqa: F401 - loaded, so unreadable_output_errors() includes them

from geo.catalog import KaartEntry
from geo.errors import KaartError
from geo.paths import Werkmap
from maps.outputs import (
    MapOutputs,
    add_risk_classes,
    load_object_classes,
    load_verantwoording,
    outputs_from_entries,
)
from maps.raster import cog_readable
from maps.style import kaart_title
from maps.unreadable import unreadable_output_errors

UNREADABLE_OUTPUT_ERRORS: tuple[type[Exception], ...] = unreadable_output_errors()
"""What reading a damaged COG, GeoPackage or JSON raises (:mod:`maps.unreadable`)."""


@dataclass
class AvailableOutputs:
    """What of an area can be shown, and what not (``problems``: Dutch, no paths)."""

    outputs: MapOutputs | None
    problems: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """kaart_ids left out because their map file is missing or damaged."""


def _readable_maps(werkmap: Werkmap, entries: list[KaartEntry],
                   result: AvailableOutputs) -> list[KaartEntry]:
    usable = []
    for entry in entries:
        title = kaart_title(entry.soort, entry.thema)
        path = entry.path(werkmap, entry.cog)
        if path is not None and not cog_readable(path):
            result.broken.add(entry.kaart_id)
            result.problems.append(f"{title} is niet beschikbaar: het kaartbestand ontbreekt "
                                   "of is beschadigd.")
            continue
        try:
            load_verantwoording(werkmap, entry)
        except (KaartError, *UNREADABLE_OUTPUT_ERRORS):
            entry = replace(entry, verantwoording=None)
            result.problems.append(f"De kaartverantwoording van {title} is beschadigd en "
                                   "wordt niet getoond.")
        usable.append(entry)
    return usable


def available_outputs(werkmap: Werkmap, entries: Iterable[KaartEntry]) -> AvailableOutputs:
    """The readable outputs of already authorised catalog entries of one area, for the
    served viewer: objects as ids and classes only (:func:`maps.outputs.load_object_classes`;
    the viewer gets them as vector tiles)."""
    result = AvailableOutputs(None)
    usable = _readable_maps(werkmap, list(entries), result)
    if not any(e.cog for e in usable):
        return result
    objects = {}
    holder = next((e for e in usable if e.objecten), None)
    if holder is not None:
        try:
            objects = load_object_classes(holder.path(werkmap, holder.objecten))
        except (KaartError, *UNREADABLE_OUTPUT_ERRORS):
            result.problems.append("De objecten zijn niet beschikbaar: het objectenbestand "
                                   "ontbreekt of is beschadigd. De kaart wordt zonder "
                                   "objecten getoond.")
    try:
        outputs = outputs_from_entries(werkmap, [replace(e, objecten=None) for e in usable])
    except (KaartError, *UNREADABLE_OUTPUT_ERRORS):
        result.problems.append("De gemeentegrenzen van dit gebied zijn niet leesbaar.")
        return result
    risk = next((e for e in usable if e.soort == "gecombineerd" and e.objecten), None)
    if objects and risk is not None and risk is not holder:
        try:  # risico and gecombineerd classes: the legend says whether objects lack one
            objects = add_risk_classes(objects, risk.path(werkmap, risk.objecten))
        except (KaartError, *UNREADABLE_OUTPUT_ERRORS):
            pass  # the viewer's tiles of that run then fail too; the classes stay unknown
    outputs.objects = objects
    result.outputs = outputs
    return result
