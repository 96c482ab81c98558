"""A section's listing page in the theme's form, and its pager.

News forms (theme.FORMS): blocks (title link, lead, date before or after the title or after the
lead, in its own element or inline); a table "STT | Tiêu đề | Ngày đăng"; the same without dates;
ul/li "Title (17/11/2026)"; the first post featured in an <h2> and the rest in <h3> in the same
container (NukeViet 4.5); a featured block then a list; a two-column card grid; "(17/11)" under a
year heading; "(17/11)" with the year in the post's URL. Under the listing, on some portals, an
"other posts" block repeats the next page's first posts (NukeViet's "Các tin khác"). Documents
and questions have a form of their own (tables with the van-ban fields; questions and answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from ..model import Post, Section
from ..portal import FEATURE_TEXT, esc
from . import dates
from .menus import block

if TYPE_CHECKING:  # pragma: no cover
    from .portal import VariantPortal

EMPTY_MESSAGES = ("Chưa có bài viết trong chuyên mục này.", "Dữ liệu đang được cập nhật.")


@dataclass
class Row:
    post: Post
    href: str
    title: str          # escaped
    lead: str           # escaped
    date: str | None    # markup
    image: str | None
    alt: str


def lead_of(p: "VariantPortal", post: Post) -> str:
    """The lead as the listing shows it; on some portals it opens with the day of the event,
    a few days before the post ("Ngày 24/10/2026, …")."""
    if p.theme.lead_date != "yes":
        return post.lead
    event = post.published - timedelta(days=1 + post.id % 4)
    return f"Ngày {event:%d/%m/%Y}, {post.lead}"


def rows(p: "VariantPortal", section: Section, posts, *, dated: bool) -> list[Row]:
    alt = p.feature("alt_text")
    return [Row(post=post, href=p.href(p.post_path(section, post)), title=esc(post.title),
                lead=esc(lead_of(p, post)),
                date=p.listing_date(post.published) if dated else None,
                image=p.href(p.image_path(post)) if post.image else None,
                alt=esc(post.title) if alt else "") for post in posts]


def _img(p: "VariantPortal", row: Row, width: int = 160) -> str:
    if not row.image:
        return ""
    return (f'<a href="{esc(row.href)}"><img{p.css("item_image")} src="{esc(row.image)}" '
            f'alt="{row.alt}" width="{width}" height="{width * 3 // 4}"/></a>')


def _date(p: "VariantPortal", row: Row, tag: str = "span") -> str:
    return f"<{tag}{p.css('item_date')}>{row.date}</{tag}>" if row.date else ""


# -- news forms ----------------------------------------------------------------------------------
def _blocks(p: "VariantPortal", items: list[Row]) -> str:
    t, css = p.theme, p.css
    item_tag = t.block_item
    title_tag = t.block_title
    out = []
    for row in items:
        link = f'<a href="{esc(row.href)}">{row.title}</a>'
        title_inner, lead_inner, before, after_title, after_lead = link, row.lead, "", "", ""
        if row.date:
            if t.date_wrap == "inline":
                if t.date_pos == "before_title":
                    title_inner = f"{row.date} - {link}"
                elif t.date_pos == "after_title":
                    title_inner = f"{link} {row.date}"
                else:
                    lead_inner = f"{row.lead} {row.date}"
            else:
                tag = "div" if t.layout != "tables" else "span"
                element = _date(p, row, tag)
                if t.date_pos == "before_title":
                    before = element
                elif t.date_pos == "after_title":
                    after_title = element
                else:
                    after_lead = element
        out.append(f"<{item_tag}{css('item')}>{_img(p, row)}{before}"
                   f"<{title_tag}{css('item_title')}>{title_inner}</{title_tag}>{after_title}"
                   f"<p{css('item_lead')}>{lead_inner}</p>{after_lead}</{item_tag}>")
    wrapper = "ul" if item_tag == "li" else "div"
    return f"<{wrapper}{css('listing')}>" + "\n".join(out) + f"</{wrapper}>"


def _table(p: "VariantPortal", items: list[Row], offset: int, dated: bool) -> str:
    css = p.css
    head = "<tr><th>STT</th><th>Tiêu đề</th>" + ("<th>Ngày đăng</th>" if dated else "") + "</tr>"
    body = []
    for n, row in enumerate(items, start=offset + 1):
        cells = f'<td align="center">{n}</td><td><a href="{esc(row.href)}">{row.title}</a></td>'
        if dated:
            cells += f"<td{css('item_date')}>{row.date or ''}</td>"
        body.append(f"<tr>{cells}</tr>")
    return (f'<table{css("table")} width="100%" border="1" cellpadding="4" cellspacing="0">'
            f"{head}{''.join(body)}</table>")


def _ul_dates(p: "VariantPortal", items: list[Row]) -> str:
    css = p.css
    out = []
    for row in items:
        date = ""
        if row.date:
            bare = p.theme.listing_date in ("dmy", "dash", "dot")
            date = f" <span{css('item_date')}>{'(' + row.date + ')' if bare else row.date}</span>"
        out.append(f'<li{css("item")}><a href="{esc(row.href)}">{row.title}</a>{date}</li>')
    return f"<ul{css('listing')}>" + "".join(out) + "</ul>"


def _featured_h2(p: "VariantPortal", items: list[Row], section: Section) -> str:
    """NukeViet 4.5's viewcat_page_new: every post a panel in one column, the first one's title
    an <h2> (class "featured"), the others' <h3>; the date, views and replies in a small list;
    then the lead as bare text."""
    css = p.css
    out = []
    for i, row in enumerate(items):
        heading = "h2" if i == 0 else "h3"
        meta = []
        if row.date:
            meta.append(f"<li><em>&#160;</em> {row.date}</li>")
        meta.append(f"<li><em>&#160;</em> Đã xem: {37 + row.post.id * 7 % 400}</li>")
        role_extra = "featured" if i == 0 else ""
        out.append(f"<div{css('item', role_extra)}>{_img(p, row, 120)}"
                   f'<{heading}><a href="{esc(row.href)}" title="{row.title}">{row.title}</a></{heading}>'
                   f"<div{css('item_date')}><ul>{''.join(meta)}</ul></div>"
                   f"{row.lead}</div>")
    return f"<div{css('listing')}>" + "\n".join(out) + "</div>"


def _featured_list(p: "VariantPortal", items: list[Row]) -> str:
    css = p.css
    if not items:
        return f"<div{css('listing')}></div>"
    first, rest = items[0], items[1:]
    top = (f"<div{css('featured')}>{_img(p, first, 300)}"
           f'<h2{css("item_title")}><a href="{esc(first.href)}">{first.title}</a></h2>'
           f"{_date(p, first, 'div')}<p{css('item_lead')}>{first.lead}</p></div>")
    lines = "".join(f'<li{css("item")}><a href="{esc(r.href)}">{r.title}</a>'
                    f"{' ' + _date(p, r) if r.date else ''}</li>" for r in rest)
    return f"<div{css('listing')}>{top}<ul>{lines}</ul></div>"


def _cards(p: "VariantPortal", items: list[Row]) -> str:
    css = p.css
    def card(row: Row) -> str:
        return (f"{_img(p, row, 220)}<h4{css('item_title')}><a href=\"{esc(row.href)}\">{row.title}</a></h4>"
                f"{_date(p, row, 'div')}<p{css('item_lead')}>{row.lead}</p>")
    pairs = [items[i:i + 2] for i in range(0, len(items), 2)]
    if p.theme.layout == "tables":
        trs = "".join("<tr>" + "".join(f'<td{css("card")} width="50%" valign="top">{card(r)}</td>'
                                       for r in pair) + "</tr>" for pair in pairs)
        return f'<table{css("listing")} width="100%" cellpadding="6" cellspacing="0">{trs}</table>'
    divs = "".join(f"<div{css('row')}>" + "".join(f"<div{css('card')}>{card(r)}</div>" for r in pair)
                   + "</div>" for pair in pairs)
    return f"<div{css('listing')}>{divs}</div>"


def _short(p: "VariantPortal", items: list[Row], *, headings: bool) -> str:
    """"(17/11)" dates: the year under a heading above the rows, or only in the post's URL."""
    css = p.css
    out, year = [], None
    for row in items:
        if headings and row.date and row.post.published.year != year:
            if year is not None:
                out.append("</ul>")
            year = row.post.published.year
            out.append(f"<h3{css('year')}>Năm {year}</h3><ul>")
        short = dates.fmt("short", row.post.published) if row.date else ""
        if headings:
            out.append(f'<li{css("item")}>{short} <a href="{esc(row.href)}">{row.title}</a></li>')
        else:
            out.append(f'<li{css("item")}><a href="{esc(row.href)}">{row.title}</a> {short}</li>')
    if headings and year is not None:
        out.append("</ul>")
    body = "".join(out)
    return f"<div{css('listing')}>{body}</div>" if headings and year is not None else \
        f"<ul{css('listing')}>{body}</ul>"


def news(p: "VariantPortal", section: Section, index: int, posts, form: str) -> str:
    """The rows of one listing page of a news section, in its form."""
    dated = section.listing_dates and form not in ("table_undated",)
    items = rows(p, section, posts, dated=dated)
    css = p.css
    if not items:
        if p.theme.empty == "message":
            message = EMPTY_MESSAGES[len(section.key) % len(EMPTY_MESSAGES)]
            return f"<div{css('listing')}><p{css('empty')}>{message}</p></div>"
        return f"<div{css('listing')}></div>"
    offset = index * max(1, section.page_size)
    if form == "blocks":
        return _blocks(p, items)
    if form in ("table_dated", "table_undated"):
        return _table(p, items, offset, dated)
    if form == "ul_dates":
        return _ul_dates(p, items)
    if form == "featured_h2":
        return _featured_h2(p, items, section)
    if form == "featured_list":
        return _featured_list(p, items)
    if form == "cards":
        return _cards(p, items)
    if form == "short_year_heading":
        return _short(p, items, headings=True)
    if form == "short_year_url":
        return _short(p, items, headings=False)
    raise ValueError(form)


def other_posts(p: "VariantPortal", section: Section, following) -> str:
    """"Các tin khác": links to the next page's first posts, their date inside the link."""
    if p.theme.other_posts != "yes" or not following:
        return ""
    css = p.css
    items = []
    for post in list(following)[:5]:
        date = f" <em>({post.published:%d/%m/%Y})</em>" if section.listing_dates else ""
        items.append(f'<li><a href="{esc(p.href(p.post_path(section, post)))}">'
                     f"{esc(post.title)}{date}</a></li>")
    return f"<div{css('other')}><h4>Các tin khác</h4><ul>{''.join(items)}</ul></div>"


# -- documents and questions -----------------------------------------------------------------------
def documents(p: "VariantPortal", context: dict) -> str:
    css = p.css
    out = []
    if context["search"]:
        action = p.href(context["search_action"])
        path, _, query = action.partition("?")
        hidden = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}"/>'
                         for k, v in (pair.split("=", 1) for pair in query.split("&") if "=" in pair))
        out.append(f'<form{css("fields")} action="{esc(path)}" method="get">'
                   f'<label for="tu-khoa">{FEATURE_TEXT["document_search"]}</label> '
                   f'<input type="text" id="tu-khoa" name="{p.SEARCH_PARAM}"/>{hidden} '
                   f'<input type="submit" value="Tìm kiếm"/></form>')
    for facet in context["facets"]:
        links = "".join(f'<li><a href="{esc(p.href(link["href"]))}">{esc(link["label"])} '
                        f'({link["count"]})</a></li>' for link in facet["links"])
        out.append(f"<div{css('fields')}><h4>{esc(facet['label'])}</h4><ul>{links}</ul></div>")
    columns = context["columns"]
    head = "".join(f"<th>{esc(label)}</th>" for _, label in columns)
    if context["extra_column"]:
        head += "<th></th>"
    body = []
    for doc in context["documents"]:
        cells = []
        for name, _ in columns:
            value = esc(doc["cells"][name])
            if name == context["link_column"]:
                cells.append(f'<td><a href="{esc(p.href(doc["href"]))}">{value}</a></td>')
            elif name == "file" and doc["file"]:
                cells.append(f'<td><a href="{esc(p.href(doc["file"]))}">{value}</a></td>')
            else:
                cells.append(f"<td>{value}</td>")
        if context["extra_column"]:
            extra = "" if context["link_column"] else f'<a href="{esc(p.href(doc["href"]))}">Xem</a>'
            if doc["file"] and not context["file_column"]:
                extra += f' <a href="{esc(p.href(doc["file"]))}" title="{esc(doc["cells"]["file"])}">[tệp]</a>'
            cells.append(f"<td>{extra}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    out.append(f'<table{css("table")} width="100%" border="1" cellpadding="4" cellspacing="0">'
               f"<tr>{head}</tr>{''.join(body)}</table>")
    if not context["documents"]:
        out.append("<p>Không có văn bản nào.</p>")
    if context["legal_db"]:
        out.append(f'<p><a href="{esc(context["legal_db_href"])}">{FEATURE_TEXT["legal_db_link"]}</a></p>')
    return f"<div{css('listing')}>" + "\n".join(out) + "</div>"


def questions(p: "VariantPortal", context: dict) -> str:
    css = p.css
    out = []
    for q in context["questions"]:
        date = f"<span{css('item_date')}>{q['date']}</span>" if q["date"] else ""
        answer = (f"<p><b>Trả lời:</b> {esc(q['answer'])}</p>" if q["answered"]
                  else "<p><i>Chưa trả lời</i></p>")
        out.append(f"<div{css('item')}><h3{css('item_title')}><a href=\"{esc(p.href(q['href']))}\">"
                   f"{esc(q['title'])}</a></h3><p>Người hỏi: {esc(q['asker'])} {date}</p>"
                   f"<p{css('item_lead')}>{esc(q['lead'])}</p>{answer}</div>")
    if not out:
        out.append("<p>Chưa có câu hỏi nào.</p>")
    return f"<div{css('listing')}>" + "\n".join(out) + "</div>"


# -- pager -------------------------------------------------------------------------------------------
def _numbers(index: int, total: int) -> list[int | None]:
    """Page indexes shown: the first, the last, two around the current; None for a gap."""
    shown = sorted({0, total - 1} | {i for i in range(index - 2, index + 3) if 0 <= i < total})
    out: list[int | None] = []
    for i in shown:
        if out and out[-1] is not None and i - out[-1] > 1:
            out.append(None)
        out.append(i)
    return out


def pager(p: "VariantPortal", section: Section, index: int, total: int) -> str:
    """The visible pager (nothing for a single page, nor where only <head> links the next)."""
    style = p.theme.pager_style
    if total <= 1 or style == "rel_next_head":
        return ""
    css = p.css
    def link(i: int) -> str:
        return esc(p.href(p.page_url(section, i, from_pager=True)))
    parts: list[str] = []
    if style in ("numbers", "arrows"):
        if style == "arrows" and index > 0:
            parts += [f'<a href="{link(0)}" title="Trang đầu">«</a>',
                      f'<a href="{link(index - 1)}" title="Trang trước">‹</a>']
        for i in _numbers(index, total):
            if i is None:
                parts.append("<span>…</span>")
            elif i == index:
                parts.append(f"<strong>{i + 1}</strong>")
            else:
                parts.append(f'<a href="{link(i)}">{i + 1}</a>')
        if style == "arrows" and index < total - 1:
            parts += [f'<a href="{link(index + 1)}" title="Trang sau">›</a>',
                      f'<a href="{link(total - 1)}" title="Trang cuối">»</a>']
        elif style == "numbers" and index < total - 1:
            parts.append(f'<a href="{link(index + 1)}">{esc(p.theme.next_label)}</a>')
    elif style == "next_only":
        if index > 0:
            parts.append(f'<a href="{link(index - 1)}">« Trang trước</a>')
        if index < total - 1:
            parts.append(f'<a href="{link(index + 1)}">{esc(p.theme.next_label)}</a>')
    elif style == "of_total":
        if index > 0:
            parts.append(f'<a href="{link(index - 1)}">‹</a>')
        parts.append(f"<span>Trang {index + 1}/{total}</span>")
        if index < total - 1:
            parts.append(f'<a href="{link(index + 1)}">›</a>')
    return f"<div{css('pager')}>" + " ".join(parts) + "</div>"


def head_links(p: "VariantPortal", section: Section, index: int, total: int) -> str:
    """<link rel="prev/next"> in <head> (the only way to the next page on some portals)."""
    if p.theme.pager_style != "rel_next_head":
        return ""
    out = []
    if index > 0:
        out.append(f'<link rel="prev" href="{esc(p.href(p.page_url(section, index - 1, from_pager=True)))}"/>')
    if index < total - 1:
        out.append(f'<link rel="next" href="{esc(p.href(p.page_url(section, index + 1, from_pager=True)))}"/>')
    return "\n".join(out)


def sidebar_posts(p: "VariantPortal", heading: str, posts: list[tuple[Section, Post]]) -> str:
    """A sidebar block of posts of any section ("Bài viết mới", "Tin xem nhiều"…)."""
    css = p.css
    dated = p.theme.sidebar_dates == "yes"
    items = []
    for section, post in posts:
        date = f" <span{css('item_date')}>({post.published:%d/%m/%Y})</span>" if dated else ""
        items.append(f'<li><a href="{esc(p.href(p.post_path(section, post)))}">{esc(post.title)}</a>'
                     f"{date}</li>")
    return block(p, heading, f"<ul{css('block_list')}>{''.join(items)}</ul>")
