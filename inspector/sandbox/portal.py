"""The base of every simulated agency portal: what a platform must render, and the content that
all platforms share (labels of the information pages, feature widgets' wording).

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
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from .model import Agency, Post, Province, Section

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
    "tthc_announcement_download": "Quyết định công bố bộ TTHC",
    "tthc_feedback": "Phản ánh, kiến nghị về thủ tục hành chính",
    "hotline": "Đường dây nóng",
    "multimedia": "Video",
}

LEGAL_FACETS = {"legal_by_field": "Lĩnh vực", "legal_by_date": "Năm ban hành",
                "legal_by_issuer": "Cơ quan ban hành", "legal_by_type": "Loại văn bản"}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


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

    def sections_at(self, placement: str) -> list[Section]:
        return [s for s in self.agency.sections if s.placement == placement]


PortalFactory = Callable[[Agency, Province], Portal]


def fmt_dmy(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


def fmt_12h(moment: datetime) -> str:
    """'10:36 PM' as Liferay prints it."""
    hour = moment.hour % 12 or 12
    return f"{hour:02d}:{moment.minute:02d} {'PM' if moment.hour >= 12 else 'AM'}"


WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
