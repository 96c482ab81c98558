"""The frame of every variant page: head, header (site name in an <h1> on every page on some
portals, a clock showing today), menu, breadcrumbs, main column and sidebar in either order,
footer; in HTML5 elements, plain divs, or nested tables. Markup is kept well-formed (void
elements closed, no named entities) so that an XML parser reads every page."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..portal import FEATURE_TEXT, esc
from . import dates, menus

if TYPE_CHECKING:  # pragma: no cover
    from .portal import VariantPortal

XHTML_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                 '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')


def _style(p: "VariantPortal") -> str:
    if p.feature("mobile"):
        sizing = ("body{margin:0;font:15px/1.6 Arial,sans-serif}"
                  "img,video{max-width:100%;height:auto}")
    else:
        sizing = "body{margin:0;min-width:1100px;font:13px/1.5 Tahoma,Arial,sans-serif}"
    return (sizing + "ul ul{display:none}li:hover>ul{display:block}"
            "body.high-contrast{background:#000;color:#ff0}body.high-contrast a{color:#0ff}")


def _widths(p: "VariantPortal") -> tuple[str, str, str]:
    """Inline styles of the page wrapper, the main column and the sidebar: fluid (percentages)
    on a portal with a mobile layout, fixed pixels on the others. No class: the class names
    are the theme's."""
    side = "left" if p.theme.sidebar.startswith("left") else "right"
    other = "right" if side == "left" else "left"
    if p.feature("mobile"):
        return ("max-width:1200px;margin:0 auto", f"float:{other};width:70%",
                f"float:{side};width:28%")
    return ("width:1100px;margin:0 auto", f"float:{other};width:780px", f"float:{side};width:300px")


def _head(p: "VariantPortal", title: str, head: str, feeds) -> str:
    parts = ['<meta charset="utf-8"/>', '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>']
    if p.feature("mobile"):
        parts.append('<meta name="viewport" content="width=device-width, initial-scale=1"/>')
    if p.feature("rss"):
        for section in feeds:
            parts.append(f'<link rel="alternate" type="application/rss+xml" title="{esc(section.name)}" '
                         f'href="{esc(p.href(p.urls.feed(section)))}"/>')
    parts.append(f"<title>{esc(title)}</title>")
    parts.append(head)
    parts.append(f"<style>{_style(p)}</style>")
    return "<head>" + "\n".join(x for x in parts if x) + "</head>"


def _tools(p: "VariantPortal") -> str:
    buttons = []
    if p.feature("font_size"):
        larger, smaller = FEATURE_TEXT["font_size"]
        buttons.append(f'<button type="button" title="{larger}" '
                       f"onclick=\"document.body.style.fontSize='larger'\">A+</button>")
        buttons.append(f'<button type="button" title="{smaller}" '
                       f"onclick=\"document.body.style.fontSize='smaller'\">A-</button>")
    if p.feature("contrast"):
        buttons.append(f'<button type="button" title="{FEATURE_TEXT["contrast"]}" '
                       f"onclick=\"document.body.classList.toggle('high-contrast')\">"
                       f'{FEATURE_TEXT["contrast"]}</button>')
    return f"<div{p.css('tools')}>{''.join(buttons)}</div>" if buttons else ""


def header(p: "VariantPortal") -> str:
    t, css, agency = p.theme, p.css, p.agency
    home = esc(p.href("/"))
    name = f'<a href="{home}">{esc(agency.name)}</a>'
    site = (f"<h1{css('sitename')}>{name}</h1>" if t.site_h1 == "yes"
            else f"<div{css('sitename')}><strong>{name}</strong></div>")
    slogan = "Trang thông tin điện tử" if agency.level == "commune" else "Cổng thông tin điện tử"
    parts = []
    parent = p.parent_agency()
    if parent is not None and p.prefix:
        parts.append(f'<div{css("parent_link")}><a href="{esc(p.parent_href())}">'
                     f"{esc(parent.name)}</a></div>")
    parts.append(f'<a href="{home}"><img{css("logo")} src="{esc(p.href(p.LOGO))}" '
                 f'alt="{esc(agency.name)}" width="90" height="90"/></a>')
    parts.append(site)
    parts.append(f"<div{css('slogan')}>{slogan}</div>")
    if t.clock != "none":
        parts.append(f"<div{css('clock')}>{dates.clock(t.clock, p.province.as_of)}</div>")
    parts.append(_tools(p))
    inner = "\n".join(x for x in parts if x)
    if t.layout == "tables":
        return (f'<table{css("header")} width="100%" cellpadding="0" cellspacing="0" border="0">'
                f"<tr><td>{inner}</td></tr></table>")
    tag = "header" if t.layout == "html5" else "div"
    return f"<{tag}{css('header')}>{inner}</{tag}>"


def breadcrumbs(p: "VariantPortal", crumbs: list[tuple[str, str]]) -> str:
    """Trang chủ » Section » (the current page, unlinked)."""
    style = p.theme.breadcrumbs
    if style == "none" or not crumbs:
        return ""
    css = p.css
    links = [(label, p.href(path)) for label, path in [("Trang chủ", "/")] + crumbs[:-1]]
    current = crumbs[-1][0]
    if style == "list":
        items = "".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in links)
        return f"<ol{css('crumbs')}>{items}<li>{esc(current)}</li></ol>"
    sep = " » " if style == "raquo" else " / "
    trail = sep.join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in links)
    return f"<div{css('crumbs')}>{trail}{sep}<span>{esc(current)}</span></div>"


def json_ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">{text}</script>'


def document(p: "VariantPortal", *, title: str, main: str, crumbs: list[tuple[str, str]],
             head: str = "", feeds=(), home: bool = False) -> str:
    """A whole page around its main content."""
    t, css = p.theme, p.css
    full_title = f"{title} - {p.agency.name}" if title else p.agency.name
    sidebar = p.sidebar(home=home)
    menu = menus.main_menu(p)
    crumbs_html = breadcrumbs(p, crumbs)
    foot = menus.footer(p)
    body_class = "" if t.classes in ("ids", "none") else ' class="home"' if home else ""
    if t.layout == "tables":
        width = '100%' if p.feature("mobile") else '1000'
        side = f'<td{css("sidebar")} width="280" valign="top">{sidebar}</td>'
        centre = f'<td{css("main")} valign="top">{crumbs_html}{main}</td>'
        cells = side + centre if t.sidebar.startswith("left") else centre + side
        body = (f'<table width="{width}" align="center" cellpadding="0" cellspacing="0" border="0">'
                f"<tr><td>{header(p)}</td></tr>"
                f"<tr><td>{menu}</td></tr>"
                f'<tr><td><table{css("columns")} width="100%" cellpadding="4" cellspacing="0" border="0">'
                f"<tr>{cells}</tr></table></td></tr>"
                f"<tr><td>{foot}</td></tr></table>")
        doctype = XHTML_DOCTYPE
    else:
        html5 = t.layout == "html5"
        nav = f"<nav>{menu}</nav>" if html5 else f"<div>{menu}</div>"
        main_tag, side_tag = ("main", "aside") if html5 else ("div", "div")
        wrap, main_width, side_width = _widths(p)
        main_col = (f'<{main_tag}{css("main")}><div style="{main_width}">{crumbs_html}{main}</div>'
                    f"</{main_tag}>")
        side_col = (f'<{side_tag}{css("sidebar")}><div style="{side_width}">{sidebar}</div>'
                    f"</{side_tag}>")
        columns = side_col + main_col if t.sidebar.endswith("before") else main_col + side_col
        body = (f'<div style="{wrap}">{header(p)}\n{nav}\n<div{css("columns")}>{columns}'
                f'<div style="clear:both"></div></div>\n{foot}</div>')
        doctype = "<!DOCTYPE html>"
    return (f'{doctype}\n<html lang="vi">{_head(p, full_title, head, feeds)}\n'
            f"<body{body_class}>\n{body}\n</body></html>\n")
