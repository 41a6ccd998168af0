"""Who may see which map: the one rule every route goes through (via :mod:`api.deps`).

A map covers ``KaartEntry.gemeenten``; a user sees it only when every one of those gemeenten
belongs to the user's organisation. Confidential maps (the entry's ``vertrouwelijk``, or a
kind that :mod:`geo.runs` marks confidential: risico, gecombineerd, gelegenheid_geleerd)
additionally need the role ``analist`` or ``planner``, or a ``gemeente`` user with the
explicit grant. ``beheerder`` sees the non-confidential maps of its gemeenten.
"""

from __future__ import annotations

from api.auth import Principal
from geo.catalog import KaartEntry
from geo.runs import is_confidential_kind

CONFIDENTIAL_ROLES = frozenset({"analist", "planner"})


def may_see_confidential(user: Principal) -> bool:
    """Whether ``user`` may see maps derived from police/confidential data."""
    return user.rol in CONFIDENTIAL_ROLES or (user.rol == "gemeente" and user.vertrouwelijk)


def may_see(user: Principal, entry: KaartEntry) -> bool:
    """Whether ``user`` may see map ``entry`` (tiles, objects, downloads, everything)."""
    if not entry.gemeenten or not set(entry.gemeenten) <= user.gemeenten:
        return False
    if entry.vertrouwelijk or is_confidential_kind(entry.soort):
        return may_see_confidential(user)
    return True
