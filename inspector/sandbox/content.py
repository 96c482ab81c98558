"""What the simulated platforms share besides their markup: stub files, wording, page contents."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta

from markupsafe import Markup
from werkzeug.wrappers import Response

from .model import Post, Procedure, Section
from .portal import (FEATURE_TEXT, FIELD_LABELS, STATIC_PAGES, Portal, answered_on,
                     contact_values, document_values, esc, facet_value, fmt_dmy, person_values,
                     slugify)

# -- stub files ----------------------------------------------------------------------------------
# The portals link real-looking files; a crawler checks that they answer with the right type,
# so a few valid bytes are enough.
MIME_TYPES = {"pdf": "application/pdf", "doc": "application/msword",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "png": "image/png", "mp4": "video/mp4"}

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
# A PDF whose catalog has no page tree, and one with an empty page tree.
BARE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # how a legacy .doc file starts
DOC = OLE_MAGIC + b"\x00" * 56


def png_1x1(pixel: bytes = b"\x80", level: int = -1) -> bytes:
    """A valid 1×1 PNG of one grey byte (or three RGB bytes), the same bytes every time.

    ``level`` is zlib's: platforms differ in it, and their served bytes must not change."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    colour_type = 2 if len(pixel) == 3 else 0
    header = struct.pack(">IIBBBBB", 1, 1, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" + pixel, level)) + chunk(b"IEND", b""))


def attachment_bytes(name: str) -> bytes:
    """A legal document's attachment: the stub PDF, or an OLE-looking file named inside."""
    return PDF if name.lower().endswith(".pdf") else OLE_MAGIC[:4] + name.encode()


# -- filler wording ------------------------------------------------------------------------------
# Neutral wording of each procedure detail: no other field's keyword in it, so a page shows
# exactly the details present.
PROCEDURE_DETAILS = {
    "trinh_tu": ("Bước 1: nộp đơn tại Bộ phận Một cửa. "
                 "Bước 2: nhận kết quả theo giấy hẹn."),
    "thanh_phan_ho_so": "Đơn đề nghị theo mẫu; bản sao giấy tờ có liên quan.",
    "noi_tiep_nhan": "Bộ phận Một cửa của {agency}.",
    "nguoi_xu_ly": "Chuyên viên được giao thụ lý.",
    "thoi_han": "10 ngày làm việc.",
    "phi_le_phi": "50.000 đồng.",
}

# What a consultation page says while no opinion on the draft is published.
NO_OPINIONS_YET = "Chưa có ý kiến nào được công khai."

# Project stages, in the order a classified projects page lists them.
STAGES = ("chuẩn bị đầu tư", "đang triển khai", "hoàn thành")


def stage_groups(projects: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """Projects (dicts with a "stage") under each known stage, then the others under None;
    empty groups left out."""
    groups = [(stage, [p for p in projects if p["stage"] == stage]) for stage in STAGES]
    groups.append((None, [p for p in projects if p["stage"] not in STAGES]))
    return [(stage, items) for stage, items in groups if items]


# -- pages of the themed portals -----------------------------------------------------------------
class ThemedPortal(Portal):
    """A portal drawn by a CMS theme (Drupal, NukeViet): what each page shows, as the context its
    templates read ({"label", "href"} links, (label, value) rows).

    A subclass gives the URLs (``section_path(section)``, ``procedure_path(procedure)``,
    ``image_path``, ``file_path``, ``banner_path`` and the file paths below), the listing date
    format and ``_render(template, title, crumbs, *, feeds, **context)``; it adds its own marks
    (body classes, node ids, article dates) to what the ``_…_page`` methods return."""

    LOGO = VIDEO = ANNOUNCEMENT = DRAFT = ""
    FACET_PARAMS: dict[str, str] = {}     # document facet → query parameter
    SEARCH_PARAM = ""                     # query parameter of the document search
    # file type → the bytes served for every file of that type
    FILES = {"png": png_1x1(level=9), "pdf": BARE_PDF, "doc": DOC, "mp4": MP4}

    def listing_date(self, moment: datetime) -> str:
        raise NotImplementedError

    def _render(self, template: str, title: str, crumbs: list, *, feeds=(), **context) -> str:
        raise NotImplementedError

    # -- files -----------------------------------------------------------------------------
    def _file_types(self) -> dict[str, str]:
        """Path → type (a key of FILES) of every file the pages link."""
        files = {self.LOGO: "png", self.VIDEO: "mp4", self.ANNOUNCEMENT: "pdf", self.DRAFT: "pdf"}
        for section in self.agency.sections:
            files[self.banner_path(section)] = "png"
            for post in section.posts:
                if post.image:
                    files[self.image_path(post)] = "png"
                if section.layout == "documents" and post.extra.get("file"):
                    path = self.file_path(post)
                    files[path] = "doc" if path.endswith(".doc") else "pdf"
        return files

    def _file(self, kind: str) -> Response:
        return Response(self.FILES[kind], mimetype=MIME_TYPES[kind])

    # -- layout ----------------------------------------------------------------------------
    def _menu(self, heading_href: str | None) -> list[dict]:
        """The main menu: introduction, the submenu sections under "Tin tức" (a heading linked to
        ``heading_href``), the menu sections, contact."""
        menu = [{"label": "Giới thiệu", "href": self.page_path("gioi-thieu"), "children": []}]
        submenu = self.sections_at("submenu")
        if submenu:
            menu.append({"label": "Tin tức", "href": heading_href, "children": [
                {"label": s.name, "href": self.section_path(s)} for s in submenu]})
        menu += [{"label": s.name, "href": self.section_path(s), "children": []}
                 for s in self.sections_at("menu")]
        if self.dead_menu_link():
            label, href = self.dead_menu_link()
            menu.append({"label": label, "href": href, "children": []})
        menu.append({"label": "Liên hệ", "href": self.page_path("lien-he"), "children": []})
        return menu

    def _layout(self, feeds) -> dict:
        """What every page's frame shows besides the menu: feeds, widgets, banners, footer."""
        return {
            "agency": self.agency, "text": FEATURE_TEXT,
            "feeds": ([{"title": s.name, "href": self.rss_path(s)} for s in feeds]
                      if self.feature("rss") else []),
            "f": {name: self.feature(name) for name in (
                "font_size", "contrast", "text_to_speech", "mobile", "access_keys", "alt_text")},
            "banners": [{"href": self.section_path(s), "src": self.banner_path(s)}
                        for s in self.sections_at("sidebar_image")],
            "footer": [{"label": s.name, "href": self.section_path(s)}
                       for s in self.sections_at("footer")],
            "sitemap_href": self.page_path("so-do")}

    def _static_links(self) -> list[dict]:
        return [{"label": STATIC_PAGES[kind], "href": self.page_path(kind)}
                for kind in self.available_pages() if kind != "so-do"]

    # -- pages: each returns the arguments of _render ----------------------------------------
    def _home_page(self) -> dict:
        general = next((s for s in self.agency.sections if s.general), None)
        latest = [self._news_row(general, p) for p in general.posts[:6]] if general else []
        return {"template": "home.html", "title": "Trang chủ", "crumbs": [],
                "feeds": [general] if general else [], "latest": latest,
                "general": general and {"label": general.name, "href": self.section_path(general)},
                "quick_links": self._static_links(),
                "video": self.VIDEO if self.feature("multimedia") else None,
                "admin_feedback": self.feature("administrative_feedback"),
                "legal_db": self.feature("legal_db_link")}

    def _news_row(self, section: Section, post: Post) -> dict:
        return {"href": self.post_path(section, post), "title": post.title, "lead": post.lead,
                "date": self.listing_date(post.published) if section.listing_dates else None,
                "image": self.image_path(post) if post.image else None,
                "alt": post.title if self.feature("alt_text") else ""}

    def _listing_rows(self, section: Section, posts, args) -> dict:
        """The posts of a listing page as its layout shows them; a documents section's first
        page (``args`` given) may be narrowed by facets and search ("filtered")."""
        if section.layout == "documents":
            filtered = self._filter_documents(section, args) if args is not None else None
            return {**self._documents(section, posts if filtered is None else filtered),
                    "filtered": filtered is not None}
        if section.layout == "qa":
            return {"questions": [{
                "href": self.post_path(section, p), "title": p.title,
                "asker": p.extra.get("asker", ""), "lead": p.lead,
                "date": self.listing_date(p.published) if section.listing_dates else None,
                "answered": bool(p.extra.get("answered")), "answer": p.extra.get("answer", "")}
                for p in posts]}
        return {"rows": [self._news_row(section, p) for p in posts]}

    def _filter_documents(self, section: Section, args) -> list[Post] | None:
        wanted = {facet: args.get(param) for facet, param in self.FACET_PARAMS.items()}
        return self.filter_documents(section, wanted, args.get(self.SEARCH_PARAM),
                                     normalise=slugify)

    def _documents(self, section: Section, posts) -> dict:
        columns = self.document_columns(section)
        download = self.feature("legal_download")
        rows = [{"href": self.post_path(section, post), "cells": document_values(post),
                 "file": self.file_path(post) if download and post.extra.get("file") else None}
                for post in posts]
        base = self.section_path(section)
        facets = [{"label": label, "links": [
            {"label": v, "href": f"{base}?{self.FACET_PARAMS[facet]}={slugify(v)}",
             "count": sum(facet_value(facet, p) == v for p in section.posts)} for v in values]}
            for facet, label, values in self.document_facets(section)]
        link_column = next((c for c in ("trich_yeu", "so_ky_hieu") if c in dict(columns)), None)
        file_column = "file" in dict(columns)
        return {"columns": columns, "documents": rows, "facets": facets,
                "link_column": link_column, "file_column": file_column,
                "extra_column": link_column is None or (download and not file_column),
                "search": self.feature("document_search"), "search_action": base,
                "legal_db": self.feature("legal_db_link"),
                "legal_db_href": FEATURE_TEXT["legal_db_href"]}

    def _article_page(self, section: Section, post: Post) -> dict:
        page = {"template": "article.html", "title": post.title,
                "crumbs": [{"label": section.name, "href": self.section_path(section)}],
                "section": section, "post": post,
                "image": self.image_path(post) if post.image else None,
                "alt": post.title if self.feature("alt_text") else "",
                "tts": self.feature("text_to_speech"), "details": [], "file": None,
                "answer": None, "asker": None}
        if section.layout == "documents":
            values = document_values(post)
            page["details"] = [(label, values[name]) for name, label
                               in self.present_fields("van-ban")
                               if name not in ("trich_yeu", "file")]
            if self.feature("legal_download") and post.extra.get("file"):
                page["file"] = self.file_path(post)
        elif section.layout == "qa":
            page["asker"] = post.extra.get("asker", "")
            if post.extra.get("answered"):
                page["answer"] = {"text": post.extra.get("answer", ""), "date": answered_on(post)}
        return page

    def _static_page(self, kind: str, *, sent: bool = False) -> dict:
        """An information page (``sent``: the contact page after its form was posted)."""
        agency = self.agency
        title = STATIC_PAGES[kind]
        page: dict = {"template": "static.html", "kind": kind}
        if kind in ("gioi-thieu", "co-cau-to-chuc"):
            page["blocks"] = self.intro_rows(kind)
        elif kind == "lanh-dao":
            page["people"] = [self.field_rows("lanh-dao", person_values(p))
                              for p in agency.leaders]
            if self.spokesperson():
                page["spokesperson"] = (FIELD_LABELS["lanh-dao"]["nguoi_phat_ngon"],
                                        self.spokesperson())
        elif kind == "lien-he":
            page.update(blocks=self.field_rows("lien-he", contact_values(agency.contact)),
                        form=self.feature("feedback_form"), sent=sent,
                        action=self.page_path("lien-he"))
        elif kind == "duong-day-nong":
            page["hotline"] = agency.contact.get("hotline", "")
        elif kind == "danh-ba":
            page["columns"] = [label for _, label in self.present_fields("can-bo")]
            page["directory"] = [[value for _, value in
                                  self.field_rows("can-bo", person_values(p))]
                                 for p in agency.directory]
        elif kind == "thu-tuc":
            page.update(self._procedure_list())
        elif kind == "du-an":
            page["groups"] = self._project_groups()
        elif kind == "gop-y":
            title = "Lấy ý kiến người dân"
            page["opinion"] = self._opinion()
        elif kind == "so-do":
            page["sections"] = [{"label": s.name, "href": self.section_path(s)}
                                for s in agency.sections]
            page["pages"] = self._static_links()
        return {**page, "title": title, "crumbs": [{"label": title, "href": self.page_path(kind)}]}

    def _procedure_list(self) -> dict:
        """The procedures list: under "Lĩnh vực: …" headings in field order when grouped."""
        procedures = [{"code": p.code, "name": p.name, "level": p.level, "field": p.field,
                       "href": self.procedure_path(p)} for p in self.agency.procedures]
        if self.feature("tthc_by_field"):
            groups = [{"heading": f"Lĩnh vực: {field}",
                       "items": [p for p in procedures if p["field"] == field]}
                      for field in sorted({p["field"] for p in procedures})]
        else:
            groups = [{"heading": None, "items": procedures}]
        return {"groups": groups,
                "announcement": (self.ANNOUNCEMENT if self.feature("tthc_announcement_download")
                                 else None),
                "tthc_feedback": self.feature("tthc_feedback")}

    def _project_groups(self) -> list[dict]:
        shown = self.agency.fields.get("du-an")
        projects = [{"name": p.name, "rows": self.project_rows(p, shown), "stage": p.stage,
                     "updated": fmt_dmy(p.updated)} for p in self.agency.projects]
        if not self.feature("project_classification"):
            return [{"heading": None, "items": projects}]
        return [{"heading": f"Dự án {stage or 'khác'}", "items": items}
                for stage, items in stage_groups(projects)]

    def _opinion(self) -> dict:
        """The draft under consultation: its title and the gop-y rows present."""
        as_of = self.province.as_of
        values = {"toan_van": self.DRAFT,
                  "thoi_han": f"{fmt_dmy(as_of - timedelta(days=20))} - "
                              f"{fmt_dmy(as_of + timedelta(days=10))}",
                  "xem_gop_y": "#y-kien", "gui_gop_y": "#gui",
                  "dia_chi_tiep_nhan": self.agency.contact.get("email", "")}
        return {"title": f"Quy chế quản lý cổng thông tin của {self.agency.name}",
                "rows": [{"name": name, "label": label, "value": values[name]}
                         for name, label in self.present_fields("gop-y")]}

    def _procedure_page(self, procedure: Procedure) -> dict:
        return {"template": "static.html", "title": procedure.name,
                "crumbs": [{"label": STATIC_PAGES["thu-tuc"], "href": self.page_path("thu-tuc")},
                           {"label": procedure.name, "href": self.procedure_path(procedure)}],
                "kind": "thu-tuc-chi-tiet", "procedure": procedure,
                "blocks": self.procedure_rows(procedure, PROCEDURE_DETAILS)}


# -- pages of the enterprise portal servers -----------------------------------------------------
class EnterprisePortal(Portal):
    """A portal on an enterprise portal server (Liferay, SharePoint): what its information pages
    show, as the context its templates read ({"text", "href"} links, (label, value) rows).

    A subclass gives the URLs (``section_href(section)``: a section's link,
    ``procedure_path(code)``, ``announcement_href()``), ``_chrome()`` whose "menu" the site map
    repeats, its file links (``_file_link(post)``), the leaders and staff pages
    (``_people(kind)``) and the draft consultation's values (``_draft_values()``)."""

    DRAFT_NAME = ""                       # the title of the draft under consultation

    def section_href(self, section: Section) -> str:
        raise NotImplementedError

    def announcement_href(self) -> str:
        raise NotImplementedError

    def _chrome(self) -> dict:
        raise NotImplementedError

    def _people(self, kind: str) -> dict:
        raise NotImplementedError

    def _draft_values(self) -> dict[str, str]:
        raise NotImplementedError

    def _file_link(self, post: Post) -> Markup:
        raise NotImplementedError

    def _alt(self, post: Post) -> str:
        return post.title if self.feature("alt_text") else ""

    def _document_value(self, post: Post, name: str, link: str | None) -> Markup:
        """A van-ban value in a table cell: the title linked to ``link`` when given, the file by
        the platform's own link, the others as text."""
        if name == "trich_yeu" and link:
            return Markup(f'<a href="{esc(link)}">{esc(post.title)}</a>')
        if name == "file":
            return self._file_link(post)
        return Markup(esc(document_values(post).get(name, "")))

    def _home_links(self) -> list[dict[str, str]]:
        """Every served information page, then the national sites the features link."""
        return ([{"text": self.page_title(k), "href": self.page_path(k)}
                 for k in self.available_pages()] + self.outside_links())

    def _page_context(self, kind: str, *, posted: bool) -> dict:
        """What an information page shows (``posted``: after its form was sent)."""
        agency = self.agency
        context: dict = {"title": self.page_title(kind), "kind": kind, "posted": posted,
                         "breadcrumb": self.page_title(kind), "page_url": self.page_path(kind)}
        if kind in ("gioi-thieu", "co-cau-to-chuc"):
            context["rows"] = self.intro_rows(kind, missing="Đang cập nhật.")
        elif kind in ("lanh-dao", "danh-ba"):
            context.update(self._people(kind))
        elif kind == "lien-he":
            context["rows"] = self.field_rows("lien-he", contact_values(agency.contact))
            context["form"] = self.feature("feedback_form")
            context["form_text"] = FEATURE_TEXT["feedback_form"]
        elif kind == "duong-day-nong":
            context["hotline"] = agency.contact.get("hotline", "")
        elif kind == "thu-tuc":
            context["groups"] = [(field, [{"code": p.code, "name": p.name, "level": p.level,
                                           "href": self.procedure_path(p.code)}
                                          for p in procedures])
                                 for field, procedures in self.procedure_groups()]
            context["announcement"] = (self.announcement_href()
                                       if self.feature("tthc_announcement_download") else "")
            context["announcement_text"] = FEATURE_TEXT["tthc_announcement_download"]
            context["feedback"] = (FEATURE_TEXT["tthc_feedback"] if self.feature("tthc_feedback")
                                   else "")
        elif kind == "du-an":
            context["groups"] = self._project_groups()
        elif kind == "gop-y":
            context.update(rows=self.field_rows("gop-y", self._draft_values()),
                           draft=self.DRAFT_NAME, form=self.field_present("gop-y", "gui_gop_y"))
        elif kind == "so-do":
            context.update(self._sitemap())
        return context

    def _project_groups(self) -> list[tuple[str, list[dict]]]:
        """(stage heading, projects) when classified, else all under ''; nothing if none."""
        projects = [{"name": p.name, "rows": self.project_rows(p), "stage": p.stage,
                     "updated": fmt_dmy(p.updated)} for p in self.agency.projects]
        if not self.feature("project_classification"):
            return [("", projects)] if projects else []
        return [(stage[:1].upper() + stage[1:] if stage else "Khác", items)
                for stage, items in stage_groups(projects)]

    def _sitemap(self) -> dict:
        """The site map: the menu tree, the other served pages and the footer sections; and the
        sections linked from nowhere else."""
        tree = [item for item in self._chrome()["menu"] if item["href"] != self.page_path("so-do")]
        in_menu = {"gioi-thieu", "co-cau-to-chuc", "lanh-dao", "danh-ba", "thu-tuc", "lien-he",
                   "so-do"}
        tree += [{"text": self.page_title(k), "href": self.page_path(k), "children": []}
                 for k in self.available_pages() if k not in in_menu]
        tree += [{"text": s.name, "href": self.section_href(s), "children": []}
                 for s in self.sections_at("footer")]
        hidden = [{"text": s.name, "href": self.section_href(s)}
                  for s in self.sections_at("sitemap_only")]
        return {"tree": tree, "hidden": hidden}
