"""inspector: automated inspection of Vietnamese state agencies' portals and online services."""

__version__ = "0.6.0"
