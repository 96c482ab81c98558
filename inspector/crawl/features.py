"""Page objects that read field labels, portal features, Q&A counts and project records off a page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable
from urllib.parse import urlsplit

from ..model.textnorm import Matcher, fold
from .discovery import absolute, main_content, parse, short_text, text_of, vocabulary

# Features one page can show, in topics.yaml order; accessibility_helpers is derived from three
# of them, and "mobile" is only the viewport hint here (the layout is checked in Chromium).
PAGE_FEATURES = ("font_size", "text_to_speech", "contrast", "access_keys", "alt_text",
                 "help_text_alternatives", "multimedia", "mobile", "legal_download",
                 "legal_by_field", "legal_by_date", "legal_by_issuer", "legal_by_type",
                 "legal_db_link", "document_search", "feedback_form", "administrative_feedback",
                 "hotline", "tthc_announcement_download", "tthc_by_field", "tthc_feedback",
                 "project_classification", "rss")
HELPERS = ("font_size", "text_to_speech", "contrast")

# Wording of the controls and links each feature shows (matched accent-aware, whole words).
FONT_SIZE_WORDS = ["tăng cỡ chữ", "giảm cỡ chữ", "cỡ chữ", "phóng to chữ", "thu nhỏ chữ",
                   "kích thước chữ", "kích cỡ chữ", "font size"]
FONT_SIZE_SIGNS = {"A+", "A-", "A +", "A -", "A–", "A⁺", "A⁻"}
SPEECH_WORDS = ["đọc bài viết", "nghe đọc bài", "nghe bài viết", "nghe đọc", "đọc văn bản",
                "text to speech"]
CONTRAST_WORDS = ["tương phản", "độ tương phản", "high contrast", "contrast"]
HELP_ALT_WORDS = ["văn bản thay thế", "thuộc tính alt", "text alternative", "alt text"]
LEGAL_DB_WORDS = ["cơ sở dữ liệu quốc gia về văn bản pháp luật",
                  "cơ sở dữ liệu quốc gia về pháp luật", "csdl quốc gia về văn bản pháp luật",
                  "cơ sở dữ liệu văn bản pháp luật", "csdl văn bản pháp luật"]
LEGAL_DB_HOSTS = ("vbpl.vn", "vanban.chinhphu.vn", "congbao.chinhphu.vn")
DOCUMENT_SEARCH_WORDS = ["tìm kiếm văn bản", "tra cứu văn bản", "tìm văn bản"]
FEEDBACK_WORDS = ["gửi ý kiến", "ý kiến phản hồi", "gửi phản hồi", "gửi liên hệ",
                  "phản hồi thông tin", "gửi thư liên hệ"]
HOTLINE_WORDS = ["đường dây nóng", "hotline"]
ANNOUNCEMENT_WORDS = ["công bố"]
COMPLAINT_WORDS = ["phản ánh", "kiến nghị"]
REGULATION_WORDS = ["quy định hành chính"]
PROCEDURE_WORDS = ["thủ tục hành chính", "tthc"]
NATIONAL_COMPLAINT_HOSTS = ("pakn.dichvucong.gov.vn",)
# Facet labels above a legal documents table (the same words as some table headings, which is
# why facets are looked for outside tables).
FACET_LABELS = {
    "legal_by_field": ["lĩnh vực", "theo lĩnh vực"],
    "legal_by_date": ["năm ban hành", "theo năm ban hành", "thời gian ban hành", "theo năm",
                      "ngày ban hành"],
    "legal_by_issuer": ["cơ quan ban hành", "theo cơ quan ban hành"],
    "legal_by_type": ["loại văn bản", "theo loại văn bản", "hình thức văn bản", "thể loại"],
}
PROJECT_STAGES = ["chuẩn bị đầu tư", "đang triển khai", "đang thực hiện", "thực hiện đầu tư",
                  "hoàn thành", "đã hoàn thành", "kết thúc đầu tư", "chuẩn bị thực hiện",
                  "đang chuẩn bị", "đã quyết toán"]
STAGE_PREFIXES = ("cac du an", "du an", "giai doan")
# Q&A status wording: an answer's label, and a question still waiting.
ANSWER_LABELS = {"tra loi", "da tra loi", "cau tra loi", "noi dung tra loi", "tra loi cua co quan"}
WAITING_WORDS = ("chua tra loi", "cho tra loi", "dang duoc xem xet", "chua co tra loi",
                 "dang xu ly", "dang cho")
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".rtf", ".zip", ".rar",
                       ".7z", ".ppt", ".pptx")
MEDIA_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "facebook.com/plugins/video")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LABEL_WORDS = 8                  # a label is short: "Địa chỉ", "Thời hạn giải quyết"
CONTROL_WORDS = 8
PHONE = re.compile(r"(?:\+?\d[\d .\-()]{2,}\d)")
DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
ICON_WORDS = ("icon", "spacer", "blank", "pixel", "bullet", "arrow", "loading", "1x1", "dot.")


# -- labels ------------------------------------------------------------------------------------
def _text_pieces(element, skip: tuple[str, ...] = ()) -> Iterable[str]:
    """The element's text nodes in document order (scripts, styles and ``skip`` tags left
    out, their tails kept)."""
    if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript") + skip:
        return
    if element.text and element.text.strip():
        yield element.text
    if element.tag == "input" and (element.get("type") or "").lower() in ("submit", "button"):
        if element.get("value"):
            yield element.get("value")
    for child in element:
        yield from _text_pieces(child, skip)
        if child.tail and child.tail.strip():
            yield child.tail


def _labels_in(piece: str) -> list[str]:
    """Label candidates of one text node: the node when short, and the words before each
    colon ("Điện thoại: 024 3512. Fax: 024 3736" → "Điện thoại", "Fax"). An e-mail address or
    a URL is a value, whatever words it spells ("pho-chu-tich@…" names no chức vụ)."""
    piece = " ".join(w for w in piece.split() if "@" not in w and "://" not in w
                     and not w.lower().startswith("www."))
    found = []
    if piece and len(piece.split()) <= LABEL_WORDS:
        found.append(piece)
    if ":" in piece:
        for before in piece.split(":")[:-1]:
            label = re.split(r"[.;|·•]\s+", before)[-1].strip()
            if label and len(label.split()) <= LABEL_WORDS:
                found.append(label)
    return found


def label_texts(root) -> list[str]:
    """The short texts of a block that read as labels, in order, without repeats. The page's
    title (h1) names the page, not a field ("Lấy ý kiến dự thảo văn bản" shows no draft)."""
    labels = []
    for piece in _text_pieces(root, skip=("h1",)):
        labels += _labels_in(piece)
    return list(dict.fromkeys(labels))


def _rows(table) -> list:
    """The rows of a table, not those of tables nested in it."""
    return [tr for tr in table.iter("tr")
            if next((t for t in tr.iterancestors("table")), None) is table]


def _cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]


def _is_grid(table) -> bool:
    """A data grid: some row is made of two or more heading cells."""
    return any(sum(1 for c in _cells(tr) if c.tag == "th") >= 2 for tr in _rows(table))


def table_headings(root) -> list[str]:
    """Column headings of grids, and the label column of two-column tables (a document's
    details), of every table in the block."""
    headings = []
    for table in root.iter("table"):
        grid = _is_grid(table)
        for tr in _rows(table):
            cells = _cells(tr)
            headings += [text_of(c) for c in cells if c.tag == "th"]
            if not grid and len(cells) == 2 and cells[0].tag == "td":
                headings.append(text_of(cells[0]))
    return [h for h in dict.fromkeys(headings) if h]


def _fields_of(labels: list[str], field_set: str) -> list[str]:
    try:
        fields = vocabulary().field_sets[field_set]["fields"]
    except KeyError:
        raise ValueError(f"unknown field set {field_set!r} (see checklists/topics.yaml)") from None
    matchers = [Matcher(label) for label in labels]
    return [name for name, keywords in fields.items() if any(m.find(keywords) for m in matchers)]


def fields_present(html: str, field_set: str) -> list[str]:
    """The fields of a topics.yaml field set whose keywords label something in the page's main
    content, in the set's order. "van-ban" reads the legal document tables' headings only: the
    facet labels above a table repeat field names."""
    root = main_content(html)
    labels = table_headings(root) if field_set == "van-ban" else label_texts(root)
    return _fields_of(labels, field_set)


# -- features --------------------------------------------------------------------------------------
def _controls(doc) -> list[tuple[str, Any]]:
    """(wording, element) of each small control: links, buttons, inputs, short labelled spans;
    wording is the text, title, aria-label, value and images' alt."""
    found = []
    for element in doc.iter("a", "button", "input", "span", "label", "li", "div", "img", "i"):
        words = [element.get("title"), element.get("aria-label")]
        if element.tag == "input":
            words.append(element.get("value"))
        elif element.tag == "img":
            words.append(element.get("alt"))
        else:           # a wrapper's whole text is never a control's: not read to its end
            text = short_text(element, CONTROL_WORDS)
            if text:
                words.append(text)
        for word in words:
            if word and word.strip():
                found.append((" ".join(word.split()), element))
    return found


def _found(present: bool, url: str, evidence: str = "") -> dict[str, Any]:
    return {"present": present, "where": url if present else None,
            "evidence": evidence if present else ""}


def _control_feature(controls, url: str, words: list[str], signs: set[str] = frozenset()):
    for wording, element in controls:
        if wording in signs or Matcher(wording).find(words):
            attr = f' title="{element.get("title")}"' if element.get("title") else ""
            return _found(True, url, f"<{element.tag}{attr}> {wording}"[:120])
    return _found(False, url)


def _link_feature(links, url: str, test) -> dict[str, Any]:
    for text, target, _ in links:
        if test(text, target):
            return _found(True, url, f"{text} → {target}"[:160])
    return _found(False, url)


def _is_document_file(target: str | None) -> bool:
    return bool(target) and urlsplit(target).path.lower().endswith(DOCUMENT_EXTENSIONS)


def _page_links(doc, url: str) -> list[tuple[str, str, Any]]:
    """(text, absolute url, anchor) of every link, outside ones included."""
    links = []
    for a in doc.iter("a"):
        target = absolute(a.get("href"), url)
        if target:
            links.append((text_of(a) or (a.get("title") or ""), target, a))
    return links


def _illustrations(main) -> tuple[int, list[str]]:
    """(illustrations checked, sources of those without alt text) in the main content. An image
    alone in a link is a navigation banner unless a text link next to it goes to the same page
    (a post's thumbnail); icons and spacers are not illustrations."""
    checked, missing = 0, []
    for img in main.iter("img"):
        src = img.get("src") or ""
        name = src.lower().rsplit("/", 1)[-1]
        if any(word in name for word in ICON_WORDS):
            continue
        if any(_small(img.get(dim)) for dim in ("width", "height")):
            continue
        link = next(img.iterancestors("a"), None)
        if link is not None and not text_of(link) and not _thumbnail(link):
            continue
        checked += 1
        if not (img.get("alt") or "").strip():
            missing.append(src)
    return checked, missing


def _small(value: str | None) -> bool:
    digits = (value or "").strip().rstrip("px")
    return digits.isdigit() and int(digits) < 40


def _thumbnail(link) -> bool:
    href = link.get("href")
    block = link
    for _ in range(3):
        block = block.getparent()
        if block is None:
            return False
        if any(a is not link and a.get("href") == href and text_of(a) for a in block.iter("a")):
            return True
    return False


def document_tables(main) -> list:
    """Grids whose column headings name legal document fields (Số ký hiệu, Trích yếu…)."""
    keywords = [k for ks in vocabulary().field_sets["van-ban"]["fields"].values() for k in ks]
    tables = []
    for table in main.iter("table"):
        if not _is_grid(table):
            continue
        headings = [text_of(th) for th in table.iter("th")]
        if any(Matcher(h).find(keywords) for h in headings if h):
            tables.append(table)
    return tables


def _facets(main, url: str) -> dict[str, dict[str, Any]]:
    wanted = {name: {fold(v) for v in variants} for name, variants in FACET_LABELS.items()}
    shown: dict[str, str] = {}
    for element in main.iter():
        if not isinstance(element.tag, str) or element.tag in ("a", "table", "option"):
            continue
        if next(element.iterancestors("table"), None) is not None:
            continue
        text = text_of(element)
        if not text or len(text.split()) > 6:
            continue
        label = fold(re.sub(r"\(\d+\)", "", text))
        for name, variants in wanted.items():
            if label in variants and name not in shown:
                shown[name] = text
    return {name: _found(name in shown, url, shown.get(name, "")) for name in FACET_LABELS}


def _hotline(main, url: str) -> dict[str, Any]:
    for element in main.iter("p", "li", "div", "td", "span", "strong", "h2", "h3", "h4"):
        text = text_of(element)
        if not text or len(text) > 200 or not Matcher(text).find(HOTLINE_WORDS):
            continue
        for number in PHONE.findall(text):
            if sum(ch.isdigit() for ch in number) >= 4:
                return _found(True, url, text[:120])
    return _found(False, url)


def _stage_heading(text: str) -> bool:
    label = fold(re.sub(r"\(\d+\)", "", text))
    for prefix in STAGE_PREFIXES:
        if label.startswith(prefix + " "):
            label = label[len(prefix) + 1:]
    return label in {fold(s) for s in PROJECT_STAGES}


def _field_heading(text: str) -> bool:
    """'Lĩnh vực: Xuất bản' (a group of procedures under its field)."""
    head, sep, rest = text.partition(":")
    return bool(sep and rest.strip()) and fold(head) in ("linh vuc", "nganh linh vuc", "nganh")


def detect_features(html: str, url: str) -> dict[str, dict[str, Any]]:
    """What one page shows of each feature: {present, where (the page), evidence}; alt_text
    also counts the illustrations checked and those missing an alt; mobile is the viewport
    hint only."""
    page = _Page(html, url)
    found: dict[str, dict[str, Any]] = {}
    found.update(_accessibility(page))
    found.update(_documents(page))
    found.update(_feedback(page))
    found.update(_structure(page))
    found["accessibility_helpers"] = _helpers(found)
    return found


class _Page:
    """One page parsed once for every feature: the whole document and its main content."""

    def __init__(self, html: str, url: str):
        self.url = url
        self.doc = parse(html)
        self.main = main_content(html)
        self.controls, self.main_controls = _controls(self.doc), _controls(self.main)
        self.links = _page_links(self.doc, url)
        self.main_links = _page_links(self.main, url)
        self.main_text = text_of(self.main)
        self.main_matcher = Matcher(self.main_text)


def _accessibility(page: _Page) -> dict[str, dict[str, Any]]:
    doc, url = page.doc, page.url
    found = {
        "font_size": _control_feature(page.controls, url, FONT_SIZE_WORDS, FONT_SIZE_SIGNS),
        "text_to_speech": _control_feature(page.controls, url, SPEECH_WORDS),
        "contrast": _control_feature(page.controls, url, CONTRAST_WORDS),
    }
    keys = doc.xpath("//*[@accesskey]")
    found["access_keys"] = _found(bool(keys), url, f"{len(keys)} accesskey attributes, e.g. "
                                  f"{text_of(keys[0])[:40]!r}={keys[0].get('accesskey')}"
                                  if keys else "")
    checked, missing = _illustrations(page.main)
    found["alt_text"] = {"present": checked > 0 and not missing, "where": url if checked else None,
                         "evidence": (f"{checked} illustrations, all with alt text" if not missing
                                      else f"no alt: {missing[0]}") if checked else "",
                         "checked": checked, "missing": len(missing)}
    help_words = page.main_matcher.find(HELP_ALT_WORDS)
    found["help_text_alternatives"] = _found(bool(help_words), url, help_words or "")
    media = [e for e in doc.iter("video", "audio", "embed", "object", "iframe")
             if e.tag in ("video", "audio") or any(h in (e.get("src") or e.get("data") or "")
                                                    for h in MEDIA_HOSTS)]
    found["multimedia"] = _found(bool(media), url, f"<{media[0].tag}>" if media else "")
    viewport = next((m.get("content") or "" for m in doc.iter("meta")
                     if (m.get("name") or "").lower() == "viewport"), "")
    found["mobile"] = {**_found("device-width" in viewport.replace(" ", ""), url,
                                f"viewport {viewport}"), "hint": True}
    return found


def _documents(page: _Page) -> dict[str, dict[str, Any]]:
    """The legal documents' page: downloads, a search box, facets, a link to the national
    legal database."""
    doc, main, url = page.doc, page.main, page.url
    found: dict[str, dict[str, Any]] = {}
    tables = document_tables(main)
    downloads = [a.get("href") for t in tables for a in t.iter("a")
                 if _is_document_file(absolute(a.get("href"), url))]
    found["legal_download"] = _found(bool(downloads), url, downloads[0] if downloads else "")
    inputs = [i for i in main.iter("input") if (i.get("type") or "text").lower() in ("text", "search")]
    search_words = next((w for w, _ in page.main_controls
                         if Matcher(w).find(DOCUMENT_SEARCH_WORDS)),
                        None) or page.main_matcher.find(DOCUMENT_SEARCH_WORDS)
    searchable = bool(inputs) and bool(search_words or tables)
    if not searchable and tables:
        # a documents page may put its search form in a block beside the table (Drupal's
        # exposed filters): a form labelled for documents anywhere on that page counts
        for form in doc.iter("form"):
            has_input = any((i.get("type") or "text").lower() in ("text", "search")
                            for i in form.iter("input"))
            label = Matcher(text_of(form)).find(DOCUMENT_SEARCH_WORDS)
            if has_input and label:
                searchable, search_words = True, label
                break
    found["document_search"] = _found(searchable, url, search_words or "search box above "
                                      "the documents table")
    facets = _facets(main, url) if (tables or searchable) else \
        {name: _found(False, url) for name in FACET_LABELS}
    found.update(facets)
    found["legal_db_link"] = _link_feature(
        page.links, url,
        lambda text, target: urlsplit(target).netloc.lower().endswith(LEGAL_DB_HOSTS)
        or bool(Matcher(text).find(LEGAL_DB_WORDS)))
    return found


def _feedback(page: _Page) -> dict[str, dict[str, Any]]:
    """Where citizens write in: opinions, complaints, the hotline."""
    url, links = page.url, page.links
    # a form to write in (a text area) that says it takes opinions; the draft consultation's
    # "Gửi góp ý" form is not the contact page's
    wording = " | ".join([page.main_text] + [w for w, _ in page.main_controls])
    feedback = Matcher(wording).find(FEEDBACK_WORDS) \
        if page.main.find(".//textarea") is not None else None

    def complaint(words):
        def test(text, target):
            matcher = Matcher(text)
            return bool(matcher.find(COMPLAINT_WORDS) and matcher.find(words))
        return test

    return {
        "feedback_form": _found(bool(feedback), url, f"form with a text area: {feedback}"),
        "administrative_feedback": _link_feature(
            links, url, lambda text, target: complaint(REGULATION_WORDS)(text, target)
            or urlsplit(target).netloc.lower() in NATIONAL_COMPLAINT_HOSTS),
        "tthc_feedback": _link_feature(links, url, complaint(PROCEDURE_WORDS)),
        "hotline": _hotline(page.main, url),
    }


def _structure(page: _Page) -> dict[str, dict[str, Any]]:
    """How the page arranges procedures and projects, and its feeds."""
    url = page.url
    found = {"tthc_announcement_download": _link_feature(
        page.main_links, url, lambda text, target: _is_document_file(target)
        and bool(Matcher(text).find(ANNOUNCEMENT_WORDS)))}
    headings = [text_of(e) for e in page.main.iter(*HEADINGS, "dt", "caption", "legend")]
    by_field = next((text for text in headings if _field_heading(text)), None)
    found["tthc_by_field"] = _found(bool(by_field), url, by_field or "")
    stage = next((text for text in headings if _stage_heading(text)), None)
    found["project_classification"] = _found(bool(stage), url, stage or "")
    feeds = [link.get("href") for link in page.doc.iter("link")
             if "alternate" in (link.get("rel") or "").lower()
             and any(k in (link.get("type") or "").lower() for k in ("rss", "atom"))]
    if not feeds:
        feeds = [target for text, target, _ in page.links
                 if fold(text) == "rss" or urlsplit(target).path.lower().endswith((".rss", "/rss"))]
    found["rss"] = _found(bool(feeds), url, feeds[0] if feeds else "")
    return found


def _helpers(found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """accessibility_helpers: font size, reading aloud or contrast, whichever shows first."""
    for name in HELPERS:
        seen = found.get(name)
        if seen and seen.get("present"):
            return {"present": True, "where": seen.get("where"), "evidence": name}
    return {"present": False, "where": None, "evidence": ""}


def merge_features(per_page: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Features over the pages read: present on any page → present, with the first page that
    shows it. alt_text is the exception: present when illustrations were checked and none on
    any page lacks an alt text (where: the first page missing one, else the first checked).
    Merging merged results again gives the same result, so a crawl can merge as it goes."""
    merged: dict[str, dict[str, Any]] = {}
    for page in per_page:
        for name, seen in (page or {}).items():
            if name == "accessibility_helpers" or not isinstance(seen, dict):
                continue
            if name == "alt_text":
                merged[name] = _merge_alt(merged.get(name), seen)
            elif name not in merged or (seen.get("present") and not merged[name].get("present")):
                merged[name] = dict(seen)
    if merged:
        merged["accessibility_helpers"] = _helpers(merged)
    return merged


def _merge_alt(before: dict[str, Any] | None, seen: dict[str, Any]) -> dict[str, Any]:
    if before is None:
        return dict(seen)
    checked = before.get("checked", 0) + seen.get("checked", 0)
    missing = before.get("missing", 0) + seen.get("missing", 0)
    if before.get("missing"):
        where, evidence = before.get("where"), before.get("evidence")
    elif seen.get("missing"):
        where, evidence = seen.get("where"), seen.get("evidence")
    else:
        where = before.get("where") or seen.get("where")
        evidence = f"{checked} illustrations, all with alt text" if checked else ""
    return {"present": checked > 0 and not missing, "where": where, "evidence": evidence,
            "checked": checked, "missing": missing}


# -- Q&A -------------------------------------------------------------------------------------------
def _status_marks(root) -> list[tuple[Any, bool]]:
    """(element, answered) of each Q&A status: an answer's label ("Trả lời:", "Đã trả lời") or
    a question still waiting ("Chưa trả lời", "đang được xem xét, trả lời")."""
    marks = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        own = fold(element.text or "")
        if not own:
            continue
        if any(word in own for word in WAITING_WORDS):
            marks.append((element, False))
        elif own in ANSWER_LABELS:
            marks.append((element, True))
    return marks


def _item_of(mark, root, marks: set) -> Any:
    """The largest block above a status that holds no other status: the question's row."""
    item = mark
    for parent in mark.iterancestors():
        if parent is root or any(other in marks and other is not mark for other in parent.iter()):
            break
        item = parent
    return item


def _class_words(element) -> set[str]:
    return set((element.get("class") or "").split())


def qa_counts(html: str) -> tuple[int, int]:
    """(questions, answered) on one page of a Q&A listing. Each status shown (an answer's label,
    or "Chưa trả lời", "đang được xem xét") marks one question's row; rows alike beside them
    (same tag, a class in common) that show no status are questions not yet answered. A page
    with no status at all (a news listing) counts nothing."""
    root = main_content(html)
    marks = _status_marks(root)
    marked = {element for element, _ in marks}
    rows: dict[Any, bool] = {}
    for element, answered in marks:
        item = _item_of(element, root, marked)
        # one row may show both an answer label and a waiting note: waiting wins
        rows[item] = rows.get(item, True) and answered
    if len(rows) >= 2:
        for item in list(rows):
            parent = item.getparent()
            for sibling in (parent if parent is not None else []):
                if sibling in rows or not isinstance(sibling.tag, str) or sibling.tag != item.tag:
                    continue
                if _class_words(sibling) & _class_words(item) and text_of(sibling):
                    rows[sibling] = False
    return len(rows), sum(1 for answered in rows.values() if answered)


# -- projects --------------------------------------------------------------------------------------
def _events(element, inside_heading: bool = False) -> Iterable[tuple]:
    """The block in document order: ("h", level, text) for headings, ("t", text) for text."""
    if not isinstance(element.tag, str) or element.tag in ("script", "style"):
        return
    if element.tag in HEADINGS and not inside_heading:
        yield ("h", int(element.tag[1]), text_of(element))
        return
    if element.text and element.text.strip():
        yield ("t", element.text)
    for child in element:
        yield from _events(child, inside_heading)
        if child.tail and child.tail.strip():
            yield ("t", child.tail)


def _day(text: str) -> str | None:
    match = DMY.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    match = ISO.search(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


def project_records(html: str) -> list[dict[str, Any]]:
    """Projects of a projects page: {name, fields, updated}. A project is a heading whose part
    of the page labels du-an fields (the deepest such heading: a stage heading above projects
    is a group, not a project); updated is the date next to "Cập nhật" (ISO), or None."""
    events = list(_events(main_content(html)))
    sections = []
    for i, event in enumerate(events):
        if event[0] != "h":
            continue
        level, texts, sub = event[1], [], []
        for later in events[i + 1:]:
            if later[0] == "h":
                if later[1] <= level:
                    break
                sub.append(later)
            else:
                texts.append(later[1])
        labels = [label for text in texts for label in _labels_in(text)]
        sections.append({"index": i, "level": level, "name": event[2], "texts": texts,
                         "fields": _fields_of(list(dict.fromkeys(labels)), "du-an"),
                         "children": len(sub)})
    records = []
    for n, section in enumerate(sections):
        if not section["fields"]:
            continue
        nested = [s for s in sections[n + 1:n + 1 + section["children"]] if s["fields"]]
        if nested:
            continue  # a group of projects (a stage), not a project
        updated = next((_day(t) for t in section["texts"]
                        if Matcher(t).find(["cập nhật", "ngày cập nhật"]) and _day(t)), None)
        records.append({"name": section["name"], "fields": sorted(section["fields"]),
                        "updated": updated})
    return records
