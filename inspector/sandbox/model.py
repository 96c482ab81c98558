"""The sandbox province as data: agencies, their portals' content and their declared services.

The generator fills these from a seed; the platform renderers turn them into pages; the ground
truth is computed from them. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PLATFORMS = ("liferay", "sharepoint", "nukeviet", "drupal", "aspnet")
PROFILES = ("exemplary", "average", "neglected", "broken")

# Where a section's link sits on the portal; a crawler must find it from there.
PLACEMENTS = ("menu", "submenu", "sidebar_image", "footer", "sitemap_only")

# Section layouts: how a platform renders the section's listing.
LAYOUTS = ("news", "documents", "qa")

# Trouble a portal may have (Build 4 of the sandbox issue).
TROUBLES = ("slow", "intermittent_503", "dead_link", "duplicate_urls", "calendar_trap",
            "language_loop", "https_self_signed", "down")


@dataclass
class Post:
    """A post (tin, bài), a legal document (documents layout) or a question (qa layout)."""

    id: int                      # unique within the agency; stable for a seed
    slug: str                    # ASCII, unique within the agency
    title: str
    published: datetime          # local time (Asia/Ho_Chi_Minh), minute precision
    lead: str
    body: list[str]
    topic: str | None = None     # the topic it was written for (None: filler news)
    image: bool = False          # shows an illustration (alt text depends on the feature)
    # documents layout: number, issuer, doc_type, field, effective (date), file (name)
    # qa layout: asker, answered (bool), answer, answered_on (date)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    """A chuyên mục: a listing of posts reachable from somewhere on the portal."""

    key: str                     # ASCII slug, unique within the agency
    name: str                    # the label the portal shows (varies between portals)
    topics: list[str]            # topics whose own section this is (its name says so)
    posts: list[Post]            # newest first
    general: bool = False        # general news: posts of topics without a section of their own
    placement: str = "menu"
    layout: str = "news"
    page_size: int = 10
    listing_dates: bool = True   # False: the listing shows no date, the article does


@dataclass
class Procedure:
    """A TTHC of the approved catalogue (or one an agency lists on its portal)."""

    code: str                    # e.g. 1.004194
    name: str
    field: str                   # lĩnh vực
    level: int                   # the level the catalogue approves online (2, 3 or 4)
    agency_level: str            # province | district | commune
    # per-procedure details shown on the portal: thu-tuc field names present
    details: list[str] = field(default_factory=list)


@dataclass
class Project:
    """A record of the du-an field set (1B/III/7.2)."""

    name: str
    fields: dict[str, str]       # du-an field name → value shown
    updated: date
    stage: str                   # chuẩn bị đầu tư | đang triển khai | hoàn thành


@dataclass
class Person:
    name: str
    title: str                   # chức vụ
    phone: str
    email: str
    duty: str                    # nhiệm vụ / lĩnh vực phụ trách
    unit: str = ""               # đơn vị (directory entries)


# The behaviours a declared online service can have (Build 5 of the sandbox issue).
SERVICE_BEHAVIOURS = ("works", "registration_broken", "submission_fails", "no_status_lookup",
                      "dead_link", "flaky", "captcha", "slow")


@dataclass
class Service:
    """A declared online public service (Bảng 2/3 of the agency's report)."""

    id: str                      # slug unique in the province
    agency_id: str
    name: str                    # as declared (may differ in wording from the catalogue)
    group: str
    level: int                   # declared level 3 or 4
    procedures: list[str]        # catalogue codes it really covers ([] when not in the catalogue)
    behaviour: str
    portal: str                  # "ssr" | "spa": which sandbox DVCTT portal hosts it
    path: str                    # path of its page on that portal
    online_dossiers: int
    total_dossiers: int


@dataclass
class Agency:
    id: str
    name: str
    level: str                   # province | district | commune
    parent: str | None
    platform: str
    profile: str
    site: str                    # short ASCII site name used in platform URLs
    tthc_total: int
    sections: list[Section] = field(default_factory=list)
    # field set → present field names, as the static pages show them
    fields: dict[str, list[str]] = field(default_factory=dict)
    features: dict[str, bool] = field(default_factory=dict)
    leaders: list[Person] = field(default_factory=list)
    directory: list[Person] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)   # address, phone, fax, email, hotline
    intro: dict[str, str] = field(default_factory=dict)     # gioi-thieu field → paragraph
    procedures: list[Procedure] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    survey: dict[str, float] = field(default_factory=dict)  # self-reported (appendices 2A/3A)
    troubles: list[str] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)   # category id → rating generated for
    # filled by the server: the portal's base URL, e.g. http://127.0.0.1:8101/
    base_url: str = ""

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def has(self, trouble: str) -> bool:
        return trouble in self.troubles


@dataclass
class Province:
    name: str
    seed: int
    as_of: date
    tthc_total: int
    agencies: list[Agency]
    catalogue: list[Procedure]

    def agency(self, agency_id: str) -> Agency:
        for agency in self.agencies:
            if agency.id == agency_id:
                return agency
        raise KeyError(agency_id)

    @property
    def services(self) -> list[Service]:
        return [s for a in self.agencies for s in a.services]
