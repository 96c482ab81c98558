"""An article page: the title in <h1>, <h2> or a <div>; the date before or after the title, or
only in a sentence at the end ("Bài viết được đăng lúc 09:15 ngày 17/11/2026") in an element
whose class says nothing; body paragraphs that mention other days; related posts with their own
dates ("Tin liên quan", "Những tin mới hơn / cũ hơn"); sometimes article:published_time,
itemprop or JSON-LD, often none; share links to other hosts."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..model import Post, Section
from ..portal import FEATURE_TEXT, esc
from . import dates
from .frame import json_ld

if TYPE_CHECKING:  # pragma: no cover
    from .portal import VariantPortal

# Neutral sentences around another day (no topic or field keyword in them).
BEFORE = ("Ngày {d}, các đại biểu đã dự buổi gặp mặt đầu tiên.",
          "Trước đó, vào ngày {d}, đoàn đã tới thăm và làm việc.")
AFTER = ("Buổi gặp mặt tiếp theo dự kiến diễn ra vào ngày {d}.",
         "Hạn cuối nhận đăng ký là ngày {d}.")


def body_paragraphs(p: "VariantPortal", post: Post) -> list[str]:
    """The body, with a day before the post at its start and one after it at its end on
    portals whose theme says so."""
    body = list(post.body)
    if p.theme.body_dates == "yes":
        before = post.published - timedelta(days=2 + post.id % 6)
        after = post.published + timedelta(days=5 + post.id % 9)
        body.insert(0, BEFORE[post.id % 2].format(d=f"{before:%d/%m/%Y}"))
        body.append(AFTER[post.id % 2].format(d=f"{after:%d/%m/%Y}"))
    return body


def head(p: "VariantPortal", section: Section, post: Post) -> str:
    """What the article adds to <head>: its published time in the theme's metadata, if any."""
    meta = p.theme.article_meta
    if meta == "og":
        return (f'<meta property="og:type" content="article"/>'
                f'<meta property="article:published_time" content="{dates.iso(post.published)}"/>')
    if meta == "jsonld":
        return json_ld({"@context": "https://schema.org", "@type": "NewsArticle",
                        "headline": post.title, "datePublished": dates.iso(post.published),
                        "author": {"@type": "Organization", "name": p.agency.name}})
    return ""


def _date_element(p: "VariantPortal", post: Post) -> str:
    t = p.theme
    shown = dates.fmt(t.article_date, post.published)
    label = "" if t.article_date in dates.LABELLED else t.article_date_label
    tag = "span" if t.layout == "tables" else "div"
    return f"<{tag}{p.css('article_date')}>{esc(label)}{shown}</{tag}>"


def _related(p: "VariantPortal", section: Section, post: Post) -> str:
    kind = p.theme.related
    if kind == "none":
        return ""
    css = p.css
    posts = section.posts
    at = next((i for i, q in enumerate(posts) if q.id == post.id), 0)
    def items(chosen, listing_format: bool = False) -> str:
        out = []
        for q in chosen:
            when = (p.listing_date(q.published) if listing_format
                    else f"({q.published:%d/%m/%Y})")
            out.append(f'<li><a href="{esc(p.href(p.post_path(section, q)))}">{esc(q.title)}</a> '
                       f"<em>{when}</em></li>")
        return "".join(out)
    if kind == "lien_quan":
        chosen = posts[at + 1:at + 6]
        return (f"<div{css('related')}><h3>Tin liên quan</h3><ul>{items(chosen)}</ul></div>"
                if chosen else "")
    if kind == "moi_cu":
        newer, older = posts[max(0, at - 3):at], posts[at + 1:at + 6]
        out = ""
        if newer:
            out += f"<div{css('related')}><h3>Những tin mới hơn</h3><ul>{items(newer)}</ul></div>"
        if older:
            out += f"<div{css('related')}><h3>Những tin cũ hơn</h3><ul>{items(older)}</ul></div>"
        return out
    chosen = [q for q in posts[:6] if q.id != post.id][:5]
    return (f"<div{css('related')}><h3>Các tin cùng chuyên mục</h3><ul>{items(chosen, True)}</ul></div>"
            if chosen else "")


def _share(p: "VariantPortal", path: str) -> str:
    if p.theme.share != "yes":
        return ""
    url = quote(p.absolute(path), safe="")
    return (f"<div{p.css('share')}>Chia sẻ: "
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a> '
            f'<a href="https://twitter.com/share?url={url}">Twitter</a></div>')


def article(p: "VariantPortal", page: dict) -> str:
    """The main content of an article page (ThemedPortal._article_page gives `page`)."""
    t, css = p.theme, p.css
    section, post = page["section"], page["post"]
    path = p.post_path(section, post)
    title_tag = t.article_title
    title = f"<{title_tag}{css('article_title')}>{esc(post.title)}</{title_tag}>"
    date = _date_element(p, post)
    parts = []
    if t.article_date_pos == "before_title":
        parts += [date, title]
    elif t.article_date_pos == "after_title":
        parts += [title, date]
    else:
        parts.append(title)
    if t.article_meta == "itemprop":
        parts.append(f'<span itemprop="datePublished" content="{dates.iso(post.published)}" '
                     f'style="display:none">{dates.iso(post.published)}</span>')
    if page["tts"]:
        parts.append(f'<button type="button" title="{FEATURE_TEXT["text_to_speech"]}" '
                     f"onclick=\"speechSynthesis.speak(new SpeechSynthesisUtterance("
                     f"document.body.innerText))\">{FEATURE_TEXT['text_to_speech']}</button>")
    if page["asker"]:
        parts.append(f"<p>Người hỏi: {esc(page['asker'])}</p>")
    parts.append(f"<p{css('article_lead')}><strong>{esc(post.lead)}</strong></p>")
    if page["image"]:
        parts.append(f'<p><img src="{esc(p.href(page["image"]))}" alt="{esc(page["alt"])}" '
                     f'width="600" height="400"/></p>')
    for label, value in page["details"]:
        parts.append(f"<p><b>{esc(label)}:</b> {esc(value)}</p>")
    body = "".join(f"<p>{esc(x)}</p>" for x in body_paragraphs(p, post))
    parts.append(f"<div{css('article_body')}>{body}</div>")
    if page["file"]:
        name = page["file"].rsplit("/", 1)[1]
        parts.append(f'<p><a href="{esc(p.href(page["file"]))}">{esc(name)}</a></p>')
    if page["answer"]:
        when = f" ({page['answer']['date']})" if page["answer"]["date"] else ""
        parts.append(f"<div><b>Trả lời{when}:</b> {esc(page['answer']['text'])}</div>")
    if t.article_date_pos == "sentence_bottom":
        parts.append(f"<p{css('note')}>{dates.sentence(t.date_sentence, post.published)}</p>")
    parts.append(_share(p, path))
    parts.append(_related(p, section, post))
    tag = "article" if t.layout == "html5" else "div"
    return f"<{tag}{css('article')}>" + "\n".join(x for x in parts if x) + f"</{tag}>"
