"""One module per simulated portal platform, each modelled on a real one (see DESIGN.md)."""

from __future__ import annotations

import importlib

from ..portal import Portal

# platform name → "module:Class"
PLATFORM_CLASSES = {
    "liferay": "liferay:LiferayPortal",
    "sharepoint": "sharepoint:SharePointPortal",
    "nukeviet": "nukeviet:NukeVietPortal",
    "drupal": "drupal:DrupalPortal",
    "aspnet": "aspnet:AspNetPortal",
    # the generality corpus: markup drawn from a seed (not one of model.PLATFORMS)
    "variant": "variant:VariantPortal",
}


def portal_class(platform: str) -> type[Portal]:
    module_name, _, class_name = PLATFORM_CLASSES[platform].partition(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)
