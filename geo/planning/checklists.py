"""Checklists for the team briefings, from ``data/checklists.yaml``.

Per theme a titled list of points to check, per soort (schuur, jachthaven, ...) extra
points, per theme the partners, and general safety notes. Loaded with the one YAML loader
(:func:`geo.config_yaml.load_yaml_config`): errors name file, line and key in Dutch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator

from geo.config_yaml import load_yaml_config
from geo.paths import DATA_DIR
from geo.runs import THEMES

CHECKLISTS_YAML = DATA_DIR / "checklists.yaml"


class Checklist(BaseModel):
    """A titled list of points to check."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    titel: str = Field(min_length=1)
    punten: tuple[str, ...] = Field(min_length=1)


class ChecklistConfig(BaseModel):
    """What a briefing lists per theme and soort (see ``data/checklists.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    themas: dict[str, Checklist]
    soorten: dict[str, Checklist] = Field(default_factory=dict)
    partners: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    veiligheid: tuple[str, ...] = ()

    @field_validator("themas", "partners")
    @classmethod
    def _known_themes(cls, value: dict) -> dict:
        unknown = [t for t in value if t not in THEMES]
        if unknown:
            raise ValueError(f"thema's uit {', '.join(THEMES)} (onbekend: {', '.join(unknown)})")
        return value

    def for_stops(self, stops: Iterable[tuple[str, str | None]]) -> list[Checklist]:
        """The checklists of the (thema, soort) pairs visited, themes in :data:`THEMES`
        order, each theme followed by its soorten (alphabetically); no repeats."""
        seen = set(stops)
        themes = [t for t in THEMES if any(s[0] == t for s in seen)]
        result = []
        for theme in themes:
            if theme in self.themas:
                result.append(self.themas[theme])
            soorten = sorted({s for t, s in seen if t == theme and s in self.soorten})
            result += [self.soorten[s] for s in soorten]
        return result

    def partners_for(self, themes: Iterable[str]) -> list[str]:
        """The partners of the visited themes, each once, in the configured order."""
        wanted = set(themes)
        names: dict[str, None] = {}
        for theme in THEMES:
            if theme in wanted:
                names.update(dict.fromkeys(self.partners.get(theme, ())))
        return list(names)


def load_checklists(path: str | os.PathLike[str] | None = None) -> ChecklistConfig:
    """Read the checklists (default ``data/checklists.yaml``); Dutch errors with file,
    line and key (:class:`geo.errors.ConfigError`)."""
    return load_yaml_config(path if path is not None else CHECKLISTS_YAML, ChecklistConfig)
