"""Store an evidence file under evidence/ or screenshots/ by its SHA-256 and record it once."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from pathlib import Path
from typing import Any

from ..records.workspace import Workspace, utcnow

SUFFIX = {"html": ".html", "screenshot": ".png", "crop": ".png", "trace": ".zip", "video": ".webm",
          "har": ".har"}
FOLDER = {"html": "evidence", "trace": "evidence", "video": "evidence", "har": "evidence",
          "screenshot": "screenshots", "crop": "screenshots"}
FOLDERS = ("evidence", "screenshots")


def store(ws: Workspace, data: bytes, kind: str, url: str | None = None) -> dict[str, Any]:
    """Write the bytes (once: the same content is the same file) and return the evidence
    reference findings carry: {kind, path, sha256, url}."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(FOLDER[kind]) / digest[:2] / f"{digest}{SUFFIX[kind]}"
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
