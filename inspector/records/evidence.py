"""Evidence files (evidence, evidence_owners): store a file under evidence/ or screenshots/ by
its SHA-256 and record it once, verify, resolve a stored path, and which agency owns which file.
The only code touching those tables."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from .workspace import Workspace, utcnow

SUFFIX = {"html": ".html", "screenshot": ".png", "crop": ".png", "trace": ".zip", "video": ".webm",
          "har": ".har"}
FOLDER = {"html": "evidence", "trace": "evidence", "video": "evidence", "har": "evidence",
          "screenshot": "screenshots", "crop": "screenshots"}
FOLDERS = ("evidence", "screenshots")
# An image is named by what its bytes are: a page's screenshot is WebP since 0.8 (PNG before, a
# journey's steps still are; JPEG where Pillow has no WebP).
IMAGE_SUFFIXES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))


def suffix(kind: str, data: bytes) -> str:
    """The file suffix of evidence of that kind with those bytes."""
    if FOLDER[kind] == "screenshots":
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return ".webp"
        for magic, name in IMAGE_SUFFIXES:
            if data.startswith(magic):
                return name
    return SUFFIX[kind]


def store(ws: Workspace, data: bytes, kind: str, url: str | None = None) -> dict[str, Any]:
    """Write the bytes (once: the same content is the same file) and return the evidence
    reference findings carry: {kind, path, sha256, url}."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(FOLDER[kind]) / digest[:2] / f"{digest}{suffix(kind, data)}"
    path = ws.root / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own: two crawl workers storing the same content never share a tmp file.
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a crash never leaves half a file under its hash
    ws.db["evidence"].insert({"sha256": digest, "path": relative.as_posix(), "kind": kind,
                              "url": url, "captured_at": utcnow(), "size": len(data)},
                             pk="sha256", ignore=True)
    return {"kind": kind, "path": relative.as_posix(), "sha256": digest, "url": url}


def verify(ws: Workspace) -> dict[str, list[str]]:
    """Re-hash every recorded evidence file: {"ok": [...], "missing": [...], "mismatch": [...]}
    by path; also files under evidence/ and screenshots/ that no row records ("unrecorded",
    leftovers of a killed run are harmless but listed)."""
    result: dict[str, list[str]] = {"ok": [], "missing": [], "mismatch": [], "unrecorded": []}
    recorded = set()
    for row in ws.db["evidence"].rows:
        recorded.add(row["path"])
        path = ws.root / row["path"]
        if not path.is_file():
            result["missing"].append(row["path"])
            continue
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        ok = digest.hexdigest() == row["sha256"] and Path(row["path"]).stem == row["sha256"]
        result["ok" if ok else "mismatch"].append(row["path"])
    for folder in sorted(set(FOLDER.values())):
        base = ws.root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                relative = path.relative_to(ws.root).as_posix()
                if path.is_file() and relative not in recorded:
                    result["unrecorded"].append(relative)
    return result


def resolve_evidence(root: Path, relative: str) -> Path | None:
    """The file of a stored evidence path (``evidence/…`` or ``screenshots/…``), or None.

    Refused: anything else, ``..``, ``.`` or empty segments, an absolute path, a backslash, a NUL
    or other control character; and any path that, with its symlinks followed, leaves the
    workspace or its own folder (a symlinked folder pointing elsewhere is refused too).
    Missing files and anything that is not a regular file are None as well."""
    if not isinstance(relative, str) or not relative or len(relative) > 1024:
        return None
    if relative.startswith("/") or "\\" in relative \
            or any(ord(c) < 0x20 or ord(c) == 0x7f for c in relative):
        return None
    parts = relative.split("/")
    if len(parts) < 2 or parts[0] not in FOLDERS \
            or any(p in ("", ".", "..") for p in parts):
        return None
    try:
        base = Path(root).resolve(strict=True)
        folder = (base / parts[0]).resolve(strict=True)
        target = base.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not (folder.is_relative_to(base) and folder != base):
        return None
    if not (target.is_relative_to(folder) and target != folder):
        return None
    try:
        if not stat.S_ISREG(target.stat().st_mode):
            return None
    except OSError:
        return None
    return target


@dataclass(frozen=True)
class EvidenceFile:
    """A recorded evidence file: where it is, what it is, where it was taken from."""

    sha256: str
    path: str
    kind: str
    url: str | None
    captured_at: str
    size: int


def evidence_file(ws: Workspace, path: str) -> EvidenceFile | None:
    """The evidence recorded under ``path``, or None."""
    row = next(ws.db["evidence"].rows_where("path = ?", [path]), None)
    return EvidenceFile(**row) if row else None


def owned_by(ws: Workspace, path: str, agency_id: str | None) -> bool:
    """Whether the evidence under ``path`` is recorded as the agency's (written with the
    observation holding its reference; never found by searching text a portal controls)."""
    return ws.db.execute(
        "select 1 from evidence e join evidence_owners o on o.sha256 = e.sha256 "
        "where e.path = ? and o.agency_id = ? limit 1", [path, agency_id]).fetchone() is not None


def evidence_refs(value: Any) -> Iterator[tuple[str, str]]:
    """(path, sha256) of every evidence reference in a stored value: the dicts that
    ``store`` returns, never a string that merely looks like a path."""
    if isinstance(value, dict):
        if isinstance(value.get("path"), str) and isinstance(value.get("sha256"), str):
            yield value["path"], value["sha256"]
        for item in value.values():
            yield from evidence_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from evidence_refs(item)


def own_evidence(db: sqlite_utils.Database, agency_id: str, value: Any) -> None:
    """Record the agency as owner of the evidence a stored value refers to."""
    for path, sha256 in set(evidence_refs(value)):
        # only a reference to evidence really stored under that path and hash
        if db.execute("select 1 from evidence where sha256 = ? and path = ?",
                      [sha256, path]).fetchone():
            db["evidence_owners"].insert({"sha256": sha256, "agency_id": agency_id},
                                         pk=("sha256", "agency_id"), ignore=True)
