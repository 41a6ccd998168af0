"""Runs written before the serving copies: the copy is built once, outside the run folder,
and requests meanwhile get a Dutch 503 instead of waiting without bound."""

from __future__ import annotations

import time

import pytest
from api_testdata import write_test_cog

from api.webtiles import TileUnavailableError, WebCopies
from geo.export.webcog import web_cog_path


def test_missing_copy_is_built_once_outside_the_run(tmp_path):
    cog = write_test_cog(tmp_path / "run" / "v0001" / "gelegenheidskaart.tif")
    copies = WebCopies(tmp_path / "cache", wait_s=0)
    with pytest.raises(TileUnavailableError, match="wordt voorbereid"):
        copies.path(cog, (1, "d"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            built = copies.path(cog, (1, "d"))
            break
        except TileUnavailableError:
            time.sleep(0.1)
    assert built.parent == tmp_path / "cache" and built.is_file()
    assert not web_cog_path(cog).exists()  # the finished run folder is left as it was
    assert sorted(p.name for p in cog.parent.iterdir()) == ["gelegenheidskaart.tif"]
    assert WebCopies(tmp_path / "cache").path(cog, (1, "d")) == built  # another worker


def test_a_copy_written_with_the_run_is_used(tmp_path):
    from geo.export.webcog import write_web_cog

    cog = write_test_cog(tmp_path / "v0001" / "risicokaart.tif", "risico")
    written = write_web_cog(cog)
    assert WebCopies(tmp_path / "cache", wait_s=0).path(cog) == written
    assert not (tmp_path / "cache").exists()
