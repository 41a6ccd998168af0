"""The beheer page end to end in Debian Chromium (issue 14 item 7): a beheerder adds a user
(shown in the table, can log in), deactivates it (it cannot log in any more), revokes its
API token (the token is refused at once); the page's boxes do not overlap at 1366x768,
1920x1080, 768x1024 and 390x844 (nothing sticks out sideways either). Screenshots:
artifacts/screenshots/beheer_*.png."""

from __future__ import annotations

import httpx
import pytest
from conftest import PASSWORD, block_network, screenshot

pytestmark = pytest.mark.browser

NEW_USER = "collega_vaals"
NEW_PASSWORD = "Collega-beheer-wachtwoord-47"
SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080), "768x1024": (768, 1024),
         "390x844": (390, 844)}

_BOXES = """() => {
    const sel = 'header a, header button, header .naam, main h1, main h2, main p, main th, ' +
                'main td, main button, main input:not([type=hidden]), main select, main .hint, ' +
                'main .veld-fout';
    const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
        return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 1 && r.height > 1; };
    const els = [...document.querySelectorAll(sel)].filter(visible);
    const boxes = els.map(el => { const r = el.getBoundingClientRect();
        return {name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' +
                      (el.textContent || el.name || '').trim().slice(0, 30),
                x: r.left, y: r.top, r: r.right, b: r.bottom}; });
    const problems = [];
    for (let i = 0; i < els.length; i++) {
        const a = boxes[i];
        if (a.x < -0.5 || a.r > window.innerWidth + 0.5)
            problems.push(a.name + ' steekt buiten het scherm');
        for (let j = i + 1; j < els.length; j++) {
            if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
            const b = boxes[j];
            if (a.x < b.r - 0.5 && b.x < a.r - 0.5 && a.y < b.b - 0.5 && b.y < a.b - 0.5)
                problems.push(a.name + ' overlapt ' + b.name);
        }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
        problems.push('pagina breder dan het scherm: ' + document.documentElement.scrollWidth);
    return problems;
}"""


@pytest.fixture
def page_as(browser, server, sessions):
    contexts = []

    def make(user: str | None, width: int = 1366, height: int = 768):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="nl-NL",
                                      storage_state=sessions(user) if user else None)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.blocked = block_network(page, (server, "data:", "blob:"))
        return page

    yield make
    for context in contexts:
        context.close()


def _try_login(page, server: str, name: str, password: str) -> bool:
    page.goto(f"{server}/inloggen")
    page.fill("#gebruikersnaam", name)
    page.fill("#wachtwoord", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return "/inloggen" not in page.url


def _token_for(database_url: str, name: str) -> str:
    from api.db.session import open_database
    from api.users import create_token, get_user

    engine, sessionmaker = open_database(database_url, migrate=False)
    try:
        with sessionmaker() as session:
            token = create_token(session, get_user(session, name), "browsertest", 1)
            session.commit()
    finally:
        engine.dispose()
    return token


def _me(server: str, token: str) -> int:
    return httpx.get(f"{server}/api/v1/ik", headers={"Authorization": f"Bearer {token}"},
                     timeout=10).status_code


def test_add_deactivate_revoke_end_to_end(page_as, server, server_database):
    page = page_as("beheerder")
    page.goto(f"{server}/")
    page.click("header >> text=Beheer")
    page.wait_for_url(f"{server}/beheer")
    assert page.title().startswith("Beheer")
    page.fill("#gebruikersnaam", NEW_USER)
    page.fill("#wachtwoord", "te-kort")
    page.click("text=Gebruiker toevoegen >> nth=-1")
    error = page.locator("#fout-wachtwoord")
    assert "minstens 12 tekens" in error.inner_text()
    assert page.locator("#wachtwoord").get_attribute("aria-invalid") == "true"
    screenshot(page, "beheer_fout_1366x768")
    page.fill("#wachtwoord", NEW_PASSWORD)
    page.select_option("#rol", "gemeente")
    page.click("text=Gebruiker toevoegen >> nth=-1")
    page.wait_for_selector("#melding")
    assert f"Gebruiker {NEW_USER} is toegevoegd." in page.locator("#melding").inner_text()
    row = page.locator(f'tr[data-gebruiker="{NEW_USER}"]')
    assert "onbekend" in row.inner_text() and "gemeente" in row.inner_text()

    other = page_as(None)
    assert _try_login(other, server, NEW_USER, NEW_PASSWORD)
    token = _token_for(server_database, NEW_USER)
    assert _me(server, token) == 200

    page.reload()
    row = page.locator(f'tr[data-gebruiker="{NEW_USER}"]')
    assert row.locator("td").nth(3).inner_text() != "onbekend"  # last login now known
    row.locator("button", has_text="Tokens intrekken").click()
    page.wait_for_selector("#melding")
    assert "ingetrokken (1)" in page.locator("#melding").inner_text()
    assert _me(server, token) == 401

    other.goto(f"{server}/")
    assert "/inloggen" not in other.url  # the session still works until deactivated
    page.locator(f'tr[data-gebruiker="{NEW_USER}"]').locator(
        "button", has_text="Deactiveren").click()
    page.wait_for_selector("#melding")
    assert "gedeactiveerd" in page.locator("#melding").inner_text()
    assert "nee (gedeactiveerd)" in page.locator(f'tr[data-gebruiker="{NEW_USER}"]').inner_text()
    other.goto(f"{server}/")
    assert "/inloggen" in other.url  # the open session stopped at once
    third = page_as(None)
    assert not _try_login(third, server, NEW_USER, NEW_PASSWORD)
    assert "Onjuiste gebruikersnaam of wachtwoord" in third.locator(".melding.fout").inner_text()
    assert page.errors == [] and page.blocked == []


def test_other_roles_get_the_dutch_403_page(page_as, server):
    for user in ("vaals", "analist"):
        page = page_as(user)
        response = page.goto(f"{server}/beheer")
        assert response.status == 403
        assert page.locator("h1").inner_text() == "Geen toegang"
        assert page.locator("header >> text=Beheer").count() == 0


LONG_NAME = "medewerker.openbare-orde." + "x" * 60 + "@vaals.nl"


@pytest.fixture(scope="module")
def long_named_user(server, server_database) -> str:
    """A user whose name has the maximum length and no space (the table must still fit)."""
    from api.db.models import Organisatie
    from api.db.session import open_database
    from api.users import add_user

    engine, sessionmaker = open_database(server_database, migrate=False)
    try:
        with sessionmaker() as session:
            org = session.query(Organisatie).filter_by(naam="Gemeente Vaals").one()
            add_user(session, LONG_NAME, NEW_PASSWORD, "gemeente", org)
            session.commit()
    finally:
        engine.dispose()
    return LONG_NAME


@pytest.mark.parametrize("size", list(SIZES))
def test_beheer_layout_without_overlap(page_as, server, size, long_named_user):
    width, height = SIZES[size]
    page = page_as("beheerder", width, height)
    page.goto(f"{server}/beheer")
    page.wait_for_selector("#gebruikers")
    assert page.locator(f'tr[data-gebruiker="{long_named_user}"]').count() == 1
    assert page.evaluate(_BOXES) == []
    screenshot(page, f"beheer_{size}")
    page.fill("#gebruikersnaam", "x")  # too short: error next to the name field
    page.fill("#wachtwoord", PASSWORD)
    page.click("#nieuwe-gebruiker button[type=submit]")
    page.wait_for_selector("#fout-gebruikersnaam")
    assert page.evaluate(_BOXES) == []
