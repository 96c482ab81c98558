"""Generate the sandbox province from a seed: agencies, their portals' content and services.

Everything is drawn from `random.Random` seeded by (seed, agency, attempt), so the same seed and
as-of date give the same province. Agencies of the default province are generated towards target
ratings (Tốt/Khá/Trung bình, Mức I–IV and below) and kept only when the expected scores, computed
by the real scoring engine on what the portal shows, reach the target.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from ..model.checklist import load_all, load_topics, posts_topics
from ..model.textnorm import Matcher
from . import vocabulary as V
from .model import Agency, Person, Post, Procedure, Project, Section, Service
from .portal import slugify

HORIZON_DAYS = 730  # posts are spread over the 24 months before the as-of date
FIELD_SETS_BY_LEVEL = {
    "province": ["gioi-thieu", "lanh-dao", "lien-he", "can-bo", "thu-tuc", "gop-y", "van-ban", "du-an"],
    "district": ["gioi-thieu", "lanh-dao", "lien-he", "thu-tuc", "van-ban"],
    "commune": ["gioi-thieu", "lanh-dao", "lien-he", "thu-tuc", "van-ban"],
}
FEATURES = ["font_size", "text_to_speech", "contrast", "access_keys", "alt_text",
            "help_text_alternatives", "multimedia", "mobile", "legal_download", "legal_by_field",
            "legal_by_date", "legal_by_issuer", "legal_by_type", "legal_db_link",
            "document_search", "feedback_form", "administrative_feedback", "hotline",
            "tthc_announcement_download", "tthc_by_field", "tthc_feedback",
            "project_classification", "rss"]
QUALITY = {"exemplary": 0.95, "average": 0.6, "neglected": 0.25, "broken": 0.5}


@dataclass(frozen=True)
class Plan:
    """What one agency is generated towards."""

    level: str
    profile: str
    targets: dict[str, str]          # category id → rating label wanted ({} = none)
    troubles: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def checklists():
    return tuple(load_all())


@lru_cache(maxsize=1)
def topics():
    return load_topics()


@lru_cache(maxsize=None)
def needed_topics(level: str) -> tuple[str, ...]:
    """The topics the checklists of a level count posts of, in checklist order."""
    return tuple(posts_topics(list(checklists()), level))


@lru_cache(maxsize=None)
def _topics_named_by(name: str, level: str) -> tuple[str, ...]:
    matcher = Matcher(name)
    return tuple(t for t in needed_topics(level)
                 if matcher.find(topics().topics[t]["section_keywords"]))


def topics_named_by(name: str, level: str) -> list[str]:
    """The topics (of a level's checklists) whose section keywords a section name carries."""
    return list(_topics_named_by(name, level))


@lru_cache(maxsize=65536)
def topics_of_title(title: str, level: str) -> tuple[str, ...]:
    matcher = Matcher(title)
    return tuple(t for t in needed_topics(level)
                 if matcher.find(topics().topics[t].get("topic_keywords") or []))


# --- dates ----------------------------------------------------------------------------------

def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 22), rng.choice([0, 5, 15, 30, 36, 45])))


def stream_dates(rng: random.Random, as_of: date, q: float) -> list[datetime]:
    """Dates of a regularly fed section: how often and how recently follow the quality q."""
    if rng.random() > 0.15 + 0.85 * q:  # some sections are left empty
        return []
    interval = rng.choice([7, 10, 14, 21, 30] if q > 0.8 else [10, 20, 35, 60, 100, 200] if q > 0.4
                          else [40, 90, 150, 300])
    newest_age = rng.choice([0, 1, 3, 5] if q > 0.8 else [2, 10, 25, 45, 90, 200] if q > 0.4
                            else [60, 150, 250, 400])
    gap = 0.0 if q > 0.9 else rng.choice([0.0, 0.1, 0.3])
    result, age = [], newest_age
    while age <= HORIZON_DAYS:
        if rng.random() >= gap:
            result.append(_moment(rng, as_of - timedelta(days=age)))
        age += max(1, int(interval * rng.uniform(0.7, 1.3)))
    return result


def _fill(template: str, rng: random.Random, moment: datetime, n: int) -> str:
    quarter = {1: "I", 2: "II", 3: "III", 4: "IV"}[(moment.month - 1) // 3 + 1]
    return template.format(x=rng.choice(V.SUBJECTS), y=moment.year, m=moment.month, q=quarter,
                           n=n, law=rng.choice(V.LAWS))


# --- posts per topic ----------------------------------------------------------------------------

class _Ids:
    def __init__(self):
        self.next = 1
        self.slugs: set[str] = set()

    def post(self, rng: random.Random, title: str, moment: datetime, topic: str | None,
             **extra) -> Post:
        pid = self.next
        self.next += 1
        slug = f"{slugify(title)[:60].strip('-')}-{pid}"
        lead = f"{title}. {rng.choice(V.NEUTRAL_SENTENCES)}"
        body = [rng.choice(V.NEUTRAL_SENTENCES) for _ in range(2)]
        return Post(id=pid, slug=slug, title=title, published=moment, lead=lead, body=body,
                    topic=topic, image=rng.random() < 0.5, extra=extra)


def topic_posts(rng: random.Random, ids: _Ids, topic: str, as_of: date, q: float) -> list[Post]:
    """Posts written for a topic, newest first."""
    if topic in V.REPORT_TITLES:
        return _reports(rng, ids, topic, as_of, q)
    if topic == "du-an-dau-tu":
        templates = V.PROJECT_TITLES
    elif topic == "nckh":
        templates = V.RESEARCH_TITLES
    else:  # news topics (tin tức, tin địa phương...) are written like the filler
        templates = V.TITLES.get(topic, V.FILLER_TITLES)
    posts = []
    for n, moment in enumerate(stream_dates(rng, as_of, q), start=1):
        posts.append(ids.post(rng, _fill(rng.choice(templates), rng, moment, n), moment, topic))
    return posts


def _reports(rng: random.Random, ids: _Ids, topic: str, as_of: date, q: float) -> list[Post]:
    """Periodic reports as agencies publish them: the yearly one in December, the report on a
    quarter in the month after it (quý IV in January, 6 tháng in July, 9 tháng in October)."""
    periodic, yearly = V.REPORT_TITLES[topic]
    posts = []
    month = date(as_of.year - 2, as_of.month, 1)
    keep = 0.1 + 0.9 * q
    while month <= as_of:
        day = month + timedelta(days=rng.randint(2, 20))
        if day <= as_of and month.month in (12, 1, 4, 7, 10) and rng.random() < keep:
            if month.month == 12:
                title = yearly.format(y=month.year)
            else:
                ended = (month.month - 2) % 12 + 1
                year = month.year - (month.month == 1)
                period = {3: "quý I", 6: "6 tháng đầu năm", 9: "9 tháng"}.get(ended) \
                    if rng.random() < 0.5 else None
                title = periodic.format(period=period or V.QUARTER_NAMES[ended], y=year)
            posts.append(ids.post(rng, title, _moment(rng, day), topic))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    posts.sort(key=lambda p: p.published, reverse=True)
    return posts


def qa_posts(rng: random.Random, ids: _Ids, as_of: date, q: float) -> list[Post]:
    posts = []
    dates = stream_dates(rng, as_of, max(q, 0.3)) or [_moment(rng, as_of - timedelta(days=200))]
    for n, moment in enumerate(dates, start=1):
        answered = rng.random() < 0.2 + 0.8 * q
        asker = f"{rng.choice(V.SURNAMES)} {rng.choice(V.MIDDLE)} {rng.choice(V.GIVEN)}"
        posts.append(ids.post(rng, _fill(rng.choice(V.QA_TITLES), rng, moment, n), moment, "hoi-dap",
                              asker=asker, answered=answered,
                              answer="Cơ quan đã tiếp nhận câu hỏi và trả lời như sau." if answered else "",
                              answered_on=(moment + timedelta(days=rng.randint(1, 9))).date()
                              if answered else None))
    return posts


def document_posts(rng: random.Random, ids: _Ids, as_of: date, q: float, issuer: str) -> list[Post]:
    posts = []
    for n, moment in enumerate(stream_dates(rng, as_of, q), start=1):
        doc_type = rng.choice(["Quyết định", "Nghị quyết", "Chỉ thị"])
        code = {"Quyết định": "QĐ", "Nghị quyết": "NQ", "Chỉ thị": "CT"}[doc_type]
        title = _fill(rng.choice(V.TITLES["van-ban-qppl"]), rng, moment, n)
        posts.append(ids.post(rng, title, moment, "van-ban-qppl",
                              number=f"{rng.randint(1, 99):02d}/{moment.year}/{code}-UBND",
                              issuer=issuer, doc_type=doc_type,
                              field=rng.choice(["Nội vụ", "Tài chính", "Đất đai", "Văn hóa"]),
                              effective=(moment + timedelta(days=10)).date(),
                              file=f"{slugify(title)[:40]}.pdf"))
    return posts


def filler_posts(rng: random.Random, ids: _Ids, as_of: date, q: float, level: str) -> list[Post]:
    posts = []
    for n, moment in enumerate(stream_dates(rng, as_of, max(q, 0.35)), start=1):
        for _ in range(5):
            title = _fill(rng.choice(V.FILLER_TITLES), rng, moment, n)
            if not topics_of_title(title, level):
                break
        posts.append(ids.post(rng, title, moment, None))
    return posts


# --- one agency -----------------------------------------------------------------------------------

def _person(rng: random.Random) -> str:
    return f"{rng.choice(V.SURNAMES)} {rng.choice(V.MIDDLE)} {rng.choice(V.GIVEN)}"


def _fields(rng: random.Random, level: str, q: float) -> dict[str, list[str]]:
    result = {}
    for set_name in FIELD_SETS_BY_LEVEL[level]:
        names = list(topics().field_sets[set_name]["fields"])
        result[set_name] = [f for f in names if rng.random() < 0.3 + 0.7 * q]
    return result


def _features(rng: random.Random, q: float) -> dict[str, bool]:
    return {name: rng.random() < 0.15 + 0.8 * q for name in FEATURES}


def generate_agency(*, seed: int, as_of: date, ident: tuple[str, str, str], plan: Plan,
                    parent: str | None, platform: str, attempt: int,
                    catalogue: list[Procedure], q: float) -> Agency:
    agency_id, name, site = ident
    rng = random.Random(f"{seed}/{agency_id}/{attempt}")
    level = plan.level
    sections = _sections(rng, as_of, q, level, name)
    fields = _fields(rng, level, q)
    leaders, directory, contact = _people(rng, level, site, name)
    intro = {"co_cau_to_chuc": "Gồm Văn phòng và các phòng chuyên môn.",
             "chuc_nang_nhiem_vu": "Tham mưu quản lý nhà nước trên địa bàn.",
             "lich_su": "Được thành lập theo quyết định của cấp có thẩm quyền.",
             "dieu_kien_tu_nhien": "Địa hình bằng phẳng, khí hậu nhiệt đới gió mùa.",
             "ban_do": "Xem tệp đính kèm."}
    own_procedures = [p for p in catalogue if p.agency_level == level]
    thu_tuc = fields.get("thu-tuc", [])
    procedures = [Procedure(p.code, p.name, p.field, p.level, p.agency_level,
                            details=list(thu_tuc))
                  for p in own_procedures]
    projects = _projects(rng, fields, as_of)
    features = _features(rng, q)
    # a feature shown only with what it classifies: no projects, no classification of them
    features["project_classification"] = features["project_classification"] and bool(projects)
    return Agency(id=agency_id, name=name, level=level, parent=parent, platform=platform,
                  profile=plan.profile, site=site, tthc_total=len(own_procedures) + rng.randint(0, 4),
                  sections=sections, fields=fields, features=features, leaders=leaders,
                  directory=directory, contact=contact, intro=intro, procedures=procedures,
                  projects=projects, troubles=list(plan.troubles))


def _sections(rng: random.Random, as_of: date, q: float, level: str, name: str
              ) -> list[Section]:
    """The portal's sections and their posts: a general news section, one per needed topic
    (or its posts among the general news, or none), the documents table, a Q&A page."""
    ids = _Ids()
    general_name = rng.choice(V.GENERAL_SECTION_NAMES)
    general = Section(slugify(general_name), general_name, topics_named_by(general_name, level),
                      [], general=True, placement="menu", page_size=rng.choice([10, 12, 15]))
    sections = [general]
    covered = set(general.topics)
    general_posts = filler_posts(rng, ids, as_of, q, level)
    agency_q = q
    for topic in needed_topics(level):
        if topic in covered:
            continue
        # topics are not kept equally well: each has its own quality around the agency's
        q = min(1.0, max(0.0, agency_q + rng.uniform(-0.45, 0.45)))
        mode = rng.random()
        family = set(V.REPORT_TITLES) if topic in V.REPORT_TITLES else {topic}
        names = [n for n in V.SECTION_NAMES[topic]
                 if set(topics_named_by(n, level)) - covered <= family] or V.SECTION_NAMES[topic]
        if topic == "van-ban-qppl":
            section_name = rng.choice(names)
            posts = document_posts(rng, ids, as_of, q, name.replace("UBND", "Ủy ban nhân dân"))
            layout = "documents"
        elif topic == "hoi-dap":
            section_name = rng.choice(names)
            posts = qa_posts(rng, ids, as_of, q)
            layout = "qa"
            if level != "province" and mode > 0.3 + 0.7 * q:
                continue  # no Q&A section at all (a province portal always has one)
        else:
            posts = topic_posts(rng, ids, topic, as_of, q)
            layout = "news"
            if mode < 0.25 + 0.7 * q:
                section_name = rng.choice(names)
            else:
                if mode < 0.85 or topic in V.REPORT_TITLES:
                    general_posts += posts  # published among the general news
                continue
        served = [t for t in topics_named_by(section_name, level) if t not in covered] or [topic]
        key = slugify(section_name)
        while any(s.key == key for s in sections):
            key += "-1"
        sections.append(Section(key, section_name, served, posts, layout=layout,
                                placement=rng.choice(["menu", "menu", "submenu", "submenu",
                                                      "sidebar_image", "footer", "sitemap_only"]),
                                page_size=rng.choice([5, 8, 10, 15, 20]),
                                listing_dates=rng.random() > 0.15))
        covered.update(served)
    if level == "province":  # 1B/III/15 counts the questions answered: a Q&A page is a must
        name_qa = rng.choice(V.SECTION_NAMES["hoi-dap"])
        sections.append(Section(slugify(name_qa), name_qa, [], qa_posts(rng, ids, as_of, q),
                                layout="qa", placement="menu", page_size=10))
    q = agency_q
    _ensure_documents(rng, ids, sections, as_of, q, level, name)
    # the sibling report topics share a "Thống kê - Báo cáo" section when one exists
    for section in sections:
        extra = [t for t in section.topics if t in V.REPORT_TITLES and t != section.topics[0]]
        for t in extra:
            section.posts += topic_posts(rng, ids, t, as_of, q)
    general.posts = sorted(general_posts, key=lambda p: p.published, reverse=True)
    for section in sections:
        section.posts.sort(key=lambda p: (p.published, p.id), reverse=True)
    # a section reachable only through an image with empty alt, as on real portals
    own = [s for s in sections if not s.general]
    if own and not any(s.placement == "sidebar_image" for s in own):
        rng.choice(own).placement = "sidebar_image"
    return sections


def _ensure_documents(rng: random.Random, ids: _Ids, sections: list[Section], as_of: date,
                      q: float, level: str, name: str) -> None:
    """Every portal publishes its legal documents (2B/II/I/20 and 3B read their table even
    where no criterion counts them as posts), in a table with at least one row."""
    if not any(s.layout == "documents" for s in sections):
        name_docs = rng.choice(V.SECTION_NAMES["van-ban-qppl"])
        sections.append(Section(slugify(name_docs), name_docs, topics_named_by(name_docs, level),
                                document_posts(rng, ids, as_of, q, name.replace("UBND", "Ủy ban nhân dân")),
                                layout="documents", placement=rng.choice(["menu", "footer", "submenu"]),
                                page_size=rng.choice([10, 15, 20])))
    documents = next(s for s in sections if s.layout == "documents")
    if not documents.posts:  # a table with no row shows no download link and no facet value
        documents.posts = document_posts(random.Random(rng.random()), ids, as_of, 1.0,
                                         name.replace("UBND", "Ủy ban nhân dân"))[:1]


def _people(rng: random.Random, level: str, site: str, name: str
            ) -> tuple[list[Person], list[Person], dict[str, str]]:
    """Leaders, a staff directory and the contact block."""
    leaders = [Person(_person(rng), title, f"0296 38{rng.randint(10000, 99999)}",
                      f"{slugify(title)}.{site}@example.gov.vn", duty)
               for title, duty in ([("Giám đốc", "Phụ trách chung"), ("Phó Giám đốc", "Phụ trách nội vụ")]
                                   if level == "province" else
                                   [("Chủ tịch", "Phụ trách chung"), ("Phó Chủ tịch", "Phụ trách kinh tế")])]
    directory = [Person(_person(rng), "Chuyên viên", f"0296 38{rng.randint(10000, 99999)}",
                        f"cv{i}.{site}@example.gov.vn", "", unit=unit)
                 for i, unit in enumerate(["Văn phòng", "Phòng Kế hoạch - Tài chính"], start=1)]
    contact = {"address": f"Số {rng.randint(1, 200)} đường Lê Lợi, {name.split(' ', 1)[1]}",
               "phone": f"0296 38{rng.randint(10000, 99999)}", "fax": f"0296 38{rng.randint(10000, 99999)}",
               "email": f"{site}@example.gov.vn", "hotline": f"0296 {rng.randint(1000, 9999)}"}
    return leaders, directory, contact


def _projects(rng: random.Random, fields: dict[str, list[str]], as_of: date) -> list[Project]:
    """Projects with the fields the portal shows of them (none without a projects page)."""
    projects = []
    if "du-an" in fields:
        for n in range(rng.randint(1, 4)):
            stage = rng.choice(["chuẩn bị đầu tư", "đang triển khai", "hoàn thành"])
            title = f"Dự án {rng.choice(V.SUBJECTS)}"
            values = {"ten": title, "muc_tieu": "Nâng cao chất lượng dịch vụ công",
                      "linh_vuc": "Hạ tầng", "loai_du_an": "Nhóm C", "thoi_gian": "2025-2027",
                      "kinh_phi": f"{rng.randint(5, 90)} tỷ đồng", "loai_tai_tro": "Ngân sách tỉnh",
                      "nha_tai_tro": "Không", "tinh_trang": stage.capitalize()}
            shown = {k: v for k, v in values.items() if k in fields["du-an"]}
            projects.append(Project(title, shown, as_of - timedelta(days=rng.choice([20, 90, 200, 400, 600])),
                                    stage))
    return projects


# --- the catalogue and services -------------------------------------------------------------------

def make_catalogue() -> list[Procedure]:
    procedures = []
    numbers = {"province": 4000, "district": 6000, "commune": 8000}
    for level, groups in V.PROCEDURES.items():
        for field_name, names in groups:
            for name in names:
                numbers[level] += 137
                procedures.append(Procedure(f"1.{numbers[level]:06d}", name, field_name,
                                            4 if numbers[level] % 3 else 3, level))
    return procedures


SERVICE_BEHAVIOUR_CYCLE = ["works", "flaky", "submission_fails", "works", "captcha",
                           "registration_broken", "works", "no_status_lookup", "dead_link", "slow"]
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def other_tone_placement(text: str) -> str:
    """The other convention for the tone of an open "oa", "oe", "uy": 'hòa' ↔ 'hoà',
    'thủy' ↔ 'thuỷ', 'khỏe' ↔ 'khoẻ' ('quý' keeps its tone on the y in both)."""
    def swap(match: re.Match) -> str:
        letters: list[list[str]] = []
        for ch in unicodedata.normalize("NFD", match.group(0)):
            if unicodedata.combining(ch) and letters:
                letters[-1].append(ch)
            else:
                letters.append([ch])
        base = "".join(group[0] for group in letters).lower()
        if len(letters) < 2 or not base.endswith(("oa", "oe", "uy")) or base.startswith("qu"):
            return match.group(0)
        first, second = letters[-2], letters[-1]
        for source, target in ((first, second), (second, first)):
            tones = [ch for ch in source[1:] if ch in _TONE_MARKS]
            if tones:
                source.remove(tones[0])
                target.append(tones[0])
                break
        return unicodedata.normalize("NFC", "".join("".join(group) for group in letters))
    return re.sub(r"\w+", swap, unicodedata.normalize("NFC", text))


def without_diacritics(text: str) -> str:
    """As typed without a Vietnamese keyboard: 'Đăng ký khai sinh' → 'Dang ky khai sinh'."""
    text = unicodedata.normalize("NFC", text).replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch))


def declared_name(procedure_name: str, bundle: str, level: int, rng: random.Random) -> str:
    """A catalogue name as agencies write it in their report, drawn from `rng`: sometimes a
    leading "Thủ tục " or a lower-case initial, the other tone placement, the level after it
    (" - mức độ 4", " (toàn trình)"), once in a while no diacritics at all; `bundle` (" và 2 thủ
    tục liên quan", " (gộp 3 thủ tục)") follows the name."""
    name = procedure_name
    start = rng.random()
    if start < 0.2:
        name = "Thủ tục " + name[:1].lower() + name[1:]
    elif start < 0.35:
        name = name[:1].lower() + name[1:]
    if rng.random() < 0.35:
        name = other_tone_placement(name)
    name += bundle
    if rng.random() < 0.3:
        name += rng.choice(V.SERVICE_LEVEL_SUFFIXES[level])
    if rng.random() < 0.08:
        name = without_diacritics(name)
    return name


def _wording_rng(seed: int, service_id: str, attempt: int) -> random.Random:
    # its own generator: the wording changes no other draw of the province
    return random.Random(f"{seed}/{service_id}/wording/{attempt}")


def generate_services(agency: Agency, catalogue: list[Procedure], *, seed: int, attempt: int,
                      q: float, behaviours: list[str] | None = None, start: int = 0) -> list[Service]:
    """Declared services of an agency: level 3 and 4, some bundling several procedures, worded
    as agencies write them (`declared_name`), some declared under a name the catalogue does not
    hold. A broken agency (the default province has two, neither with a target) always
    declares one of the latter, close to a catalogue name (`V.UNLISTED_PROCEDURES`)."""
    rng = random.Random(f"{seed}/{agency.id}/services/{attempt}")
    pool = [p for p in catalogue if p.agency_level == agency.level]
    services = []
    count = {"province": rng.randint(3, 7), "district": rng.randint(1, 3),
             "commune": rng.randint(1, 3)}[agency.level]
    for i in range(count):
        bundle = ""
        if rng.random() < 0.15 * (1 - q) or not pool:
            name, codes, group = f"Đăng ký tham gia hoạt động {V.SUBJECTS[i % len(V.SUBJECTS)]}", [], "Khác"
        else:
            size = 1 if agency.level != "province" or rng.random() < 0.5 else rng.randint(2, 5)
            chosen = rng.sample(pool, min(size, len(pool)))
            pool = [p for p in pool if p not in chosen]  # a procedure is declared once
            codes = [p.code for p in chosen]
            name = chosen[0].name
            bundle = "" if size == 1 else f" (gộp {len(chosen)} thủ tục)"
            group = chosen[0].field
        if behaviours is not None:
            behaviour = behaviours[i % len(behaviours)]
        else:
            behaviour = "works" if rng.random() < 0.4 + 0.6 * q else \
                SERVICE_BEHAVIOUR_CYCLE[(start + i) % len(SERVICE_BEHAVIOUR_CYCLE)]
        total = rng.randint(20, 400)
        service = Service(
            id=f"{agency.id}-dv{i + 1}", agency_id=agency.id, name=name, group=group,
            level=4 if rng.random() < 0.3 + 0.6 * q else 3, procedures=codes, behaviour=behaviour,
            portal="ssr" if (start + i) % 3 else "spa", path=f"/dich-vu/{agency.id}-dv{i + 1}",
            online_dossiers=int(total * rng.uniform(0.2 + 0.7 * q, 1.0)), total_dossiers=total)
        if codes:
            service.name = declared_name(name, bundle, service.level,
                                         _wording_rng(seed, service.id, attempt))
        services.append(service)
    if agency.profile == "broken" and V.UNLISTED_PROCEDURES.get(agency.level):
        services.append(_unlisted_service(agency, len(services), seed=seed, attempt=attempt, q=q,
                                          behaviours=behaviours, start=start))
    return services


def _unlisted_service(agency: Agency, i: int, *, seed: int, attempt: int, q: float,
                      behaviours: list[str] | None, start: int) -> Service:
    """A service declared under a procedure the catalogue does not hold, close to one it does."""
    rng = random.Random(f"{seed}/{agency.id}/unlisted/{attempt}")
    name, group = rng.choice(V.UNLISTED_PROCEDURES[agency.level])
    behaviour = behaviours[i % len(behaviours)] if behaviours is not None else \
        SERVICE_BEHAVIOUR_CYCLE[(start + i) % len(SERVICE_BEHAVIOUR_CYCLE)]
    total = rng.randint(20, 400)
    return Service(
        id=f"{agency.id}-dv{i + 1}", agency_id=agency.id, name=name, group=group,
        level=4 if rng.random() < 0.3 + 0.6 * q else 3, procedures=[], behaviour=behaviour,
        portal="ssr" if (start + i) % 3 else "spa", path=f"/dich-vu/{agency.id}-dv{i + 1}",
        online_dossiers=int(total * rng.uniform(0.2 + 0.7 * q, 1.0)), total_dossiers=total)


def hub_services(agency: Agency, catalogue: list[Procedure], *, seed: int, attempt: int,
                 target: str) -> tuple[list[Service], int]:
    """Services of a department whose 1B/IV rating is `target`, and its declared TTHC total.
    Every 1B/IV term divides by the agency's own total (the reading of 0.7.0), so Khá is a
    department offering nearly all its procedures online at level 4; Tốt is out of reach of
    the seed's formulas (checklists/1B-IV.yaml). Returns the services and the TTHC total."""
    rng = random.Random(f"{seed}/{agency.id}/hub/{attempt}")
    online, level4, share, tthc = {
        "Khá": (rng.uniform(0.95, 1.0), rng.uniform(0.95, 1.0), rng.uniform(0.9, 1.0), rng.randint(16, 30)),
        "Trung bình": (rng.uniform(0.1, 0.5), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.9), rng.randint(15, 30)),
    }[target]
    codes = [p for p in catalogue]
    rng.shuffle(codes)
    tthc = min(tthc, len(codes))  # the procedures the department handles
    codes = codes[:max(1, round(tthc * online))]
    services = []
    i = 0
    while codes:
        size = rng.randint(3, 6)
        chosen, codes = codes[:size], codes[size:]
        i += 1
        total = rng.randint(50, 500)
        bundle = "" if len(chosen) == 1 else f" và {len(chosen) - 1} thủ tục liên quan"
        service = Service(
            id=f"{agency.id}-dv{i}", agency_id=agency.id, name=chosen[0].name, group=chosen[0].field,
            level=4 if rng.random() < level4 else 3, procedures=[p.code for p in chosen],
            behaviour=["works", "works", "flaky", "slow", "works"][i % 5],
            portal="ssr" if i % 3 else "spa", path=f"/dich-vu/{agency.id}-dv{i}",
            online_dossiers=min(total, round(total * share * rng.uniform(0.97, 1.03))),
            total_dossiers=total)
        service.name = declared_name(chosen[0].name, bundle, service.level,
                                     _wording_rng(seed, service.id, attempt))
        services.append(service)
    return services, tthc
