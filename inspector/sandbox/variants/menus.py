"""Navigation of a variant portal: the main menu (nested lists whose parents link "#" or
javascript:void(0), capitals in table cells, links separated by bars; some items image-only), the
left category menu, the footer and the site map."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..portal import esc

if TYPE_CHECKING:  # pragma: no cover
    from .portal import VariantPortal

PARENT_HREFS = {"ul_hash": "#", "ul_js": "javascript:void(0);", "table_caps": "#"}


def _accesskeys(p: "VariantPortal", items: list[dict]) -> dict[int, str]:
    """id(item) → access key of the first nine linked menu items (feature access_keys)."""
    if not p.feature("access_keys"):
        return {}
    keys, number = {}, 1
    for item in items:
        for entry in [item] + item["children"]:
            if entry.get("href") and number <= 9:
                keys[id(entry)] = str(number)
                number += 1
    return keys


def _link(p: "VariantPortal", item: dict, keys: dict[int, str], *, caps: bool = False) -> str:
    key = keys.get(id(item))
    accesskey = f' accesskey="{key}"' if key else ""
    if item.get("image"):  # an image-only item: what it leads to is in its file name
        return (f'<a href="{esc(p.href(item["href"]))}"{accesskey}>'
                f'<img src="{esc(p.href(item["image"]))}" alt=""/></a>')
    label = item["label"].upper() if caps else item["label"]
    return f'<a href="{esc(p.href(item["href"]))}"{accesskey}>{esc(label)}</a>'


def main_menu(p: "VariantPortal") -> str:
    t, css = p.theme, p.css
    items = p.menu_items()
    keys = _accesskeys(p, items)
    home_key = ' accesskey="0"' if p.feature("access_keys") else ""
    home = f'<a href="{esc(p.href("/"))}"{home_key}>{"TRANG CHỦ" if t.menu == "table_caps" else "Trang chủ"}</a>'
    if t.menu in ("ul_hash", "ul_js"):
        parent = PARENT_HREFS[t.menu]
        out = [f"<ul{css('menu')}>", f"<li>{home}</li>"]
        for item in items:
            if item["children"]:
                out.append(f'<li><a href="{parent}">{esc(item["label"])}</a><ul{css("submenu")}>')
                out += [f"<li>{_link(p, c, keys)}</li>" for c in item["children"]]
                out.append("</ul></li>")
            else:
                out.append(f"<li>{_link(p, item, keys)}</li>")
        out.append("</ul>")
        return "\n".join(out)
    if t.menu == "table_caps":
        out = [f'<table{css("menu")} cellpadding="0" cellspacing="0" border="0"><tr>',
               f"<td>{home}</td>"]
        for item in items:
            if item["children"]:
                out.append(f'<td><a href="#">{esc(item["label"].upper())}</a>'
                           f'<table{css("submenu")} cellpadding="0" cellspacing="0">')
                out += [f"<tr><td>{_link(p, c, keys)}</td></tr>" for c in item["children"]]
                out.append("</table></td>")
            else:
                out.append(f"<td>{_link(p, item, keys, caps=True)}</td>")
        out.append("</tr></table>")
        return "\n".join(out)
    # div_pipe: links separated by bars; a parent is plain text over its links
    parts = [home]
    for item in items:
        if item["children"]:
            children = " ".join(_link(p, c, keys) for c in item["children"])
            parts.append(f'<span>{esc(item["label"])}</span><div{css("submenu")}>{children}</div>')
        else:
            parts.append(_link(p, item, keys))
    return f"<div{css('menu')}>" + " | ".join(parts) + "</div>"


def block(p: "VariantPortal", heading: str, body: str, *, role: str = "block") -> str:
    """A sidebar or home block: its heading first, then what it holds."""
    css = p.css
    if p.theme.layout == "tables":
        return (f'<table{css(role)} width="100%" cellpadding="0" cellspacing="0">'
                f"<tr><td{css('block_title')}><b>{esc(heading)}</b></td></tr>"
                f"<tr><td>{body}</td></tr></table>")
    tag = "section" if p.theme.layout == "html5" else "div"
    return (f"<{tag}{css(role)}><h3{css('block_title')}>{esc(heading)}</h3>"
            f"{body}</{tag}>")


def left_menu(p: "VariantPortal") -> str:
    sections = p.sections_at("menu") + p.sections_at("submenu")
    if p.theme.left_menu != "yes" or not sections:
        return ""
    links = "".join(f'<li><a href="{esc(p.href(p.section_path(s)))}">{esc(s.name)}</a></li>'
                    for s in sections)
    heading = "Danh mục tin" if p.theme.classes in ("utility", "none") else "Chuyên mục"
    return block(p, heading, f"<ul{p.css('block_list')}>{links}</ul>", role="left_menu")


def footer(p: "VariantPortal") -> str:
    css = p.css
    links = [f'<a href="{esc(p.href(p.section_path(s)))}">{esc(s.name)}</a>'
             for s in p.sections_at("footer")]
    links.append(f'<a href="{esc(p.href(p.page_path("so-do")))}">Sơ đồ cổng</a>')
    parent = p.parent_agency()
    lines = [f"<p>{' | '.join(links)}</p>",
             f"<p>© {p.province.as_of.year} {esc(p.agency.name)}. Ghi rõ nguồn khi phát hành lại "
             f"thông tin từ cổng này.</p>"]
    if parent is not None and p.prefix:
        lines.append(f'<p><a href="/">Trang thông tin điện tử {esc(parent.name)}</a></p>')
    tag = "footer" if p.theme.layout == "html5" else "div"
    return f"<{tag}{css('footer')}>" + "".join(lines) + f"</{tag}>"


def sitemap(p: "VariantPortal", page: dict) -> str:
    """The site map's body: every section (those linked from nowhere else too), then the
    information pages; headings in lower case on some portals."""
    css = p.css
    lower = p.theme.sitemap_lower == "yes"
    def name(text: str) -> str:
        return text.lower() if lower else text
    sections = "".join(f'<li><a href="{esc(p.href(link["href"]))}">{esc(name(link["label"]))}</a></li>'
                       for link in page["sections"])
    pages = "".join(f'<li><a href="{esc(p.href(link["href"]))}">{esc(name(link["label"]))}</a></li>'
                    for link in page["pages"])
    return (f"<h2>{esc(name('Chuyên mục'))}</h2><ul{css('block_list')}>{sections}</ul>"
            f"<h2>{esc(name('Trang thông tin'))}</h2><ul{css('block_list')}>{pages}</ul>")
