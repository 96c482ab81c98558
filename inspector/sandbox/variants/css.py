"""Class names of a variant portal's elements, by role, in the theme's naming scheme: meaningful
English, Vietnamese slugs, random tokens, utility-CSS soup, ids only, or nothing at all."""

from __future__ import annotations

from .theme import Theme

# role → (English, Vietnamese, singleton: once per page, so it may carry an id)
ROLES: dict[str, tuple[str, str, bool]] = {
    "page": ("page", "trang", True),
    "header": ("site-header", "dau-trang", True),
    "logo": ("logo", "logo", True),
    "sitename": ("site-name", "ten-cong", True),
    "slogan": ("site-slogan", "khau-hieu", True),
    "clock": ("today", "ngay-hien-tai", True),
    "tools": ("accessibility", "tien-ich", True),
    "menu": ("main-menu", "menu-chinh", True),
    "submenu": ("sub-menu", "menu-con", False),
    "parent_link": ("parent-portal", "cong-cap-tren", True),
    "crumbs": ("breadcrumb", "duong-dan", True),
    "columns": ("columns", "cac-cot", True),
    "main": ("main-content", "noi-dung", True),
    "sidebar": ("sidebar", "cot-ben", True),
    "footer": ("site-footer", "chan-trang", True),
    "block": ("block", "khoi", False),
    "block_title": ("block-title", "tieu-de-khoi", False),
    "block_list": ("block-list", "ds-khoi", False),
    "banner": ("banner", "quang-cao", False),
    "page_title": ("page-title", "tieu-de-trang", True),
    "listing": ("news-list", "ds-tin", True),
    "item": ("news-item", "tin", False),
    "item_title": ("news-title", "tieu-de", False),
    "item_date": ("news-date", "ngay-dang", False),
    "item_lead": ("news-summary", "tom-tat", False),
    "item_image": ("thumb", "anh-dai-dien", False),
    "featured": ("featured", "tin-noi-bat", False),
    "year": ("year-heading", "nam", False),
    "table": ("data-table", "bang", False),
    "other": ("other-news", "tin-khac", True),
    "empty": ("empty", "trong", True),
    "pager": ("pagination", "phan-trang", True),
    "article": ("article", "chi-tiet", True),
    "article_title": ("article-title", "tieu-de-tin", True),
    "article_date": ("article-date", "ngay-dang-tin", True),
    "article_lead": ("article-summary", "tom-tat-tin", True),
    "article_body": ("article-body", "noi-dung-tin", True),
    "note": ("note", "ghi-chu", True),           # says nothing of what it holds
    "share": ("share", "chia-se", True),
    "related": ("related", "tin-lien-quan", False),
    "panel": ("category-panel", "nhom-tin", False),
    "card": ("card", "the-tin", False),
    "row": ("row", "hang", False),
    "fields": ("info", "thong-tin", False),
    "communes": ("communes", "cac-xa", True),
    "video": ("video", "video-clip", True),
    "left_menu": ("category-menu", "danh-muc", True),
}

# Utility-first CSS: soups that say nothing of the role, several roles sharing one.
UTILITY = {
    "page": "min-h-screen bg-gray-50", "header": "bg-white shadow-sm py-3",
    "logo": "h-16 w-auto", "sitename": "text-xl font-bold uppercase", "slogan": "text-sm",
    "clock": "text-xs text-gray-500", "tools": "flex gap-1 text-xs", "menu": "flex flex-wrap gap-2 bg-blue-800",
    "submenu": "hidden absolute bg-white shadow", "parent_link": "text-xs underline",
    "crumbs": "text-sm text-gray-500 my-2", "columns": "flex flex-wrap -mx-4",
    "main": "w-full lg:w-2/3 px-4", "sidebar": "w-full lg:w-1/3 px-4",
    "footer": "mt-8 py-6 text-sm text-center", "block": "mb-6", "block_title": "font-semibold text-base",
    "block_list": "space-y-1 text-sm", "banner": "block mb-2", "page_title": "text-2xl font-bold my-4",
    "listing": "space-y-4", "item": "flex gap-4 py-3 border-b", "item_title": "font-semibold text-base",
    "item_date": "text-sm text-gray-500", "item_lead": "text-sm text-gray-600", "item_image": "w-32 h-24",
    "featured": "flex gap-4 py-3 border-b", "year": "font-semibold text-base", "table": "w-full text-sm",
    "other": "mt-4 text-sm", "empty": "text-sm text-gray-500", "pager": "flex gap-1 mt-4",
    "article": "prose max-w-none", "article_title": "text-2xl font-bold my-4",
    "article_date": "text-sm text-gray-500", "article_lead": "font-semibold", "article_body": "prose",
    "note": "text-sm text-gray-500", "share": "flex gap-2 mt-4", "related": "mt-4 text-sm",
    "panel": "mb-6", "card": "p-2 border rounded", "row": "flex gap-4", "fields": "text-sm",
    "communes": "mb-6", "video": "mb-6", "left_menu": "mb-6",
}


class Css:
    """``css(role)`` → the attribute text (with its leading space) an element of that role gets."""

    def __init__(self, theme: Theme):
        self.scheme = theme.classes
        self.tokens = theme.tokens

    def __call__(self, role: str, extra: str = "") -> str:
        english, vietnamese, singleton = ROLES[role]
        scheme = self.scheme
        if scheme == "english":
            names = english
        elif scheme == "vietnamese":
            names = vietnamese
        elif scheme == "random":
            names = self.tokens.get(role, "")
        elif scheme == "utility":
            names = UTILITY[role]
        elif scheme == "ids":
            return f' id="{english}"' if singleton and not extra else ""
        else:
            return ""
        if extra and scheme in ("english", "vietnamese"):
            names = f"{names} {extra}"
        return f' class="{names}"'
