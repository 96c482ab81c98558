"""The confirmation report of one sandbox agency, crawled and its services checked for real,
printed to PDF by Chromium: every finding is in it, legibly, with its pictures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from inspector.records.workspace import Workspace
from tests.cli import invoke
from tests.conftest import AS_OF, running_sandbox

pytestmark = [pytest.mark.slow, pytest.mark.browser]

pdfium = pytest.importorskip("pypdfium2")
raw = pytest.importorskip("pypdfium2.raw")

A4_POINTS = (595.3, 841.9)
SMALLEST_LEGIBLE_PT = 6.5      # footnotes and captions are 7.5 pt; body text 9.5 pt


def _cli(*args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, (args[0], run.stdout[-2000:], run.stderr[-3000:])
    return run.stdout


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """(workspace, agency id, report folder): an average province agency (SharePoint, the portal
    that answers 503 to every other request) crawled with screenshots, its services checked."""
    root = tmp_path_factory.mktemp("report")
    with running_sandbox(root / "sandbox") as sandbox:
        truth = json.loads((sandbox.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
        agency = next(a["id"] for a in truth["agencies"]
                      if a["level"] == "province" and a["profile"] == "average")
        ws, out, day = root / "ws", root / "bao-cao", AS_OF.isoformat()
        _cli("registry", "import", "-w", str(ws), str(sandbox.out_dir / "register.yaml"))
        _cli("crawl", "-w", str(ws), "--agency", agency, "--as-of", day, "--delay", "0")
        _cli("check-services", "-w", str(ws), "--agency", agency, "--as-of", day,
             "--citizen", str(sandbox.out_dir / "citizen.yaml"))
        _cli("score", "-w", str(ws), "--as-of", day)
        _cli("override", "set", "-w", str(ws), agency, "1B/III/2", "--points", "4",
             "--reason", "Một tin trùng", "--by", "Trần Thị Duyệt")
        printed_out = _cli("report", "-w", str(ws), "--agency", agency, "--out", str(out))
    assert f"{agency}.pdf" in printed_out and f"{agency}.html" in printed_out
    return ws, agency, out


def _words(text: str) -> str:
    return " ".join(text.split())


def _findings(ws: Path, agency: str) -> list[dict]:
    workspace = Workspace(ws, create=False)
    try:
        return list(workspace.db["findings"].rows_where("agency_id = ?", [agency],
                                                         order_by="rowid"))
    finally:
        workspace.close()


def test_every_finding_is_printed_legibly(printed):
    ws, agency, out = printed
    pdf = pdfium.PdfDocument(str(out / f"{agency}.pdf"))
    assert len(pdf) >= 2
    texts, sizes = [], []
    for index in range(len(pdf)):
        page = pdf[index]
        assert page.get_size() == pytest.approx(A4_POINTS, abs=1)
        text_page = page.get_textpage()
        texts.append(text_page.get_text_range())
        sizes += [raw.FPDFText_GetFontSize(text_page, i) for i in range(text_page.count_chars())
                  if text_page.get_text_range(i, 1).strip()]
    text = _words(" ".join(texts))
    assert min(sizes) >= SMALLEST_LEGIBLE_PT
    findings = _findings(ws, agency)
    assert len(findings) > 30
    for finding in findings:
        points = "—" if finding["points"] is None else f"{finding['points']:g}".replace(".", ",")
        entry = f"{finding['criterion_id']} {_words(finding['title'])}"
        assert entry[:60] in text, entry
        assert f"{points}/{finding['max_points']:g}".replace(".", ",") in text
    assert "điểm tự động" in text and "Một tin trùng" in text           # the override
    assert text.count("Ý kiến của cơ quan") == len(findings)
    assert f"Trang 1/{len(pdf)}" in text                                # the footer
    # The HTML it was printed from is the same report: one picture per <img> reaches the PDF.
    images = lxml_html.parse(str(out / f"{agency}.html")).xpath("//img")
    objects = sum(1 for index in range(len(pdf))
                  for obj in pdf[index].get_objects(max_depth=3)
                  if obj.type == raw.FPDF_PAGEOBJ_IMAGE)
    assert len(images) > 10 and objects >= len(images)
    assert b"DejaVu" in (out / f"{agency}.pdf").read_bytes()            # Vietnamese glyphs


def test_services_and_their_last_screens_are_printed(printed):
    ws, agency, out = printed
    pdf = pdfium.PdfDocument(str(out / f"{agency}.pdf"))
    text = _words(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    exported = json.loads(invoke("export", "-w", str(ws), "--format", "json"))
    services = next(a for a in exported["agencies"] if a["id"] == agency)["services"]
    codes = [a["dossier_code"] for s in services for a in s["attempts"] if a["dossier_code"]]
    assert services and codes
    for service in services:
        assert _words(service["name"])[:50] in text
    for code in codes:
        assert code in text
    assert re.search(r"Lần kiểm tra \d\d/\d\d/\d{4} \d\d:\d\d \(lần đầu\)", text)


def test_pages_render_to_pictures_that_are_not_blank(printed, tmp_path):
    """Every page shows something of its own besides the running footer: ink on the page and
    words in it (the last page may hold only the signature blocks)."""
    _, agency, out = printed
    pdf = pdfium.PdfDocument(str(out / f"{agency}.pdf"))
    for index in range(len(pdf)):
        picture = pdf[index].render(scale=150 / 72).to_pil().convert("L")
        picture.save(tmp_path / f"trang-{index + 1}.png")
        dark = sum(picture.histogram()[:200])
        assert dark / (picture.width * picture.height) > 0.002, f"page {index + 1} is blank"
        words = pdf[index].get_textpage().get_text_range()
        body = [line for line in words.splitlines()
                if line.strip() and not line.strip().startswith("Báo cáo kết quả đánh giá —")
                and not re.fullmatch(r"\s*Trang \d+/\d+\s*", line)]
        assert len(" ".join(body).split()) >= 10, f"page {index + 1} has no text of its own"
