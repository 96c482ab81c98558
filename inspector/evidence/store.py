"""Store an evidence file under evidence/ or screenshots/ by its SHA-256 and record it once."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

from ..workspace import Workspace, utcnow

SUFFIX = {"html": ".html", "screenshot": ".png", "crop": ".png", "trace": ".zip", "video": ".webm",
          "har": ".har"}
FOLDER = {"html": "evidence", "trace": "evidence", "video": "evidence", "har": "evidence",
          "screenshot": "screenshots", "crop": "screenshots"}


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
