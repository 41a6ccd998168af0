"""Issue 11 item 9: a learned gelegenheidskaart, trained on police incidents, is confidential.

Before geo.runs a ``gelegenheid_geleerd`` map was registered with ``vertrouwelijk=False`` and
``maps.outputs.PUBLIC_KINDS`` listed it, so every gemeente user saw it. Now a gemeente user
needs the explicit grant, as for the risicokaart, also for catalog entries written before.
"""

from __future__ import annotations

import pandas as pd

from api.auth import Principal
from api.authz import may_see
from geo.catalog import KaartEntry
from geo.runs import confidentiality
from maps.outputs import PUBLIC_KINDS


def _user(rol: str, grant: bool) -> Principal:
    return Principal(id=1, gebruikersnaam="u", rol=rol, organisatie_id=1,
                     organisatie="Gemeente Vaals", gemeenten=frozenset({"GM0981"}),
                     vertrouwelijk=grant, sessie="s", via="token")


def _entry(vertrouwelijk: bool) -> KaartEntry:
    return KaartEntry(kaart_id="GM0981-gelegenheid_geleerd-totaal", gebied_id="GM0981",
                      gebied_naam="Vaals", gebied_soort="gemeente", gemeenten=["GM0981"],
                      soort="gelegenheid_geleerd", thema="totaal", versie=1,
                      datum="2026-12-01T00:00:00+00:00", run_dir="kaarten/GM0981/x/v0001",
                      vertrouwelijk=vertrouwelijk)


def test_gemeente_user_without_grant_does_not_see_a_learned_map():
    for old_catalog_flag in (False, True):
        entry = _entry(old_catalog_flag)
        assert not may_see(_user("gemeente", grant=False), entry)
        assert not may_see(_user("beheerder", grant=False), entry)
        assert may_see(_user("gemeente", grant=True), entry)
        assert may_see(_user("analist", grant=False), entry)


def test_learned_maps_are_not_public_in_maps_and_confidential_when_trained_on_police():
    assert "gelegenheid_geleerd" not in PUBLIC_KINDS
    police = pd.DataFrame({"bron": ["politie", "gemeente"], "vertrouwelijk": [True, False]})
    verdict = confidentiality("gelegenheid_geleerd", police)
    assert verdict.vertrouwelijk
    assert verdict.reden.endswith("gemaakt met vertrouwelijke of politie-incidenten")
    assert "1" not in verdict.reden  # no incident count in a published text
