"""NukeViet 4 portal: /vi/news/<Alias>/page-N listings, <slug>-<id>.html articles, RSS feeds."""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from werkzeug.wrappers import Response

from ..model import Agency, Post, Procedure, Province, Section
from ..portal import (FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES, WEEKDAYS_EN,
                      ListingPage, Portal, fmt_dmy)

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates" / "nukeviet"),
                   autoescape=True, trim_blocks=True, lstrip_blocks=True)

GENERATOR = "NukeViet v4.5"
NEWS = "/vi/news/"

# static page kind → path (NukeViet's "about" module for pages, "contact" for the contact form)
STATIC_PATHS = {
    "gioi-thieu": "/vi/about/gioi-thieu-chung.html",
    "co-cau-to-chuc": "/vi/about/co-cau-to-chuc.html",
    "lanh-dao": "/vi/about/lanh-dao.html",
    "lien-he": "/vi/contact/",
    "duong-day-nong": "/vi/about/duong-day-nong.html",
    "danh-ba": "/vi/about/danh-ba-can-bo.html",
    "thu-tuc": "/vi/tthc/",
    "du-an": "/vi/du-an/",
    "gop-y": "/vi/gop-y/",
    "tro-giup": "/vi/about/tro-giup.html",
    "so-do": "/vi/about/so-do-cong.html",
}

# neutral wording of each procedure detail (no other field's keyword in it)
PROCEDURE_DETAILS = {
    "trinh_tu": ("Bước 1: nộp đơn tại Bộ phận Một cửa. "
                 "Bước 2: nhận kết quả theo giấy hẹn."),
    "thanh_phan_ho_so": "Đơn đề nghị theo mẫu; bản sao giấy tờ có liên quan.",
    "noi_tiep_nhan": "Bộ phận Một cửa của {agency}.",
    "nguoi_xu_ly": "Chuyên viên được giao thụ lý.",
    "thoi_han": "10 ngày làm việc.",
    "phi_le_phi": "50.000 đồng.",
}
STAGES = ("chuẩn bị đầu tư", "đang triển khai", "hoàn thành")
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# document facet → (query parameter, how a post's value is read)
FACET_PARAMS = {"legal_by_field": "linhvuc", "legal_by_date": "nam", "legal_by_issuer": "coquan",
                "legal_by_type": "loai"}


def slugify(text: str) -> str:
    text = str(text).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def listing_date(moment: datetime) -> str:
    """'Thursday, 18/07/2024' as NukeViet's news listings print it."""
    return f"{WEEKDAYS_EN[moment.weekday()]}, {fmt_dmy(moment)}"


def article_date(moment: datetime, padded: bool) -> str:
    """'18/07/2024 08:30 CH' (padded) or '12/03/2018 8:30 CH': 12-hour clock, SA/CH."""
    hour = moment.hour % 12 or 12
    shown = f"{hour:02d}" if padded else str(hour)
    return f"{fmt_dmy(moment)} {shown}:{moment.minute:02d} {'CH' if moment.hour >= 12 else 'SA'}"


def rfc822(moment: datetime) -> str:
    return (f"{WEEKDAYS_EN[moment.weekday()][:3]}, {moment.day:02d} {MONTHS_EN[moment.month - 1]} "
            f"{moment.year} {moment:%H:%M:%S} +0700")


def _png() -> bytes:
    """A 1×1 grey PNG, built the same way every time."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80", 9)) + chunk(b"IEND", b""))


FILES = {
    "png": ("image/png", _png()),
    "pdf": ("application/pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
    "doc": ("application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56),
    "mp4": ("video/mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"),
}


class NukeVietPortal(Portal):
    platform = "nukeviet"

    def __init__(self, agency: Agency, province: Province):
        super().__init__(agency, province)
        self._index = {s.key: i for i, s in enumerate(agency.sections)}
        self._by_alias = {self.alias(s): s for s in agency.sections}
        self._articles = {self.post_path(s, p): (s, p) for s in agency.sections for p in s.posts}
        self._procedures = {self.procedure_path(p): p for p in agency.procedures}
        self._files: dict[str, str] = {self.LOGO: "png", self.VIDEO: "mp4",
                                       self.ANNOUNCEMENT: "pdf", self.DRAFT: "pdf"}
        for section in agency.sections:
            self._files[self.banner_path(section)] = "png"
            for post in section.posts:
                if post.image:
                    self._files[self.image_path(post)] = "png"
                if section.layout == "documents" and post.extra.get("file"):
                    path = self.file_path(post)
                    self._files[path] = "doc" if path.endswith(".doc") else "pdf"

    # -- URLs ------------------------------------------------------------------------------
    LOGO = "/uploads/logo.png"
    VIDEO = "/uploads/video/gioi-thieu.mp4"
    ANNOUNCEMENT = "/uploads/tthc/quyet-dinh-cong-bo-bo-tthc.pdf"
    DRAFT = "/uploads/gop-y/van-ban-lay-y-kien.pdf"

    @staticmethod
    def alias(section: Section) -> str:
        """NukeViet's category alias: the key with its first letter capitalised."""
        return section.key[:1].upper() + section.key[1:]

    def home_path(self) -> str:
        return "/"

    def section_path(self, section: Section, page: int = 1) -> str:
        base = f"{NEWS}{self.alias(section)}/"
        return base if page <= 1 else f"{base}page-{page}"

    def listing_pages(self, section: Section) -> list[ListingPage]:
        return [ListingPage(self.section_path(section, n), posts)
                for n, posts in enumerate(self.chunks(section), start=1)]

    def post_path(self, section: Section, post: Post) -> str:
        return f"{NEWS}{self.alias(section)}/{post.slug}-{post.id}.html"

    def page_path(self, kind: str) -> str:
        return STATIC_PATHS[kind]

    def rss_path(self, section: Section) -> str | None:
        return f"{NEWS}rss/{self.alias(section)}/"

    def procedure_path(self, procedure: Procedure) -> str:
        return f"/vi/tthc/{procedure.code}.html"

    @staticmethod
    def image_path(post: Post) -> str:
        return f"/uploads/news/{post.published:%Y_%m}/{post.slug}.png"

    @staticmethod
    def file_path(post: Post) -> str:
        return f"/uploads/laws/{post.extra['file']}"

    @staticmethod
    def banner_path(section: Section) -> str:
        return f"/uploads/banners/{section.key}.png"

    def page_available(self, kind: str) -> bool:
        if kind == "duong-day-nong":
            return self.feature("hotline")
        if kind == "tro-giup":
            return self.feature("help_text_alternatives")
        if kind == "co-cau-to-chuc":
            return self.field_present("gioi-thieu", "co_cau_to_chuc")
        return True

    # -- serving ---------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        if path == "/":
            return self._html(self._home())
        if path in ("/vi", "/vi/", "/index.php"):
            return self._redirect("/")
        if path in self._articles:
            return self._html(self._article(*self._articles[path]))
        if path in self._files:
            mimetype, body = FILES[self._files[path]]
            return Response(body, mimetype=mimetype)
        if path in self._procedures:
            return self._html(self._procedure(self._procedures[path]))
        for kind, static in STATIC_PATHS.items():
            if path == static and self.page_available(kind):
                if kind == "lien-he" and request.method == "POST":
                    return self._html(self._contact(sent=True))
                return self._html(self._static(kind))
        match = re.fullmatch(r"/vi/news/rss/([A-Za-z0-9-]+)/", path)
        if match and match.group(1) in self._by_alias:
            return Response(self._rss(self._by_alias[match.group(1)]),
                            content_type="application/rss+xml; charset=utf-8")
        match = re.fullmatch(r"/vi/news/([A-Za-z0-9-]+)(/(?:page-(\d+))?)?", path)
        if match and match.group(1) in self._by_alias:
            section = self._by_alias[match.group(1)]
            if not match.group(2):
                return self._redirect(self.section_path(section))
            page = int(match.group(3) or 1)
            if match.group(3) is not None and page <= 1:
                return self._redirect(self.section_path(section))
            if page > len(self.chunks(section)):
                return self._not_found()
            return self._html(self._listing(section, page, request.args))
        return self._not_found()

    def _html(self, body: str, status: int = 200) -> Response:
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    @staticmethod
    def _redirect(location: str) -> Response:
        return Response("", status=301, headers={"Location": location})

    def _not_found(self) -> Response:
        return self._html(self._render("error.html", "Lỗi 404", [], code=404), status=404)

    # -- page parts ------------------------------------------------------------------------
    def _render(self, template: str, title: str, crumbs: list, *, feeds=(), **context) -> str:
        agency = self.agency
        menu = [{"label": "Giới thiệu", "href": self.page_path("gioi-thieu"), "children": []}]
        submenu = self.sections_at("submenu")
        if submenu:
            menu.append({"label": "Tin tức", "href": "#", "children": [
                {"label": s.name, "href": self.section_path(s)} for s in submenu]})
        menu += [{"label": s.name, "href": self.section_path(s), "children": []}
                 for s in self.sections_at("menu")]
        menu.append({"label": "Liên hệ", "href": self.page_path("lien-he"), "children": []})
        if self.feature("access_keys"):
            for number, item in enumerate(menu[:9], start=1):
                item["accesskey"] = str(number)
        if self.feature("rss"):
            feeds = [{"title": s.name, "href": self.rss_path(s)} for s in feeds]
        else:
            feeds = []
        return _ENV.get_template(template).render(
            agency=agency, title=title, crumbs=crumbs, feeds=feeds, menu=menu,
            generator=GENERATOR, logo=self.LOGO,
            f={name: self.feature(name) for name in (
                "font_size", "contrast", "text_to_speech", "mobile", "access_keys", "alt_text")},
            text=FEATURE_TEXT,
            banners=[{"href": self.section_path(s), "src": self.banner_path(s)}
                     for s in self.sections_at("sidebar_image")],
            footer=[{"label": s.name, "href": self.section_path(s)}
                    for s in self.sections_at("footer")],
            sitemap_href=self.page_path("so-do"), **context)

    def _static_links(self) -> list[dict]:
        return [{"label": STATIC_PAGES[kind], "href": self.page_path(kind)}
                for kind in STATIC_PAGES if kind != "so-do" and self.page_available(kind)]

    def _home(self) -> str:
        general = next((s for s in self.agency.sections if s.general), None)
        latest = []
        if general:
            latest = [self._news_row(general, p) for p in general.posts[:6]]
        return self._render(
            "home.html", "Trang chủ", [], feeds=[general] if general else [],
            latest=latest, general=general and {"label": general.name,
                                                 "href": self.section_path(general)},
            quick_links=self._static_links(),
            video=self.VIDEO if self.feature("multimedia") else None,
            admin_feedback=self.feature("administrative_feedback"),
            legal_db=self.feature("legal_db_link"))

    def _news_row(self, section: Section, post: Post) -> dict:
        return {"href": self.post_path(section, post), "title": post.title, "lead": post.lead,
                "date": listing_date(post.published) if section.listing_dates else None,
                "image": self.image_path(post) if post.image else None,
                "alt": post.title if self.feature("alt_text") else ""}

    def _pager(self, section: Section, page: int) -> list[dict]:
        total = len(self.chunks(section))
        if total <= 1:
            return []
        wanted = {1, total} | set(range(max(1, page - 2), min(total, page + 2) + 1))
        items = []
        if page > 1:
            items.append({"label": "Trang trước", "href": self.section_path(section, page - 1),
                          "rel": "prev"})
        previous = 0
        for number in sorted(wanted):
            if number - previous > 1:
                items.append({"label": "...", "href": None})
            items.append({"label": str(number), "active": number == page,
                          "href": None if number == page else self.section_path(section, number)})
            previous = number
        if page < total:
            items.append({"label": "Trang sau", "href": self.section_path(section, page + 1),
                          "rel": "next"})
        return items

    def _listing(self, section: Section, page: int, args) -> str:
        posts = list(self.chunks(section)[page - 1])
        context: dict = {"section": section, "page": page, "pager": self._pager(section, page)}
        if section.layout == "documents":
            filtered = self._filter_documents(section, args) if page == 1 else None
            if filtered is not None:
                posts, context["pager"] = filtered, []
                context["filtered"] = True
            context.update(self._documents(section, posts))
        elif section.layout == "qa":
            context["questions"] = [{
                "href": self.post_path(section, p), "title": p.title,
                "asker": p.extra.get("asker", ""), "lead": p.lead,
                "date": listing_date(p.published) if section.listing_dates else None,
                "answered": bool(p.extra.get("answered")), "answer": p.extra.get("answer", "")}
                for p in posts]
        else:
            context["rows"] = [self._news_row(section, p) for p in posts]
        title = section.name if page == 1 else f"{section.name} - Trang {page}"
        crumbs = [{"label": section.name, "href": self.section_path(section)}]
        return self._render("listing.html", title, crumbs, feeds=[section], **context)

    def _document_values(self, post: Post) -> dict[str, str]:
        effective = post.extra.get("effective")
        return {"so_ky_hieu": post.extra.get("number", ""),
                "ngay_ban_hanh": fmt_dmy(post.published),
                "trich_yeu": post.title, "co_quan_ban_hanh": post.extra.get("issuer", ""),
                "hinh_thuc": post.extra.get("doc_type", ""),
                "ngay_hieu_luc": fmt_dmy(effective) if effective else "",
                "file": post.extra.get("file", "")}

    def _facet_value(self, facet: str, post: Post) -> str:
        if facet == "legal_by_date":
            return str(post.published.year)
        key = {"legal_by_field": "field", "legal_by_issuer": "issuer", "legal_by_type": "doc_type"}
        return str(post.extra.get(key[facet], ""))

    def _filter_documents(self, section: Section, args) -> list[Post] | None:
        posts, used = list(section.posts), False
        for facet, param in FACET_PARAMS.items():
            if self.feature(facet) and args.get(param):
                used = True
                posts = [p for p in posts if slugify(self._facet_value(facet, p)) == args[param]]
        if self.feature("document_search") and "q" in args:
            used = True
            needle = args["q"].strip().lower()
            posts = [p for p in posts if needle in p.title.lower()
                     or needle in str(p.extra.get("number", "")).lower()]
        return posts if used else None

    def _documents(self, section: Section, posts: list[Post]) -> dict:
        present = self.agency.fields.get("van-ban", [])
        columns = [(name, label) for name, label in FIELD_LABELS["van-ban"].items()
                   if name in present and not (not section.listing_dates
                                               and name in ("ngay_ban_hanh", "ngay_hieu_luc"))]
        download = self.feature("legal_download")
        rows = []
        for post in posts:
            values = self._document_values(post)
            has_file = download and bool(post.extra.get("file"))
            rows.append({"href": self.post_path(section, post), "cells": values,
                         "file": self.file_path(post) if has_file else None})
        base = self.section_path(section)
        facets = []
        for facet, label in LEGAL_FACETS.items():
            if self.feature(facet):
                values = sorted({self._facet_value(facet, p) for p in section.posts} - {""})
                facets.append({"label": label, "links": [
                    {"label": v, "href": f"{base}?{FACET_PARAMS[facet]}={slugify(v)}"}
                    for v in values]})
        link_column = next((c for c in ("trich_yeu", "so_ky_hieu") if c in dict(columns)), None)
        file_column = "file" in dict(columns)
        return {"columns": columns, "documents": rows, "facets": facets,
                "link_column": link_column, "file_column": file_column,
                "extra_column": link_column is None or (download and not file_column),
                "search": self.feature("document_search"),
                "search_action": base, "legal_db": self.feature("legal_db_link"),
                "legal_db_href": FEATURE_TEXT["legal_db_href"]}

    def _article(self, section: Section, post: Post) -> str:
        index = self._index[section.key]
        context = {"section": section, "post": post,
                   "date": article_date(post.published, padded=index % 2 == 0),
                   "image": self.image_path(post) if post.image else None,
                   "alt": post.title if self.feature("alt_text") else "",
                   "tts": self.feature("text_to_speech"), "details": [], "file": None,
                   "answer": None}
        if section.layout == "documents":
            values = self._document_values(post)
            present = self.agency.fields.get("van-ban", [])
            context["details"] = [(label, values[name])
                                  for name, label in FIELD_LABELS["van-ban"].items()
                                  if name in present and name not in ("trich_yeu", "file")]
            if self.feature("legal_download") and post.extra.get("file"):
                context["file"] = self.file_path(post)
        elif section.layout == "qa":
            context["asker"] = post.extra.get("asker", "")
            if post.extra.get("answered"):
                answered_on = post.extra.get("answered_on")
                context["answer"] = {"text": post.extra.get("answer", ""),
                                     "date": fmt_dmy(answered_on) if answered_on else ""}
        crumbs = [{"label": section.name, "href": self.section_path(section)}]
        return self._render("article.html", post.title, crumbs, **context)

    def _rss(self, section: Section) -> str:
        items = [{"title": p.title, "link": self.post_path(section, p), "lead": p.lead,
                  "guid": f"{section.key}-{p.id}", "date": rfc822(p.published)}
                 for p in self.chunks(section)[0]]
        return _ENV.get_template("rss.xml").render(
            agency=self.agency, section=section, link=self.section_path(section), items=items,
            generator=GENERATOR)

    # -- static pages ----------------------------------------------------------------------
    def _labelled(self, field_set: str, values: dict[str, str]) -> list[tuple[str, str]]:
        present = self.agency.fields.get(field_set, [])
        return [(label, values.get(name, "")) for name, label in FIELD_LABELS[field_set].items()
                if name in present]

    def _person(self, field_set: str, person) -> list[tuple[str, str]]:
        return self._labelled(field_set, {
            "ho_ten": person.name, "chuc_vu": person.title, "dien_thoai": person.phone,
            "email": person.email, "nhiem_vu": person.duty, "don_vi": person.unit})

    def _static(self, kind: str) -> str:
        title = STATIC_PAGES[kind]
        agency = self.agency
        context: dict = {"kind": kind}
        if kind == "gioi-thieu":
            context["blocks"] = self._labelled("gioi-thieu", agency.intro)
        elif kind == "co-cau-to-chuc":
            context["blocks"] = [(label, value) for label, value in
                                 self._labelled("gioi-thieu", agency.intro)
                                 if label == FIELD_LABELS["gioi-thieu"]["co_cau_to_chuc"]]
        elif kind == "lanh-dao":
            context["people"] = [self._person("lanh-dao", p) for p in agency.leaders]
            if self.field_present("lanh-dao", "nguoi_phat_ngon") and agency.leaders:
                context["spokesperson"] = (FIELD_LABELS["lanh-dao"]["nguoi_phat_ngon"],
                                           agency.leaders[0].name)
        elif kind == "lien-he":
            return self._contact(sent=False)
        elif kind == "duong-day-nong":
            context["hotline"] = agency.contact.get("hotline", "")
        elif kind == "danh-ba":
            present = agency.fields.get("can-bo", [])
            context["columns"] = [label for name, label in FIELD_LABELS["can-bo"].items()
                                  if name in present]
            context["directory"] = [[value for _, value in self._person("can-bo", p)]
                                    for p in agency.directory]
        elif kind == "thu-tuc":
            context.update(self._procedures_context())
        elif kind == "du-an":
            context.update(self._projects_context())
        elif kind == "gop-y":
            title = "Lấy ý kiến người dân"
            context.update(self._opinion_context())
        elif kind == "so-do":
            context["sections"] = [{"label": s.name, "href": self.section_path(s)}
                                   for s in agency.sections]
            context["pages"] = self._static_links()
        crumbs = [{"label": title, "href": self.page_path(kind)}]
        return self._render("static.html", title, crumbs, **context)

    def _contact(self, sent: bool) -> str:
        contact = self.agency.contact
        values = {"dia_chi": contact.get("address", ""), "dien_thoai": contact.get("phone", ""),
                  "fax": contact.get("fax", ""), "email": contact.get("email", "")}
        title = STATIC_PAGES["lien-he"]
        return self._render("static.html", title,
                            [{"label": title, "href": self.page_path("lien-he")}],
                            kind="lien-he", blocks=self._labelled("lien-he", values),
                            form=self.feature("feedback_form"), sent=sent,
                            action=self.page_path("lien-he"))

    def _procedures_context(self) -> dict:
        procedures = [{"code": p.code, "name": p.name, "level": p.level, "field": p.field,
                       "href": self.procedure_path(p)} for p in self.agency.procedures]
        groups = []
        if self.feature("tthc_by_field"):
            for field in sorted({p["field"] for p in procedures}):
                groups.append({"heading": f"Lĩnh vực: {field}",
                               "items": [p for p in procedures if p["field"] == field]})
        else:
            groups.append({"heading": None, "items": procedures})
        return {"groups": groups,
                "announcement": (self.ANNOUNCEMENT if self.feature("tthc_announcement_download")
                                 else None),
                "tthc_feedback": self.feature("tthc_feedback")}

    def _procedure(self, procedure: Procedure) -> str:
        rows = [(FIELD_LABELS["thu-tuc"][name],
                 PROCEDURE_DETAILS[name].format(agency=self.agency.name))
                for name in FIELD_LABELS["thu-tuc"] if name in procedure.details]
        crumbs = [{"label": STATIC_PAGES["thu-tuc"], "href": self.page_path("thu-tuc")},
                  {"label": procedure.name, "href": self.procedure_path(procedure)}]
        return self._render("static.html", procedure.name, crumbs, kind="thu-tuc-chi-tiet",
                            procedure=procedure, blocks=rows)

    def _projects_context(self) -> dict:
        shown = self.agency.fields.get("du-an")
        projects = []
        for project in self.agency.projects:
            rows = [(label, project.fields[name]) for name, label in FIELD_LABELS["du-an"].items()
                    if name in project.fields and (shown is None or name in shown)]
            projects.append({"name": project.name, "rows": rows, "stage": project.stage,
                             "updated": fmt_dmy(project.updated)})
        if self.feature("project_classification"):
            groups = [{"heading": f"Dự án {stage}", "items": [p for p in projects
                                                             if p["stage"] == stage]}
                      for stage in STAGES]
            groups = [g for g in groups if g["items"]]
            groups += [{"heading": "Dự án khác", "items": [p for p in projects
                                                         if p["stage"] not in STAGES]}]
            groups = [g for g in groups if g["items"]]
        else:
            groups = [{"heading": None, "items": projects}]
        return {"groups": groups}

    def _opinion_context(self) -> dict:
        as_of = self.province.as_of
        opened = as_of - timedelta(days=20)
        values = {"toan_van": self.DRAFT,
                  "thoi_han": f"{fmt_dmy(opened)} - {fmt_dmy(as_of + timedelta(days=10))}",
                  "xem_gop_y": "#y-kien", "gui_gop_y": "#gui",
                  "dia_chi_tiep_nhan": self.agency.contact.get("email", "")}
        present = self.agency.fields.get("gop-y", [])
        rows = [{"name": name, "label": label, "value": values[name]}
                for name, label in FIELD_LABELS["gop-y"].items() if name in present]
        title = f"Quy chế quản lý cổng thông tin của {self.agency.name}"
        return {"opinion": {"title": title,
                            "rows": rows}}
