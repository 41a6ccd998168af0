"""Exports of a run: COGs, the object GeoPackage, the kaartverantwoording and the run pipeline.

Import the submodules directly (``geo.export.cog``, ``geo.export.objects``,
``geo.export.verantwoording``, ``geo.export.run``); nothing heavy happens at import.
"""
