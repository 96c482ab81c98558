"""Store an evidence file under evidence/ or screenshots/ by its SHA-256 and record it once."""

from __future__ import annotations

import hashlib
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
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a crash never leaves half a file under its hash
    ws.db["evidence"].insert({"sha256": digest, "path": relative.as_posix(), "kind": kind,
                              "url": url, "captured_at": utcnow(), "size": len(data)},
                             pk="sha256", ignore=True)
    return {"kind": kind, "path": relative.as_posix(), "sha256": digest, "url": url}
