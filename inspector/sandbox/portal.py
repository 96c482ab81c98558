"""The base of every simulated agency portal: what a platform must render, and the content that
all platforms share (labels of the information pages, feature widgets' wording, field values).

A platform module (``inspector/sandbox/platforms/<name>.py``) subclasses `Portal`, decides its own
URLs and markup, and answers requests. The meaning of what is shown comes from the `Agency`
model; only the markup, the URLs, the date formats and the pagination differ between platforms.

Field labels are shown in a page's main content only; menus, headers and footers may hold
words that are also field keywords (a footer link "Lấy ý kiến dự thảo văn bản"), so a field
check reads the main content block.

Feature contract (what "present" means on every platform; absent = not rendered at all, except
alt_text and mobile whose absence is visible as described):

==========================  =================================================================
feature                     rendered when present
==========================  =================================================================
font_size                   two controls labelled "A+" / "A-" titled "Tăng cỡ chữ" / "Giảm cỡ chữ"
text_to_speech              a control "Đọc bài viết" on every article page
contrast                    a control "Tương phản cao" (switches a CSS class)
access_keys                 ``accesskey`` attributes on the main menu links
alt_text                    every illustration (post images) has a non-empty alt; absent:
                            illustrations have alt="". Sidebar banners that stand for a section
                            keep alt="" on every portal (as on real ones), so an alt-text check
                            judges illustrations, not image-only navigation links
help_text_alternatives      a "Trợ giúp" page explaining the text alternatives of images
multimedia                  a "Video" block with a <video> element on the home page
mobile                      <meta name="viewport" content="width=device-width, initial-scale=1">
                            and a fluid layout; absent: no viewport meta, body min-width 1100px
legal_download              a file link (.pdf/.doc) on each legal document row
legal_by_field/date/        facet links above the legal document table: "Lĩnh vực",
 issuer/type                "Năm ban hành", "Cơ quan ban hành", "Loại văn bản"
legal_db_link               a link "Cơ sở dữ liệu quốc gia về văn bản pháp luật" (vbpl.vn)
document_search             a search form on the legal documents page ("Tìm kiếm văn bản")
feedback_form               a "Gửi ý kiến" form (name, e-mail, content) on the contact page
administrative_feedback     a link "Phản ánh, kiến nghị về quy định hành chính"
hotline                     a page "Đường dây nóng" with the hotline number
tthc_announcement_download  on the TTHC page, "Quyết định công bố bộ TTHC" with a .pdf link
tthc_by_field               the TTHC list grouped under "Lĩnh vực: …" headings
tthc_feedback               a link "Phản ánh, kiến nghị về thủ tục hành chính"
project_classification      the projects page grouped by stage
rss                         <link rel="alternate" type="application/rss+xml"> and a feed
accessibility_helpers       derived: font_size or text_to_speech or contrast
==========================  =================================================================
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Callable, Collection

from .model import Agency, Person, Post, Procedure, Project, Province, Section

# Static information pages every platform serves (kind → Vietnamese title).
STATIC_PAGES = {
    "gioi-thieu": "Giới thiệu chung",
    "co-cau-to-chuc": "Cơ cấu tổ chức",
    "lanh-dao": "Lãnh đạo",
    "lien-he": "Liên hệ",
    "duong-day-nong": "Đường dây nóng",
    "danh-ba": "Danh bạ cán bộ",
    "thu-tuc": "Thủ tục hành chính",
    "du-an": "Dự án đầu tư",
    "gop-y": "Lấy ý kiến dự thảo văn bản",
    "tro-giup": "Trợ giúp",
    "so-do": "Sơ đồ cổng",
}

# The label each field of a field set is shown under (it holds one of the set's keywords from
# checklists/topics.yaml, and nothing else of the set's vocabulary).
FIELD_LABELS = {
    "gioi-thieu": {"co_cau_to_chuc": "Cơ cấu tổ chức", "chuc_nang_nhiem_vu": "Chức năng, nhiệm vụ",
                   "lich_su": "Lịch sử hình thành", "dieu_kien_tu_nhien": "Điều kiện tự nhiên",
                   "ban_do": "Bản đồ hành chính"},
    "lanh-dao": {"ho_ten": "Họ và tên", "chuc_vu": "Chức vụ", "dien_thoai": "Điện thoại",
                 "email": "Email", "nhiem_vu": "Lĩnh vực phụ trách",
                 "nguoi_phat_ngon": "Người phát ngôn"},
    "lien-he": {"dia_chi": "Địa chỉ", "dien_thoai": "Điện thoại", "fax": "Fax",
                "email": "Email"},
    "can-bo": {"ho_ten": "Họ và tên", "chuc_vu": "Chức vụ", "don_vi": "Đơn vị",
               "dien_thoai": "Điện thoại", "email": "Email"},
    "thu-tuc": {"trinh_tu": "Trình tự thực hiện", "thanh_phan_ho_so": "Thành phần hồ sơ",
                "noi_tiep_nhan": "Nơi tiếp nhận", "nguoi_xu_ly": "Người xử lý",
                "thoi_han": "Thời hạn giải quyết", "phi_le_phi": "Lệ phí"},
    "gop-y": {"toan_van": "Toàn văn dự thảo", "thoi_han": "Thời hạn lấy ý kiến",
              "xem_gop_y": "Xem góp ý", "gui_gop_y": "Gửi góp ý",
              "dia_chi_tiep_nhan": "Địa chỉ tiếp nhận"},
    "van-ban": {"so_ky_hieu": "Số ký hiệu", "ngay_ban_hanh": "Ngày ban hành",
                "trich_yeu": "Trích yếu", "co_quan_ban_hanh": "Cơ quan ban hành",
                "file": "Tải về", "hinh_thuc": "Loại văn bản", "ngay_hieu_luc": "Ngày hiệu lực"},
    "du-an": {"ten": "Tên dự án", "muc_tieu": "Mục tiêu", "linh_vuc": "Lĩnh vực",
              "loai_du_an": "Nhóm dự án", "thoi_gian": "Thời gian thực hiện",
              "kinh_phi": "Tổng mức đầu tư", "loai_tai_tro": "Loại hình tài trợ",
              "nha_tai_tro": "Nhà tài trợ", "tinh_trang": "Tình trạng"},
}

FEATURE_TEXT = {
    "font_size": ("Tăng cỡ chữ", "Giảm cỡ chữ"),
    "text_to_speech": "Đọc bài viết",
    "contrast": "Tương phản cao",
    "legal_db_link": "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
    "legal_db_href": "https://vbpl.vn/",
    "document_search": "Tìm kiếm văn bản",
    "feedback_form": "Gửi ý kiến",
    "administrative_feedback": "Phản ánh, kiến nghị về quy định hành chính",
    "administrative_feedback_href": "https://pakn.dichvucong.gov.vn/",
    "tthc_announcement_download": "Quyết định công bố bộ TTHC",
    "tthc_feedback": "Phản ánh, kiến nghị về thủ tục hành chính",
    "hotline": "Đường dây nóng",
    "multimedia": "Video",
}

# Where the dead menu link points (never served).
DEAD_LINK = "/tin-tuc-su-kien.html"

LEGAL_FACETS = {"legal_by_field": "Lĩnh vực", "legal_by_date": "Năm ban hành",
                "legal_by_issuer": "Cơ quan ban hành", "legal_by_type": "Loại văn bản"}
# Post.extra key of each legal document facet but the year.
FACET_KEYS = {"legal_by_field": "field", "legal_by_issuer": "issuer", "legal_by_type": "doc_type"}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def slugify(text: str) -> str:
    """ASCII slug of a value (Đ/đ as D/d, accents dropped), as a filter parameter carries it."""
    text = str(text).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class ListingPage:
    """One page of a section's listing as a crawler reaches it.

    ``url`` is the path (with query) relative to the portal's root. A page reached only by a
    form post-back (ASP.NET grids) has ``postback`` = the ``__doPostBack`` (target, argument)
    that a browser sends from the previous page; its url is then the url the form posts to."""

    url: str
    posts: tuple[Post, ...]
    postback: tuple[str, str] | None = None


class Portal:
    """Subclass per platform. ``handle(request)`` answers one request (a werkzeug Request) with a
    werkzeug Response; the server adds the trouble (slow, 503, traps) around it."""

    platform = "base"

    def __init__(self, agency: Agency, province: Province):
        self.agency = agency
        self.province = province

    # -- URLs (paths relative to the portal root, starting with "/") ---------------------
    def home_path(self) -> str:
        raise NotImplementedError

    def listing_pages(self, section: Section) -> list[ListingPage]:
        raise NotImplementedError

    def post_path(self, section: Section, post: Post) -> str:
        raise NotImplementedError

    def page_path(self, kind: str) -> str:
        """The path of a static page (a key of STATIC_PAGES)."""
        raise NotImplementedError

    def rss_path(self, section: Section) -> str | None:
        return None

    # -- serving -------------------------------------------------------------------------
    def handle(self, request):  # -> werkzeug.wrappers.Response
        raise NotImplementedError

    def __call__(self, environ, start_response):
        """WSGI entry point, so a portal can be served or driven by werkzeug's test Client."""
        from werkzeug.wrappers import Request

        return self.handle(Request(environ))(environ, start_response)

    # -- helpers shared by the platforms ---------------------------------------------------
    @staticmethod
    def chunks(section: Section) -> list[tuple[Post, ...]]:
        """The section's posts split into listing pages (at least one page, maybe empty)."""
        size = max(1, section.page_size)
        posts = section.posts
        return [tuple(posts[i:i + size]) for i in range(0, len(posts), size)] or [()]

    def feature(self, name: str) -> bool:
        if name == "accessibility_helpers":
            return any(self.agency.features.get(n) for n in
                       ("font_size", "text_to_speech", "contrast"))
        return bool(self.agency.features.get(name))

    def field_present(self, field_set: str, name: str) -> bool:
        return name in self.agency.fields.get(field_set, [])

    def dead_menu_link(self) -> tuple[str, str] | None:
        """(label, href) of the menu item that leads nowhere on a portal with the dead_link
        trouble, as on the real fixture, whose menu links a news page that was never there."""
        return ("Tin tức sự kiện", DEAD_LINK) if self.agency.has("dead_link") else None

    def sections_at(self, placement: str) -> list[Section]:
        return [s for s in self.agency.sections if s.placement == placement]

    # -- markup-free content of the pages, for the platforms that show it alike --------------
    def page_available(self, kind: str) -> bool:
        """Whether the static page is served: a feature's page only with its feature, the
        organisation page only when the introduction shows the organisation."""
        if kind == "duong-day-nong":
            return self.feature("hotline")
        if kind == "tro-giup":
            return self.feature("help_text_alternatives")
        if kind == "co-cau-to-chuc":
            return self.field_present("gioi-thieu", "co_cau_to_chuc")
        return True

    def available_pages(self) -> list[str]:
        """The static pages served, in STATIC_PAGES order."""
        return [kind for kind in STATIC_PAGES if self.page_available(kind)]

    def page_title(self, kind: str) -> str:
        """A static page's title; a neutral one for the consultation page when it shows no
        draft, as the usual title names the draft (a toan_van keyword)."""
        if kind == "gop-y" and not self.field_present("gop-y", "toan_van"):
            return "Lấy ý kiến nhân dân"
        return STATIC_PAGES[kind]

    def outside_links(self) -> list[dict[str, str]]:
        """{"text", "href"} of the national sites the features link: feedback on regulations,
        the legal documents database."""
        links = {"administrative_feedback": FEATURE_TEXT["administrative_feedback_href"],
                 "legal_db_link": FEATURE_TEXT["legal_db_href"]}
        return [{"text": FEATURE_TEXT[name], "href": href} for name, href in links.items()
                if self.feature(name)]

    def present_fields(self, field_set: str) -> list[tuple[str, str]]:
        """(name, label) of the set's fields the agency shows, in the set's order."""
        present = self.agency.fields.get(field_set, [])
        return [(name, label) for name, label in FIELD_LABELS[field_set].items() if name in present]

    def field_rows(self, field_set: str, values: dict[str, str],
                   missing: str = "") -> list[tuple[str, str]]:
        """(label, value) of the set's fields the agency shows; ``missing`` where no value."""
        return [(label, values.get(name, missing))
                for name, label in self.present_fields(field_set)]

    def intro_rows(self, kind: str, missing: str = "") -> list[tuple[str, str]]:
        """(label, text) of the introduction on a page: every present field on "gioi-thieu",
        the organisation alone on "co-cau-to-chuc"."""
        rows = self.field_rows("gioi-thieu", self.agency.intro, missing)
        if kind == "co-cau-to-chuc":
            label = FIELD_LABELS["gioi-thieu"]["co_cau_to_chuc"]
            rows = [(lab, text) for lab, text in rows if lab == label]
        return rows

    def spokesperson(self) -> str | None:
        """The spokesperson's name (the first leader's) when the leaders page names one."""
        leaders = self.agency.leaders
        if leaders and self.field_present("lanh-dao", "nguoi_phat_ngon"):
            return leaders[0].name
        return None

    def document_columns(self, section: Section) -> list[tuple[str, str]]:
        """(name, label) of the columns of a section's document table: the van-ban fields
        present, without the dates when the listing shows no date. A listing that shows dates
        always shows the document's date, under the neutral "Ngày đăng" when the portal does not
        present it as the date of issue (a field-set check then finds no ngay_ban_hanh)."""
        present = dict(self.present_fields("van-ban"))
        columns = []
        for name in FIELD_LABELS["van-ban"]:
            if name in ("ngay_ban_hanh", "ngay_hieu_luc") and not section.listing_dates:
                continue
            if name in present:
                columns.append((name, present[name]))
            elif name == "ngay_ban_hanh" and section.listing_dates:
                columns.append((name, "Ngày đăng"))
        return columns

    def document_facets(self, section: Section, *,
                        newest_year_first: bool = False) -> list[tuple[str, str, list[str]]]:
        """(facet, label, distinct values in ascending order) of each facet the agency shows."""
        facets = []
        for facet, label in LEGAL_FACETS.items():
            if self.feature(facet):
                values = sorted({facet_value(facet, p) for p in section.posts} - {""})
                if newest_year_first and facet == "legal_by_date":
                    values.reverse()
                facets.append((facet, label, values))
        return facets

    def filter_documents(self, section: Section, wanted: dict[str, str | None],
                         search: str | None, *,
                         normalise: Callable[[str], str] = str) -> list[Post] | None:
        """The section's documents narrowed by facet values (facet → the value asked for, as
        ``normalise`` writes it) and a search of titles and numbers; a facet or the search the
        agency does not show is ignored. None when nothing narrowed them."""
        posts, used = list(section.posts), False
        for facet, value in wanted.items():
            if value and self.feature(facet):
                used = True
                posts = [p for p in posts if normalise(facet_value(facet, p)) == value]
        if search is not None and self.feature("document_search"):
            used = True
            needle = search.strip().lower()
            posts = [p for p in posts if needle in p.title.lower()
                     or needle in str(p.extra.get("number", "")).lower()]
        return posts if used else None

    def procedure_groups(self) -> list[tuple[str, list[Procedure]]]:
        """The agency's procedures under each field (in the order first listed) when the portal
        groups them by field, else all under ''; no group when there is no procedure."""
        by_field = self.feature("tthc_by_field")
        groups: dict[str, list[Procedure]] = {}
        for procedure in self.agency.procedures:
            groups.setdefault(procedure.field if by_field else "", []).append(procedure)
        return list(groups.items())

    def procedure_rows(self, procedure: Procedure,
                       wording: dict[str, str]) -> list[tuple[str, str]]:
        """(label, text) of each detail the procedure shows, in the thu-tuc order; ``wording``
        gives each detail's text ("{agency}" stands for the agency's name)."""
        return [(label, wording[name].format(agency=self.agency.name))
                for name, label in FIELD_LABELS["thu-tuc"].items() if name in procedure.details]

    @staticmethod
    def project_rows(project: Project,
                     shown: Collection[str] | None = None) -> list[tuple[str, str]]:
        """(label, value) of the project's du-an fields (only ``shown`` ones when given)."""
        return [(label, project.fields[name]) for name, label in FIELD_LABELS["du-an"].items()
                if name in project.fields and (shown is None or name in shown)]


PortalFactory = Callable[[Agency, Province], Portal]


ICT = timezone(timedelta(hours=7))        # posts are local time (Asia/Ho_Chi_Minh)


def fmt_dmy(moment: datetime | date) -> str:
    return moment.strftime("%d/%m/%Y")


def fmt_rfc822(moment: datetime) -> str:
    """'Wed, 18 Nov 2026 22:36:00 +0700', an RSS pubDate of a local time."""
    return format_datetime(moment.replace(tzinfo=ICT))


def fmt_12h(moment: datetime) -> str:
    """'10:36 PM' as Liferay prints it."""
    hour = moment.hour % 12 or 12
    return f"{hour:02d}:{moment.minute:02d} {'PM' if moment.hour >= 12 else 'AM'}"


def fmt_sa_ch(moment: datetime, *, padded: bool = False) -> str:
    """'12/03/2018 8:30 CH' (sáng / chiều, 12-hour clock); '08:30' when ``padded``."""
    hour = moment.hour % 12 or 12
    shown = f"{hour:02d}" if padded else str(hour)
    return f"{fmt_dmy(moment)} {shown}:{moment.minute:02d} {'CH' if moment.hour >= 12 else 'SA'}"


WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# -- field values of the models, by field name (the keys of a FIELD_LABELS set) -----------------
def document_values(post: Post) -> dict[str, str]:
    """The van-ban values of a legal document."""
    extra = post.extra
    effective = extra.get("effective")
    return {"so_ky_hieu": str(extra.get("number", "")), "ngay_ban_hanh": fmt_dmy(post.published),
            "trich_yeu": post.title, "co_quan_ban_hanh": str(extra.get("issuer", "")),
            "hinh_thuc": str(extra.get("doc_type", "")),
            "ngay_hieu_luc": fmt_dmy(effective) if effective else "",
            "file": str(extra.get("file", ""))}


def facet_value(facet: str, post: Post) -> str:
    """What a legal document is filed under for a facet (a key of LEGAL_FACETS); '' if nothing."""
    if facet == "legal_by_date":
        return str(post.published.year)
    value = post.extra.get(FACET_KEYS[facet])
    return str(value) if value else ""


def answered_on(post: Post) -> str:
    """The day a question was answered, dd/mm/yyyy ('' when not known)."""
    day = post.extra.get("answered_on")
    return fmt_dmy(day) if day else ""


def person_values(person: Person) -> dict[str, str]:
    """The lanh-dao / can-bo values of a leader or a staff member."""
    return {"ho_ten": person.name, "chuc_vu": person.title, "dien_thoai": person.phone,
            "email": person.email, "nhiem_vu": person.duty, "don_vi": person.unit}


def contact_values(contact: dict[str, str]) -> dict[str, str]:
    """The lien-he values of an agency's contact record."""
    return {"dia_chi": contact.get("address", ""), "dien_thoai": contact.get("phone", ""),
            "fax": contact.get("fax", ""), "email": contact.get("email", "")}


def receiving_address(contact: dict[str, str]) -> str:
    """Where opinions on a draft are sent (the gop-y dia_chi_tiep_nhan): address; e-mail."""
    return f"{contact.get('address', '')}; {contact.get('email', '')}"
