"""Standalone offline HTML: one file with every script, style and raster inside.

The file opens from ``file://`` with no network at all: Leaflet and its plugins are
inlined from ``maps/assets``, the class bands are embedded PNG overlays, and the background
is built from the werkmap's own layers (:mod:`maps.achtergrond`); a tile background only
when asked for.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import folium

from geo.atomic import write_text_atomic
from geo.errors import OutputError
from geo.paths import Werkmap
from maps.assets import STANDALONE_PREFIX, inline_assets
from maps.builder import build_gemeente_map
from maps.outputs import PUBLIC_KINDS, load_outputs
from maps.tile_background import TileBackground, image_hosts

MAX_STANDALONE_BYTES = 10 * 1024 * 1024
"""A gemeente's standalone HTML stays at or below 10 MB."""

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_EXTERNAL = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//[^"]+"', re.IGNORECASE)


@dataclass(frozen=True)
class StandaloneResult:
    """What :func:`write_standalone_html` wrote."""

    path: Path
    size: int
    gebied_id: str
    gebied_naam: str
    kaarten: list[str]
    objecten: int
    synthetisch: bool
    vertrouwelijk: bool


def standalone_policy(html: str, image_hosts: tuple[str, ...] = ()) -> str:
    """Content-Security-Policy of a standalone file: only its own inline scripts run.

    Each ``<script>`` we inlined is allowed by its SHA-256 hash (CSP level 2); inline
    event handlers (``onerror=``) and every outside script, style, frame, form target and
    connection are refused; images come from the file itself, or also from ``image_hosts``
    (a tile background, only when asked for). User text is always
    escaped and JSON inside scripts has ``<`` escaped, so no user text forms a script.
    """
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(
        body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE_SCRIPT.findall(html)})
    return "; ".join([
        "default-src 'none'", "script-src " + " ".join(hashes or ["'none'"]),
        "style-src 'unsafe-inline'", " ".join(["img-src data: blob:", *image_hosts]),
        "font-src data:", "base-uri 'none'", "object-src 'none'", "form-action 'none'",
    ])


def render_standalone_html(m: folium.Map, image_hosts: tuple[str, ...] = ()) -> str:
    """Render a map built with ``standalone=True`` to one self-contained HTML document.

    Raises
    ------
    OutputError
        Something would still be loaded from the network (a script or stylesheet URL).
    """
    html = inline_assets(m.get_root().render())
    html = html.replace("<html>", '<html lang="nl">', 1)
    meta = ('<meta http-equiv="Content-Security-Policy" content="'
            f'{standalone_policy(html, image_hosts)}">')
    html = html.replace("<head>", "<head>\n" + meta, 1)
    leftover = _EXTERNAL.search(html)
    if leftover or STANDALONE_PREFIX in html:
        found = leftover.group(0) if leftover else STANDALONE_PREFIX
        raise OutputError(f"De losse HTML zou nog iets van internet laden: {found[:120]}")
    return html


def write_standalone_html(werkmap: Werkmap, gebied: str, target: str | os.PathLike[str], *,
                          allowed_kinds: Iterable[str] = PUBLIC_KINDS,
                          max_bytes: int = MAX_STANDALONE_BYTES,
                          background: TileBackground | None = None) -> StandaloneResult:
    """Build the offline map of ``gebied`` and write it atomically to ``target``.

    Parameters
    ----------
    werkmap : Werkmap
        Werkmap with the finished outputs (catalog).
    gebied : str
        ``GM0981``, ``Vaals`` or a region id/name.
    target : path-like
        The ``.html`` file to write.
    allowed_kinds : iterable of str
        Map kinds to include; by default no confidential (police-derived) maps.
    max_bytes : int
        Refuse to write a larger file.
    background : TileBackground, optional
        A tile background (e.g. :data:`maps.tile_background.PDOK_BRT`) the file may load
        images from. Default none: the file contacts nothing and shows the offline
        background built from the werkmap's own layers.
    """
    allowed = frozenset(allowed_kinds)
    outputs = load_outputs(werkmap, gebied, allowed_kinds=allowed)
    m = build_gemeente_map(outputs, standalone=True, allowed_kinds=allowed,
                           background=background)
    html = render_standalone_html(m, image_hosts(background))
    size = len(html.encode("utf-8"))
    if size > max_bytes:
        raise OutputError(
            f"De losse HTML van {outputs.gebied_naam} wordt {size / 1e6:.1f} MB, meer dan "
            f"{max_bytes / 1e6:.1f} MB. Kies een kleiner gebied.",
            grootte=size, maximum=max_bytes)
    path = write_text_atomic(target, html)
    return StandaloneResult(
        path=path, size=size, gebied_id=outputs.gebied_id, gebied_naam=outputs.gebied_naam,
        kaarten=[r.kaart_id for r in outputs.rasters if r.entry.soort in allowed],
        objecten=sum(len(f) for f in outputs.objects.values()),
        synthetisch=outputs.synthetisch, vertrouwelijk=outputs.vertrouwelijk,
    )
