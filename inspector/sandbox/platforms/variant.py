"""The generality corpus's platform: markup drawn from a seed (inspector/sandbox/variants/)."""

from ..variants.portal import VariantPortal

__all__ = ["VariantPortal"]
