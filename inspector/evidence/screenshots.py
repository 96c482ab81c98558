"""Chromium screenshots of the pages behind findings, with the boxes of the counted links (the
annotated crop is drawn from them when asked: evidence/crops.py)."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from PIL import Image, features
from w3lib.url import canonicalize_url

from ..browser import JPEG_QUALITY, PageError, PortalTab
from ..records.workspace import Workspace
from ..records.evidence import store
from .crops import crop_ref

VIEWPORT = {"width": 1280, "height": 900}
# A page of endless news rows must not become a 100,000-pixel image: the top is what a reader
# (and the findings) look at.
MAX_HEIGHT = 6000
MAX_WIDTH = 2560
# Screenshots are stored as lossy WebP: at quality 60 the text of the real NukeViet and Liferay
# captures (white on a blue footer, grey small print, diacritics) stays legible at 100 % zoom,
# as at 75, in 9 % fewer bytes (test_small_text_stays_legible_as_stored measures it); WebP
# takes about 30 % of a PNG's bytes and 60 % of a JPEG's. Method 2 is the fastest that still
# saves most of it (0.05 s for a 1280×1000 page).
WEBP_QUALITY = 60
WEBP_METHOD = 2

# Every link's resolved href and its box in page coordinates; invisible ones are left out
# because an outline around nothing proves nothing.
_LINK_BOXES_JS = """() => Array.from(document.querySelectorAll('a[href]')).flatMap(a => {
  const r = a.getBoundingClientRect();
  const style = getComputedStyle(a);
  if (r.width <= 0 || r.height <= 0 || style.visibility === 'hidden') return [];
  return [{href: a.href, text: (a.innerText || '').trim().length > 0,
           x: r.left + window.scrollX, y: r.top + window.scrollY,
           width: r.width, height: r.height}];
})"""

_PAGE_SIZE_JS = """() => {
  const d = document.documentElement, b = document.body;
  return [Math.max(d.scrollWidth, b ? b.scrollWidth : 0),
          Math.max(d.scrollHeight, b ? b.scrollHeight : 0)];
}"""


class CaptureError(RuntimeError):
    """The page could not be loaded or photographed (timeout, refused connection, bad URL…)."""


async def capture(ws: Workspace, tab: PortalTab, url: str,
                  highlight: list[str] | None = None, *, label: str | None = None,
                  body: bytes | None = None, content_type: str | None = None,
                  caption: bool = True) -> list[dict[str, Any]]:
    """Screenshot the page in ``tab`` (answered from ``body`` when the crawl has it; full page,
    height capped at MAX_HEIGHT) and store it as evidence (stored_image). When some of the
    ``highlight`` URLs are linked on it, also return the crop outlining one link per URL: the
    screenshot's reference with the boxes and caption (crops.crop_ref) and "outlined", how many
    links. Returns [screenshot_ref] or [screenshot_ref, crop_ref]. Raises CaptureError."""
    from playwright.async_api import Error as PlaywrightError

    try:
        await tab.visit(url, body, content_type)
        page = tab.page
        width, height = await page.evaluate(_PAGE_SIZE_JS)
        screen = tab.viewport           # tab.visit shows every page at the tab's own size
        if width <= screen["width"] and height <= screen["height"]:
            # the whole page is on the screen: taken as shown, which spares Chromium laying
            # it out again beyond the screen (a third of a photo's CPU on such a page)
            size = (screen["width"], screen["height"])
            image = await page.screenshot(type="jpeg", quality=JPEG_QUALITY,
                                          timeout=tab.timeout_ms)
        else:
            size = (min(width, MAX_WIDTH), min(height, MAX_HEIGHT))
            clip = {"x": 0, "y": 0, "width": size[0], "height": size[1]}
            image = await page.screenshot(full_page=True, clip=clip, type="jpeg",
                                          quality=JPEG_QUALITY, timeout=tab.timeout_ms)
        captured_at = datetime.now(timezone.utc).replace(microsecond=0)
        links = await page.evaluate(_LINK_BOXES_JS) if highlight else []
    except PlaywrightError as exc:
        # Playwright appends a multi-line call log; the first line says what went wrong.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError(f"screenshot of {url} failed: {reason}") from exc
    except PageError as exc:
        raise CaptureError(f"screenshot not taken: {exc}") from exc

    # Pillow encodes outside the GIL: the other tabs go on meanwhile
    shot = store(ws, await asyncio.to_thread(stored_image, image), "screenshot", url)
    refs = [shot]
    boxes = _boxes_to_outline(links, highlight or [], (int(size[0]), int(size[1])))
    if boxes:
        refs.append(crop_ref(shot, boxes,
                             _caption_lines(label, url, captured_at) if caption else []))
    return refs


def _boxes_to_outline(links: list[dict[str, Any]], highlight: list[str],
                      image_size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """One box per highlighted URL found on the page (a post linked by its thumbnail and its
    title is one post): its first text link, else its first link, in page order. Boxes are
    (left, top, right, bottom) clipped to the image; links wholly outside it are not counted."""
    wanted = {canonicalize_url(target) for target in highlight}
    chosen: dict[str, dict[str, Any]] = {}
    image_width, image_height = image_size
    for link in links:
        key = canonicalize_url(link["href"])
        if key not in wanted or link["x"] >= image_width or link["y"] >= image_height:
            continue
        if key not in chosen or (link["text"] and not chosen[key]["text"]):
            chosen[key] = link
    boxes = []
    for link in sorted(chosen.values(), key=lambda box: (box["y"], box["x"])):
        left, top = max(0, int(link["x"])), max(0, int(link["y"]))
        right = min(image_width, int(round(link["x"] + link["width"])))
        bottom = min(image_height, int(round(link["y"] + link["height"])))
        if right > left and bottom > top:
            boxes.append((left, top, right, bottom))
    return boxes


def _caption_lines(label: str | None, url: str, captured_at: datetime) -> list[str]:
    parts = urlsplit(url)
    if "@" in parts.netloc:  # never print credentials into the evidence
        url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    lines = [label] if label else []
    lines += [url, "captured " + captured_at.strftime("%Y-%m-%d %H:%M:%S UTC")]
    return lines


def stored_image(jpeg: bytes) -> bytes:
    """The bytes to store for a screenshot Chromium took as JPEG: WebP (WEBP_QUALITY), or the
    JPEG itself where Pillow was built without WebP. Only pixels travel: no EXIF, no profile."""
    if not features.check("webp"):
        return jpeg
    with Image.open(io.BytesIO(jpeg)) as decoded:
        image = decoded.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return buffer.getvalue()
