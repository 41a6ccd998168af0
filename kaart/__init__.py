"""kaart: gelegenheids- en risicokaarten tegen ondermijning."""

from geo import __version__

__all__ = ["__version__"]
