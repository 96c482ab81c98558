"""Annotated crops: the region of a stored screenshot around the counted posts, each outlined
and numbered, under a caption. Only the screenshot and the boxes are stored; a crop is drawn when
a reviewer or a report asks for it."""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from ..records.evidence import resolve_evidence

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
# A crop's description travels in a signed link: bounded so that no link draws without end.
MAX_BOXES = 1000
MAX_CAPTION_LINES = 5
MAX_CAPTION_CHARS = 500

Box = tuple[int, int, int, int]


def crop_ref(screenshot_ref: dict[str, Any], boxes: list[Box],
             caption: list[str]) -> dict[str, Any]:
    """The evidence reference of a crop of a stored screenshot: the screenshot's own path and
    hash (the pixels are stored once), the boxes outlined (left, top, right, bottom in the
    screenshot's pixels) and the caption lines."""
    return {**screenshot_ref, "kind": "crop", "outlined": len(boxes),
            "boxes": [list(box) for box in boxes], "caption": list(caption)}


def is_drawn(ref: dict[str, Any]) -> bool:
    """Whether the crop is drawn on demand from its screenshot (else: a crop stored as a file
    of its own, as versions before 0.8 made them)."""
    return ref.get("kind") == "crop" and isinstance(ref.get("boxes"), list)


def token(ref: dict[str, Any]) -> str:
    """The crop's boxes and caption as one URL-safe string (what a signed link carries)."""
    spec = {"b": ref["boxes"], "c": ref.get("caption") or []}
    data = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_token(text: str) -> tuple[list[Box], list[str]] | None:
    """The boxes and caption of a token, or None when it is not one ``token`` makes."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        spec = json.loads(data.decode("utf-8"))
        boxes = [tuple(int(v) for v in box) for box in spec["b"]]
        caption = [str(line)[:MAX_CAPTION_CHARS] for line in spec["c"]]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    if not 0 < len(boxes) <= MAX_BOXES or len(caption) > MAX_CAPTION_LINES \
            or any(len(box) != 4 for box in boxes):
        return None
    return boxes, caption


def render(screenshot: Path, boxes: list[Box], caption: list[str]) -> Image.Image | None:
    """The annotated crop of a screenshot file, or None when the file is not a readable
    image."""
    try:
        with Image.open(screenshot) as decoded:
            image = decoded.convert("RGB")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    width, height = image.size
    inside = [(max(0, l), max(0, t), min(width, r), min(height, b)) for l, t, r, b in boxes]
    inside = [box for box in inside if box[2] > box[0] and box[3] > box[1]]
    if not inside:
        return None
    return draw_crop(image, inside, caption)


def render_ref(root: Path, ref: dict[str, Any]) -> Image.Image | None:
    """The crop an evidence reference describes, drawn from its screenshot in the workspace."""
    file = resolve_evidence(root, ref.get("path", ""))
    if file is None or not is_drawn(ref):
        return None
    spec = from_token(token(ref))
    return render(file, *spec) if spec else None


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """DejaVu Sans renders Vietnamese diacritics; Pillow's default font is the fallback."""
    for path in FONT_PATHS:
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1 has one bitmap size only
        return ImageFont.load_default()


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


def draw_crop(screenshot: Image.Image, boxes: list[tuple[int, int, int, int]],
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
