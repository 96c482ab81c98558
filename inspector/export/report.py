"""The per-agency confirmation report (Section VII): every finding with its basis, evidence
thumbnails and review state, as one self-contained HTML file and as a PDF printed by Chromium."""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import json
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, PackageLoader, select_autoescape

from ..evidence import crops
from ..records import registry
from ..records.findings import scored_agencies
from ..model.errors import UserError
from ..model.labels import template_globals, vn_date, vn_number
from ..records.evidence import resolve_evidence
from ..model.checklist import load_topics
from ..records.workspace import Workspace, utcnow
from .results import results_document

# A thumbnail is read on paper: wide enough for a menu's words, short enough for two per page
# column. Full-page screenshots are cut to their first screen (the whole page is in the store).
THUMB_WIDTH = 640
THUMB_MAX_HEIGHT = 480
THUMB_QUALITY = 72
PICTURE_KINDS = ("crop", "screenshot")
CADENCES = {"1w": "1 tuần", "1m": "1 tháng", "3m": "3 tháng", "6m": "6 tháng", "12m": "12 tháng"}
FORMATS = ("html", "pdf")
# The register's figures as criteria read them (scoring/quantities.py).
DECLARED_NAMES = {"tthc_total": "tổng số TTHC", "services_level3": "số DVCTT mức 3",
                  "services_level4": "số DVCTT mức 4", "services_level12": "số DVC mức 1, 2"}

# (evidence reference, whole picture?) → an <img> source, or None when it cannot be shown.
ImageSource = Callable[..., "str | None"]


def embedded_thumbnail(root: Path) -> ImageSource:
    """Evidence reference → a JPEG thumbnail as a data: URI (None when the file is not a
    readable image inside the workspace), so that the report is one file an agency can keep. A
    crop is drawn from its screenshot (evidence/crops.py)."""
    from PIL import Image, UnidentifiedImageError

    def source(ref: dict[str, Any], whole: bool = False) -> str | None:
        file = resolve_evidence(root, ref.get("path", ""))
        if file is None:
            return None
        try:
            if crops.is_drawn(ref):
                drawn = crops.render_ref(root, ref)
                if drawn is None:
                    return None
                opened = contextlib.nullcontext(drawn)
            else:
                opened = Image.open(file)
            with opened as image:
                image = image.convert("RGB")
                if whole:       # an annotated crop: all of it, or the outlines lose their sense
                    image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
                else:           # a full page: its first screen, what a visitor sees first
                    width, height = image.size
                    scale = min(1.0, THUMB_WIDTH / width)
                    keep = min(height, int(THUMB_MAX_HEIGHT / scale))
                    image = image.crop((0, 0, width, keep)).resize(
                        (max(1, int(width * scale)), max(1, int(keep * scale))))
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=THUMB_QUALITY, optimize=True)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
            return None
        return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    return source


@functools.lru_cache(maxsize=1)
def _vocabulary_names() -> dict[str, str]:
    """Field and feature code → the words a reader knows (checklists/topics.yaml): a field by
    its first keyword, a feature by its title."""
    topics = load_topics()
    names = {code: title for code, title in topics.features.items()}
    for field_set in topics.field_sets.values():
        for code, keywords in field_set["fields"].items():
            names.setdefault(code, keywords[0] if keywords else code)
    return names


def _name(code: Any) -> str:
    return _vocabulary_names().get(str(code), str(code).replace("_", " "))


def _names(values: list[Any]) -> str:
    return ", ".join(_name(v) for v in values) or "—"


def _yes(value: Any) -> str:
    return "có" if value else "không"


def metric_lines(metrics: dict[str, Any]) -> list[str]:
    """The basis of a finding in short Vietnamese lines (the counted posts and services are
    listed apart); keys the report does not know are shown as they are."""
    lines = []
    m = dict(metrics)
    m.pop("posts", None)
    m.pop("services", None)
    m.pop("periods", None)              # summed up by covered/of
    m.pop("window", None)
    if "covered" in m and "of" in m:
        lines.append(f"Số kỳ có tin: {m.pop('covered')}/{m.pop('of')}")
    if "newest" in m:
        newest = m.pop("newest")
        lines.append(f"Tin mới nhất: {vn_date(newest) if newest else 'không có'}")
    if "cadence" in m:
        cadence = m.pop("cadence")
        lines.append(f"Chu kỳ cập nhật yêu cầu: {CADENCES.get(cadence, cadence)}")
    if "timely" in m:
        lines.append(f"Cập nhật đúng hạn: {_yes(m.pop('timely'))}")
    if "undated" in m:
        undated = m.pop("undated")
        if undated:
            lines.append(f"Tin không xác định được ngày: {undated}")
    section = m.pop("section", None)
    if isinstance(section, dict):
        urls = section.get("urls") or []
        if not section.get("found"):
            lines.append("Không tìm thấy chuyên mục riêng" + (f" (đã xem {urls[0]})" if urls
                                                               else ""))
        elif urls:
            lines.append(f"Chuyên mục: {urls[0]}" + (f" và {len(urls) - 1} trang tiếp"
                                                     if len(urls) > 1 else ""))
    if "topic_matched" in m:
        if m.pop("topic_matched"):
            lines.append("Tin được nhận ra theo chủ đề")
    if "fields_present" in m or "fields_missing" in m:
        lines.append(f"Có: {_names(m.pop('fields_present', []))}")
        lines.append(f"Thiếu: {_names(m.pop('fields_missing', []))}")
    if "feature" in m or "present" in m:
        feature = _name(m.pop("feature")) if "feature" in m else "Chức năng"
        where = m.pop("where", None)
        lines.append(f"{feature}: {_yes(m.pop('present', None))}"
                     + (f" (tại {where})" if where else ""))
    if isinstance(m.get("features"), dict):
        features = m.pop("features")
        lines.append(f"Có: {_names([k for k, v in features.items() if v])}; "
                     f"không: {_names([k for k, v in features.items() if not v])}")
    if "ratio" in m and isinstance(m["ratio"], (int, float)):
        lines.append(f"Tỉ lệ: {vn_number(round(m.pop('ratio') * 100, 1))} %")
    m.pop("step", None)
    if isinstance(m.get("band"), dict):
        band = m.pop("band")
        lines.append(f"Mức đạt: {vn_number(band.get('points'))} điểm (cập nhật trong "
                     f"{CADENCES.get(band.get('within'), band.get('within'))})")
    if isinstance(m.get("parts"), list):
        for part in m.pop("parts"):
            label = _name(part.get("feature") or part.get("type") or "thành phần")
            posts = part.get("posts")
            lines.append(f"• {label}: {vn_number(part.get('points'))} điểm"
                         + (f", {len(posts)} tin" if isinstance(posts, list) else "")
                         + (", có" if part.get("present") is True else "")
                         + (", không có" if part.get("present") is False else ""))
    if isinstance(m.get("declared"), dict):
        declared = m.pop("declared")
        lines.append("Đã khai báo: " + ", ".join(
            f"{DECLARED_NAMES.get(k.split('.', 1)[-1], k)} {vn_number(v)}"
            for k, v in declared.items()))
    if "not_declared" in m:
        missing = m.pop("not_declared")
        if missing:
            lines.append(f"Chưa khai báo: {_names(missing)}")
    for key, value in m.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {text[:200]}{'…' if len(text) > 200 else ''}")
    return lines


def report_context(ws: Workspace, agency_id: str,
                   image_source: ImageSource | None = None) -> dict[str, Any]:
    document = results_document(ws, [agency_id])
    if not document["agencies"]:
        raise UserError(f"{agency_id}: chưa được chấm điểm: hãy chạy 'inspector score' trước")
    agency = document["agencies"][0]
    source = image_source or embedded_thumbnail(ws.root)
    by_category: dict[str, list[dict[str, Any]]] = {}
    for criterion in agency["criteria"]:
        pictures, files = [], []
        for item in criterion["evidence"]:
            if item.get("kind") in PICTURE_KINDS:
                pictures.append(dict(item, src=source(item, item["kind"] == "crop")))
            else:
                files.append(item)
        # The annotated crop first: it shows what was counted.
        pictures.sort(key=lambda p: PICTURE_KINDS.index(p["kind"]))
        metrics = criterion["metrics"] if isinstance(criterion["metrics"], dict) else {}
        by_category.setdefault(criterion["category"], []).append(dict(
            criterion, pictures=pictures, files=files, basis=metric_lines(metrics),
            posts=metrics.get("posts") or [], services=metrics.get("services") or []))
    services = []
    for service in agency["services"]:
        last = service["attempts"][-1] if service["attempts"] else None
        picture = None
        if last:
            shots = [p for p in last["evidence"] if p.startswith("screenshots/")]
            if shots:
                picture = source({"kind": "screenshot", "path": shots[-1]})
        services.append(dict(service, last=last, picture=picture))
    return {"document": document, "agency": agency, "by_category": by_category,
            "services": services, "made_at": utcnow(),
            "province": (registry.province(ws) or {}).get("name")}


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("inspector.export", "templates"),
                      autoescape=select_autoescape(["html"]))
    env.filters.update(ngay=vn_date, so=vn_number)
    env.globals.update(template_globals())
    return env


def render_report(ws: Workspace, agency_id: str,
                  image_source: ImageSource | None = None) -> str:
    """The report as HTML: one self-contained file with embedded thumbnails, or, given another
    ``image_source`` (the review page's signed links), a page for the review site."""
    context = report_context(ws, agency_id, image_source)
    return _environment().get_template("report.html").render(
        **context, self_contained=image_source is None)


def write_reports(ws: Workspace, agency_ids: list[str] | None, out_dir: Path,
                  formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """One report per scored agency (or per named agency) in ``out_dir``: <id>.html and/or
    <id>.pdf. Returns the files written."""
    scored = scored_agencies(ws)
    agencies = [a["id"] for a in registry.agencies(ws, agency_ids) if a["id"] in scored or agency_ids]
    out_dir.mkdir(parents=True, exist_ok=True)
    written, html_files = [], []
    for aid in agencies:        # one at a time: a report with its pictures is ~1 MB
        target = out_dir / f"{aid}.html"
        target.write_text(render_report(ws, aid), encoding="utf-8")
        html_files.append(target)
    if "pdf" in formats:
        pdfs = [(html, html.with_suffix(".pdf")) for html in html_files]
        print_pdfs(pdfs)
        written += [pdf for _, pdf in pdfs]
    if "html" in formats:
        written += html_files
    else:
        for html in html_files:
            html.unlink()
    return sorted(written)


def print_pdfs(pairs: list[tuple[Path, Path]]) -> None:
    """Print each HTML file to its PDF (A4) with one Chromium; nothing but the file itself is
    loaded (its images are embedded)."""
    if not pairs:
        return
    from ..browser import chromium

    footer = ('<div style="font-size:9px;width:100%;padding:0 12mm;color:#555;'
              'font-family:DejaVu Sans,Liberation Sans,Arial,sans-serif;display:flex">'
              '<span class="title" style="flex:1"></span>'
              '<span>Trang <span class="pageNumber"></span>/<span class="totalPages"></span>'
              '</span></div>')
    with chromium(only_hosts=[]) as browser:     # the report's files only, no network
        for html, pdf in pairs:
            context = browser.new_context(java_script_enabled=False)
            try:
                page = context.new_page()
                allowed = html.resolve().as_uri()
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url == allowed or route.request.url.startswith(
                               "data:") else route.abort())
                page.goto(allowed, wait_until="load")
                page.pdf(path=str(pdf), format="A4", print_background=True,
                         display_header_footer=True, header_template="<span></span>",
                         footer_template=footer,
                         margin={"top": "14mm", "bottom": "16mm", "left": "12mm",
                                 "right": "12mm"})
            finally:
                context.close()
