"""The home page and the information pages of a variant portal.

Home: a block of the newest posts, category panels (a heading linked to the section, its newest
posts), single posts whose titles carry topic words, the information pages' links, a district's
communes (their sub-sites, "Tin các xã"). Information pages show what ThemedPortal gives (the
field labels of portal.FIELD_LABELS, in the main content only) as rows in the theme's style:
a table, a definition list, "Label: value" paragraphs or pairs of spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..portal import FEATURE_TEXT, esc
from .menus import block, sitemap

if TYPE_CHECKING:  # pragma: no cover
    from .portal import VariantPortal


def _posts_list(p: "VariantPortal", pairs, *, dated: bool) -> str:
    css = p.css
    items = []
    for section, post in pairs:
        date = (f" <span{css('item_date')}>{p.listing_date(post.published)}</span>"
                if dated and section.listing_dates else "")
        items.append(f'<li><a href="{esc(p.href(p.post_path(section, post)))}">{esc(post.title)}</a>'
                     f"{date}</li>")
    return f"<ul{css('block_list')}>{''.join(items)}</ul>"


def home(p: "VariantPortal", page: dict) -> str:
    t, css = p.theme, p.css
    dated = t.home_dates == "yes"
    parts = []
    newest = p.newest_posts(6, general_only=t.home != "panels_first")
    news_block = ""
    if newest:
        heading = page["general"]["label"] if page.get("general") else "Tin mới nhất"
        first_section, first = newest[0]
        lead = (f"<div{css('featured')}><h2{css('item_title')}><a href=\""
                f"{esc(p.href(p.post_path(first_section, first)))}\">{esc(first.title)}</a></h2>"
                f"<p{css('item_lead')}>{esc(first.lead)}</p></div>")
        news_block = block(p, heading, lead + _posts_list(p, newest[1:], dated=dated),
                           role="block")
    panels = []
    if t.home != "news_only":
        for section in p.panel_sections():
            posts = [(section, q) for q in section.posts[:3]]
            heading = (f'<h3{css("block_title")}><a href="{esc(p.href(p.section_path(section)))}">'
                       f"{esc(section.name)}</a></h3>")
            panels.append(f"<div{css('panel')}>{heading}{_posts_list(p, posts, dated=dated)}</div>")
    featured = p.topical_posts(3)
    if featured:
        singles = "".join(
            f"<div{css('featured')}><h4{css('item_title')}><a href=\""
            f"{esc(p.href(p.post_path(s, q)))}\">{esc(q.title)}</a></h4></div>" for s, q in featured)
        featured_block = block(p, "Tin nổi bật", singles)
    else:
        featured_block = ""
    if t.home == "panels_first":
        parts += panels + [news_block, featured_block]
    else:
        parts += [news_block, featured_block] + panels
    if page.get("video"):
        parts.append(f"<div{css('video')}><h3>{FEATURE_TEXT['multimedia']}</h3>"
                     f'<video controls="controls" preload="none" width="640" height="360">'
                     f'<source src="{esc(p.href(page["video"]))}" type="video/mp4"/></video></div>')
    parts.append(communes(p))
    return "\n".join(x for x in parts if x)


def quick_links(p: "VariantPortal", page: dict) -> str:
    """The information pages and the national sites the features link (home page only)."""
    links = [f'<li><a href="{esc(p.href(link["href"]))}">{esc(link["label"])}</a></li>'
             for link in page["quick_links"]]
    if page.get("admin_feedback"):
        links.append(f'<li><a href="{FEATURE_TEXT["administrative_feedback_href"]}">'
                     f'{FEATURE_TEXT["administrative_feedback"]}</a></li>')
    if page.get("legal_db"):
        links.append(f'<li><a href="{FEATURE_TEXT["legal_db_href"]}">{FEATURE_TEXT["legal_db_link"]}</a></li>')
    return block(p, "Thông tin cần biết", f"<ul{p.css('block_list')}>{''.join(links)}</ul>")


def communes(p: "VariantPortal") -> str:
    """A district's communes: links to their portals (a sub-site under this host, or their own),
    and the newest posts of the sub-sites ("Tin các xã")."""
    children = p.child_portals()
    if not children:
        return ""
    links, news = [], []
    for child in children:
        home = child.absolute("/") if child.agency.base_url else child.href("/")
        links.append(f'<li><a href="{esc(home)}">{esc(child.agency.name)}</a></li>')
        if child.prefix:
            for section, post in child.newest_posts(3, general_only=False):
                news.append(f'<li><a href="{esc(child.href(child.post_path(section, post)))}">'
                            f"{esc(post.title)}</a> <em>({post.published:%d/%m/%Y})</em></li>")
    out = block(p, "Trang thông tin điện tử các xã", f"<ul>{''.join(links)}</ul>", role="communes")
    if news:
        out += block(p, "Tin các xã", f"<ul>{''.join(news)}</ul>")
    return out


# -- information pages ---------------------------------------------------------------------------
def rows(p: "VariantPortal", pairs) -> str:
    """(label, value) rows in the theme's style."""
    style = p.theme.static_rows
    css = p.css
    if not pairs:
        return ""
    if style == "table":
        trs = "".join(f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>" for label, value in pairs)
        return f'<table{css("fields")} border="1" cellpadding="4" cellspacing="0">{trs}</table>'
    if style == "dl":
        items = "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in pairs)
        return f"<dl{css('fields')}>{items}</dl>"
    if style == "p_strong":
        return "".join(f"<p><strong>{esc(label)}:</strong> {esc(value)}</p>" for label, value in pairs)
    return "".join(f"<div{css('fields')}><span>{esc(label)}:</span> <span>{esc(value)}</span></div>"
                   for label, value in pairs)


def static(p: "VariantPortal", page: dict) -> str:
    """The main content of an information page or a procedure's page (ThemedPortal gives
    `page`), its title first."""
    t, css = p.theme, p.css
    kind = page["kind"]
    heading = "h1" if t.site_h1 == "no" else ("h2" if t.article_title == "h1" else t.article_title)
    parts = [f"<{heading}{css('page_title')}>{esc(page['title'])}</{heading}>"]
    if kind in ("gioi-thieu", "co-cau-to-chuc"):
        if page["blocks"]:
            if t.static_rows in ("table", "dl"):
                parts.append(rows(p, page["blocks"]))
            else:
                parts += [f"<h3>{esc(label)}</h3><p>{esc(text)}</p>" for label, text in page["blocks"]]
        else:
            parts.append("<p>Thông tin đang được cập nhật.</p>")
    elif kind == "lien-he":
        parts.append(f"<h3>{esc(p.agency.name)}</h3>")
        parts.append(rows(p, page["blocks"]))
        if page.get("sent"):
            parts.append("<p>Cảm ơn bạn, ý kiến đã được ghi nhận.</p>")
        if page.get("form"):
            parts.append(
                f'<form action="{esc(p.href(page["action"]))}" method="post">'
                f'<h3>{FEATURE_TEXT["feedback_form"]}</h3>'
                f'<p><label for="ten">Tên của bạn</label> <input type="text" id="ten" name="name"/></p>'
                f'<p><label for="hop-thu">Hộp thư của bạn</label> <input type="email" id="hop-thu" name="mail"/></p>'
                f'<p><label for="noi-dung">Nội dung</label> <textarea id="noi-dung" name="message" rows="5" cols="60"></textarea></p>'
                f'<p><input type="submit" value="{FEATURE_TEXT["feedback_form"]}"/></p></form>')
    elif kind == "duong-day-nong":
        parts.append(f"<p>{FEATURE_TEXT['hotline']}: <strong>{esc(page['hotline'])}</strong></p>")
        parts.append("<p>Tiếp nhận thông tin từ người dân và doanh nghiệp trong giờ hành chính.</p>")
    elif kind == "tro-giup":
        parts.append("<h3>Văn bản thay thế cho hình ảnh</h3>"
                     "<p>Mỗi hình ảnh minh họa trên cổng đều kèm văn bản thay thế (thuộc tính alt) mô tả "
                     "nội dung của hình, để phần mềm đọc màn hình đọc được cho người khiếm thị.</p>"
                     "<p>Khi không hiển thị được hình ảnh, trình duyệt sẽ hiện văn bản thay thế ở vị trí "
                     "của hình.</p>")
    elif kind == "lanh-dao":
        for person in page["people"]:
            parts.append(f"<div{css('fields')}>{rows(p, person)}</div>")
        if page.get("spokesperson"):
            label, name = page["spokesperson"]
            parts.append(f"<p><strong>{esc(label)}:</strong> {esc(name)}</p>")
    elif kind == "danh-ba":
        head = "".join(f"<th>{esc(c)}</th>" for c in page["columns"])
        body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
                       for row in page["directory"])
        parts.append(f'<table{css("table")} border="1" cellpadding="4" cellspacing="0">'
                     f"<tr>{head}</tr>{body}</table>")
    elif kind == "thu-tuc":
        if page.get("announcement"):
            parts.append(f'<p><a href="{esc(p.href(page["announcement"]))}">'
                         f'{FEATURE_TEXT["tthc_announcement_download"]}</a></p>')
        for group in page["groups"]:
            if group["heading"]:
                parts.append(f"<h3>{esc(group['heading'])}</h3>")
            trs = "".join(f'<tr><td>{esc(i["code"])}</td><td><a href="{esc(p.href(i["href"]))}">'
                          f'{esc(i["name"])}</a></td><td>{i["level"]}</td></tr>' for i in group["items"])
            parts.append(f'<table{css("table")} border="1" cellpadding="4" cellspacing="0">'
                         f"<tr><th>Mã thủ tục</th><th>Tên thủ tục</th><th>Mức độ</th></tr>{trs}</table>")
        if page.get("tthc_feedback"):
            parts.append(f'<p><a href="https://dichvucong.gov.vn/p/home/dvc-phan-anh-kien-nghi.html">'
                         f'{FEATURE_TEXT["tthc_feedback"]}</a></p>')
    elif kind == "thu-tuc-chi-tiet":
        procedure = page["procedure"]
        parts.append(f"<p>Mã thủ tục: {esc(procedure.code)} · Mức độ: {procedure.level}</p>")
        parts.append(rows(p, page["blocks"]))
    elif kind == "du-an":
        shown = False
        for group in page["groups"]:
            if group["heading"]:
                parts.append(f"<h3>{esc(group['heading'])}</h3>")
            for project in group["items"]:
                shown = True
                parts.append(f"<div{css('fields')}><h4>{esc(project['name'])}</h4>"
                             f"{rows(p, project['rows'])}<p>Cập nhật: {project['updated']}</p></div>")
        if not shown:
            parts.append("<p>Thông tin đang được cập nhật.</p>")
    elif kind == "gop-y":
        opinion = page["opinion"]
        parts.append(f"<h3>{esc(opinion['title'])}</h3>")
        for row in opinion["rows"]:
            if row["name"] in ("toan_van", "xem_gop_y", "gui_gop_y"):
                href = row["value"] if row["value"].startswith("#") else p.href(row["value"])
                parts.append(f'<p><a href="{esc(href)}">{esc(row["label"])}</a></p>')
            else:
                parts.append(rows(p, [(row["label"], row["value"])]))
    elif kind == "so-do":
        parts.append(sitemap(p, page))
    return "\n".join(x for x in parts if x)


def not_found(p: "VariantPortal") -> str:
    return "<h2>Không tìm thấy trang</h2><p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p>"

