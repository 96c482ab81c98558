"""Remove the citizen's secrets from whatever a journey records (traces, HAR files, text) before
it is stored: every encoding a page or Playwright may have written them in."""

from __future__ import annotations

import base64
import json
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, quote_plus

MASK = "[REDACTED]"


def _json_escaped(text: str) -> set[str]:
    return {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def _inside_base64(raw: bytes) -> set[bytes]:
    """The characters that encode ``raw`` wherever it sits in a base64 stream (HTTP basic auth
    encodes 'user:password'): one form per alignment, without the groups it shares with its
    neighbours."""
    forms = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        core = encoded[4 if shift else 0:((shift + len(raw)) // 3) * 4]
        if len(core) >= 8:
            forms.add(core)
    return forms


def secret_forms(secret: str) -> list[bytes]:
    """The byte strings a secret may appear as: raw, URL-encoded (form and path), JSON-escaped
    (ASCII and not, once, and twice as in a HAR file's JSON request body), and inside base64.
    Longest first, so that no form is left half done."""
    forms = {secret, quote_plus(secret), quote(secret, safe=""), quote(secret)}
    for once in _json_escaped(secret):
        forms |= {once} | _json_escaped(once)
    encoded = {f.encode("utf-8") for f in forms if f}
    encoded |= _inside_base64(secret.encode("utf-8"))
    return sorted(encoded, key=len, reverse=True)


def scrub_bytes(data: bytes, secrets: list[str]) -> bytes:
    for secret in secrets:
        if not secret:
            continue
        for form in secret_forms(secret):
            data = data.replace(form, MASK.encode())
    return data


def scrub_text(text: str, secrets: list[str]) -> str:
    return scrub_bytes(text.encode("utf-8"), secrets).decode("utf-8", "replace")


def scrub_zip(data: bytes, secrets: list[str]) -> bytes:
    """A Playwright trace is a zip of JSON lines and resources; each member is scrubbed."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, scrub_bytes(src.read(info), secrets))
    return out.getvalue()


def scrub_file(path: Path, secrets: list[str]) -> bytes:
    """The file's bytes with the secrets removed (zips member by member)."""
    data = path.read_bytes()
    if zipfile.is_zipfile(BytesIO(data)):
        return scrub_zip(data, secrets)
    return scrub_bytes(data, secrets)
