"""Chromium screenshots of the pages behind findings, and crops outlining the counted links."""

from __future__ import annotations

import io
import os
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from PIL import Image, ImageDraw, ImageFont
from w3lib.url import canonicalize_url

from ..browser import PageError, open_page, own_host_only
from ..records.workspace import Workspace
from ..records.evidence import store

VIEWPORT = {"width": 1280, "height": 900}
# A page of endless news rows must not become a 100,000-pixel image: the top is what a reader
# (and the findings) look at.
MAX_HEIGHT = 6000
MAX_WIDTH = 2560
CROP_MARGIN = 40
# A crop narrower than this leaves the caption no room and the reader no context.
MIN_CROP_WIDTH = 640
OUTLINE_COLOUR = (230, 0, 126)  # a magenta that government portals' red-and-blue themes rarely use
OUTLINE_WIDTH = 3
OUTLINE_GAP = 2  # drawn just outside the element so the outline never hides its text
TAG_TEXT_COLOUR = (255, 255, 255)
CAPTION_BACKGROUND = (240, 240, 240)
CAPTION_TEXT_COLOUR = (20, 20, 20)
CAPTION_RULE_COLOUR = (160, 160, 160)
CAPTION_FONT_SIZE = 14
TAG_FONT_SIZE = 12
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/dejavu/DejaVuSans.ttf")

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


def capture(ws: Workspace, browser, url: str, highlight: list[str] | None = None, *,
            label: str | None = None, timeout_ms: int = 30000,
            caption: bool = True) -> list[dict[str, Any]]:
    """Screenshot the page (full page, height capped at MAX_HEIGHT) and, when some of the
    `highlight` URLs are linked on it, an annotated crop outlining one link per URL. Both are
    stored as evidence; returns [screenshot_ref] or [screenshot_ref, crop_ref] where the crop
    ref carries "outlined": how many links were outlined. Raises CaptureError."""
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
    try:
        context.set_default_timeout(timeout_ms)
        page = context.new_page()
        page.route("**/*", own_host_only(url))
        open_page(page, url, timeout_ms)
        width, height = page.evaluate(_PAGE_SIZE_JS)
        clip = {"x": 0, "y": 0, "width": min(width, MAX_WIDTH), "height": min(height, MAX_HEIGHT)}
        raw_png = page.screenshot(full_page=True, clip=clip, timeout=timeout_ms)
        captured_at = datetime.now(timezone.utc).replace(microsecond=0)
        links = page.evaluate(_LINK_BOXES_JS) if highlight else []
    except PlaywrightError as exc:
        # Playwright appends a multi-line call log; the first line says what went wrong.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError(f"screenshot of {url} failed: {reason}") from exc
    except PageError as exc:
        raise CaptureError(f"screenshot not taken: {exc}") from exc
    finally:
        context.close()

    screenshot = _clean_image(raw_png)
    refs = [store(ws, _png_bytes(screenshot), "screenshot", url)]
    boxes = _boxes_to_outline(links, highlight or [], screenshot.size)
    if boxes:
        caption_lines = _caption_lines(label, url, captured_at) if caption else []
        crop = _annotated_crop(screenshot, boxes, caption_lines)
        crop_ref = store(ws, _png_bytes(crop), "crop", url)
        crop_ref["outlined"] = len(boxes)
        refs.append(crop_ref)
    return refs


def _clean_image(png: bytes) -> Image.Image:
    """Decode Chromium's PNG into a plain RGB image with no ancillary info (colour profile,
    text chunks…), so what is re-encoded holds only pixels."""
    with Image.open(io.BytesIO(png)) as decoded:
        image = decoded.convert("RGB")
    image.info = {}  # convert() copies the source's info; none of it should travel on
    return image


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


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


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """DejaVu Sans renders Vietnamese diacritics; Pillow's default font is the fallback."""
    for path in FONT_PATHS:
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1 has one bitmap size only
        return ImageFont.load_default()


def _caption_lines(label: str | None, url: str, captured_at: datetime) -> list[str]:
    parts = urlsplit(url)
    if "@" in parts.netloc:  # never print credentials into the evidence
        url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    lines = [label] if label else []
    lines += [url, "captured " + captured_at.strftime("%Y-%m-%d %H:%M:%S UTC")]
    return lines


def _crop_region(boxes: list[tuple[int, int, int, int]],
                 image_size: tuple[int, int]) -> tuple[int, int, int, int]:
    image_width, image_height = image_size
    left = max(0, min(box[0] for box in boxes) - CROP_MARGIN)
    top = max(0, min(box[1] for box in boxes) - CROP_MARGIN)
    right = min(image_width, max(box[2] for box in boxes) + CROP_MARGIN)
    bottom = min(image_height, max(box[3] for box in boxes) + CROP_MARGIN)
    missing = min(MIN_CROP_WIDTH, image_width) - (right - left)
    if missing > 0:  # widen around the centre, shifting when one side hits the image edge
        left = max(0, left - missing // 2)
        right = min(image_width, left + min(MIN_CROP_WIDTH, image_width))
        left = max(0, right - min(MIN_CROP_WIDTH, image_width))
    return left, top, right, bottom


def _fit(text: str, font, width: int, draw: ImageDraw.ImageDraw) -> str:
    """The text, cut with an ellipsis where it would overflow the strip."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _annotated_crop(screenshot: Image.Image, boxes: list[tuple[int, int, int, int]],
                    caption_lines: list[str]) -> Image.Image:
    """The region around the boxes, each outlined and numbered, under a caption strip."""
    left, top, right, bottom = _crop_region(boxes, screenshot.size)
    region = screenshot.crop((left, top, right, bottom))
    draw = ImageDraw.Draw(region)
    tag_font = _font(TAG_FONT_SIZE)
    for number, (box_left, box_top, box_right, box_bottom) in enumerate(boxes, start=1):
        outline = (box_left - left - OUTLINE_GAP, box_top - top - OUTLINE_GAP,
                   box_right - left + OUTLINE_GAP, box_bottom - top + OUTLINE_GAP)
        draw.rectangle(outline, outline=OUTLINE_COLOUR, width=OUTLINE_WIDTH)
        text = str(number)
        text_left, text_top, text_right, text_bottom = draw.textbbox((0, 0), text, font=tag_font)
        tag_width, tag_height = text_right - text_left + 6, text_bottom - text_top + 4
        # The number sits in the margin left of the outline, where it hides nothing; inside
        # the top-left corner only when the element touches the crop's left edge.
        tag_x = outline[0] - tag_width
        if tag_x < 0:
            tag_x = outline[0] + OUTLINE_WIDTH
        tag_y = max(0, outline[1])
        draw.rectangle((tag_x, tag_y, tag_x + tag_width - 1, tag_y + tag_height - 1),
                       fill=OUTLINE_COLOUR)
        draw.text((tag_x + 3 - text_left, tag_y + 2 - text_top), text, font=tag_font,
                  fill=TAG_TEXT_COLOUR)
    if not caption_lines:
        return region

    caption_font = _font(CAPTION_FONT_SIZE)
    line_height = CAPTION_FONT_SIZE + 6
    strip_height = 8 + line_height * len(caption_lines)
    annotated = Image.new("RGB", (region.width, region.height + strip_height), CAPTION_BACKGROUND)
    annotated.paste(region, (0, strip_height))
    draw = ImageDraw.Draw(annotated)
    for index, line in enumerate(caption_lines):
        draw.text((6, 4 + index * line_height), _fit(line, caption_font, region.width - 12, draw),
                  font=caption_font, fill=CAPTION_TEXT_COLOUR)
    draw.line((0, strip_height - 1, region.width, strip_height - 1), fill=CAPTION_RULE_COLOUR)
    return annotated
