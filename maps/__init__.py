"""Interactive Folium maps and standalone offline HTML, built from finished outputs only.

Public API:

* :func:`maps.outputs.load_outputs` / :func:`maps.outputs.outputs_from_entries` →
  :class:`maps.outputs.MapOutputs` (rasters, objects, boundaries, kaartverantwoording);
* :func:`maps.builder.build_gemeente_map` → ``folium.Map`` (served or standalone mode);
* :func:`maps.standalone.write_standalone_html` / :func:`maps.standalone.render_standalone_html`;
* :mod:`maps.style` (pure style/popup/legend functions), :mod:`maps.raster` (class band → PNG),
  :mod:`maps.assets` (vendored Leaflet + plug-ins), :mod:`maps.verantwoording` (readable
  kaartverantwoording for the web pages).
"""
