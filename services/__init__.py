"""Workflows shared by the CLI (``kaart/cli``) and the API (``api/routes``).

A service function takes plain values (a :class:`geo.paths.Werkmap`, an
:class:`geo.layers.gemeenten.Area`, a database session), does the whole workflow and returns
a typed result; progress goes through an optional callback. The CLI and the routes only parse
input, call the service and present the result, so neither depends on the other.

Modules:

* :mod:`services.runs` — build gelegenheid, risico, gecombineerd runs and the offline HTML map
* :mod:`services.plans` — create a controle-plan (select, write files and map, store)
* :mod:`services.outcomes` — import control outcomes (file, upload, rows); hit-rate report
* :mod:`services.demo` — the demo: synthetic layers and every demo output (``kaart demo --alles``)
* :mod:`services.store` — the database of a werkmap, for callers without a server
"""

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
"""``progress(done, total, text)``: ``done`` of ``total`` steps finished, ``text`` in Dutch."""


def written_file(path: object, soort: str, aantal: int | None = None,
                 **info: object) -> dict[str, object]:
    """One written file as reported to users: ``{"pad" (absolute), "soort", "aantal"?, ...}``."""
    from pathlib import Path

    item: dict[str, object] = {"pad": str(Path(str(path)).resolve()), "soort": soort}
    if aantal is not None:
        item["aantal"] = int(aantal)
    item.update(info)
    return item
