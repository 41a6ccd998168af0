"""Benchmark: kaart's standalone HTML map against geopandas ``explore()`` (folium), side by side.

For one area of a werkmap with finished outputs (``kaart demo`` + ``kaart gelegenheid``):

* **map file** — ``maps.standalone.write_standalone_html`` (everything inline, works offline)
  against ``GeoDataFrame.explore()`` of the same objects + boundaries saved with
  ``folium.Map.save`` (loads Leaflet etc. from CDNs, no raster, no analysis): build time
  and file size.
* **raster overlay** — our palette PNG of the class band (``maps.raster.render_class_png``)
  against folium's own ``ImageOverlay`` encoder (``folium.utilities.image_to_url`` of the
  RGBA array): time and bytes of the embedded image.

Each measurement is the median of ``--herhalingen`` runs. Run::

    KAART_WERKMAP=/tmp/demo .venv/bin/kaart demo
    KAART_WERKMAP=/tmp/demo .venv/bin/kaart gelegenheid --gemeente Vaals
    .venv/bin/python benchmarks/bench_maps.py --werkmap /tmp/demo --gebied Vaals \\
        --uit benchmarks/results/maps.md
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_time(func, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--werkmap", type=Path, required=True)
    parser.add_argument("--gebied", default="Vaals")
    parser.add_argument("--herhalingen", type=int, default=5)
    parser.add_argument("--uit", type=Path, default=None)
    args = parser.parse_args()

    import folium
    import geopandas as gpd
    import pandas as pd
    from folium.utilities import image_to_url

    from geo.paths import Werkmap
    from maps.outputs import load_outputs
    from maps.raster import colorize_classes, read_classes_mercator, render_class_png
    from maps.standalone import write_standalone_html

    werkmap = Werkmap.open(args.werkmap)
    outputs = load_outputs(werkmap, args.gebied)
    out = Path(tempfile.mkdtemp(prefix="bench-maps-"))
    n = args.herhalingen

    ours_t, result = _median_time(
        lambda: write_standalone_html(werkmap, args.gebied, out / "kaart.html"), n)
    objects = pd.concat([f.assign(thema=t) for t, f in outputs.objects.items()],
                        ignore_index=True)
    objects = gpd.GeoDataFrame(objects.drop(columns=["uitleg"], errors="ignore"),
                               geometry="geometry", crs=outputs.boundaries.crs)

    def explore() -> int:
        m = outputs.boundaries.explore(style_kwds={"fill": False})
        objects.explore(m=m, column="klasse", categorical=True, cmap="YlOrRd")
        m.save(out / "explore.html")
        return (out / "explore.html").stat().st_size

    ref_t, ref_size = _median_time(explore, n)

    raster = outputs.rasters[0]
    ours_png_t, image = _median_time(lambda: render_class_png(raster.path, "gelegenheid"), n)

    def folium_png() -> int:
        classes, _ = read_classes_mercator(raster.path)
        return len(image_to_url(colorize_classes(classes, "gelegenheid")))

    ref_png_t, ref_png_len = _median_time(folium_png, n)
    ours_png_len = len(image.data_url)

    rows = [
        ("kaart-bestand (HTML)", f"{ours_t:.2f} s", f"{ref_t:.2f} s", f"{ours_t / ref_t:.2f}",
         f"{result.size / 1e6:.2f} MB", f"{ref_size / 1e6:.2f} MB",
         f"{result.size / ref_size:.2f}"),
        (f"rasteroverlay {image.shape[1]}×{image.shape[0]} px", f"{ours_png_t * 1e3:.0f} ms",
         f"{ref_png_t * 1e3:.0f} ms", f"{ours_png_t / ref_png_t:.2f}",
         f"{ours_png_len / 1e3:.0f} kB", f"{ref_png_len / 1e3:.0f} kB",
         f"{ours_png_len / ref_png_len:.2f}"),
    ]
    objects_count = sum(len(f) for f in outputs.objects.values())
    lines = [
        "# Benchmark: losse HTML-kaart (`kaart html`) vs geopandas `explore()`",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_maps.py --werkmap {args.werkmap} "
        f"--gebied {args.gebied} --herhalingen {n}"
        + (f" --uit {args.uit}`" if args.uit else "`"),
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"folium {folium.__version__}, geopandas {gpd.__version__}. Area {outputs.gebied_naam}: "
        f"{len(outputs.rasters)} raster maps, {objects_count} objects"
        + (" (SYNTHETIC demo data)." if outputs.synthetisch else "."),
        "",
        "| wat | kaart tijd | referentie tijd | ratio | kaart grootte | referentie grootte "
        "| ratio |",
        "|---|---|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        "Our time includes reading the catalog and object tables and rendering every raster "
        "map to an embedded PNG; the reference starts from frames already in memory. "
        "Reference: `explore()` output needs CDNs (Leaflet, jQuery, Bootstrap, fonts) and has "
        "no raster layers, legends, Dutch popups, search or area analysis; ours inlines every "
        "script and all rasters and opens from file:// offline. Raster reference: folium's "
        "`image_to_url` (RGBA PNG) of the same reprojected class array; ours is a palette PNG.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.uit:
        args.uit.parent.mkdir(parents=True, exist_ok=True)
        args.uit.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
