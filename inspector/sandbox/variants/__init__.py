"""The generality corpus: the sandbox's content (agencies, sections, posts from the generator)
rendered through page templates drawn at random from a seed, so that a crawl can be measured on
markup it was not written for.

- `theme.py` draws the choices of one portal (layout, class names, menus, listing forms, date
  formats, article pages, pagers, sidebars, URL schemes…) from ``random.Random(f"variant/{seed}/
  {agency}")``;
- `css.py`, `dates.py`, `urls.py` turn those choices into class attributes, date texts and URLs;
- `frame.py`, `menus.py`, `listings.py`, `articles.py`, `pages.py` render the pages;
- `portal.py` is the platform ("variant": `VariantPortal`), `province.py` builds a province of
  small parts, one per seed (`generate_variant_province`).

Patterns come from real Vietnamese government portals (NukeViet, WordPress, Joomla, Liferay,
SharePoint, DotNetNuke, ASP.NET, provincial vendors' PHP), not from what the crawler handles.
"""

from .province import VariantProvince, generate_variant_province, parse_seeds
from .theme import DIMENSIONS, Theme, draw_theme

__all__ = ["DIMENSIONS", "Theme", "VariantProvince", "draw_theme", "generate_variant_province",
           "parse_seeds"]
