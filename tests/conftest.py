"""Shared test settings: no progress bars, no network, a fresh werkmap per test."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("KAART_GEEN_VOORTGANG", "1")


@pytest.fixture
def werkmap(tmp_path, monkeypatch):
    """An empty werkmap (also set as $KAART_WERKMAP)."""
    path = tmp_path / "werkmap"
    path.mkdir()
    monkeypatch.setenv("KAART_WERKMAP", str(path))
    return path


CHROMIUM = os.environ.get("KAART_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium (Playwright) for the whole run: the sync API allows only
    one running Playwright per thread, so every browser test shares this one."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium ontbreekt ({CHROMIUM}); installeer het Debian-pakket 'chromium'.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
