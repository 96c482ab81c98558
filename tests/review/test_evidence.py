"""The evidence origin: signed expiring links, paths that cannot leave the workspace, and the
headers that keep a hostile capture sandboxed (werkzeug's client against the WSGI app)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, quote

import pytest
from werkzeug.test import Client

from inspector.records.evidence import store
from inspector.review.evidence import EvidenceApp, EvidenceSigner, resolve_evidence
from inspector.records.workspace import Workspace

REVIEW_ORIGIN = "http://127.0.0.1:8000"
CSP = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
       "font-src data:; form-action 'none'; base-uri 'none'; "
       f"frame-ancestors {REVIEW_ORIGIN}")
HOSTILE_HTML = (
    "<html><head><base href='http://127.0.0.1:8000/'><script>top.location='http://127.0.0.1:8000/"
    "dang-xuat';document.cookie='phien=x';navigator.serviceWorker.register('/sw.js')</script>"
    "</head><body onload=\"document.forms[0].submit()\"><form method=post "
    "action='http://127.0.0.1:8000/co-quan/x/dieu-chinh'><input name=points value=0></form>"
    "<p>Trang đã lưu</p></body></html>").encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
USER = "duyet"


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    yield workspace
    workspace.close()


@pytest.fixture
def signer():
    return EvidenceSigner(b"s" * 32)


@pytest.fixture
def stored(ws):
    refs = {
        "html": store(ws, HOSTILE_HTML, "html", "http://127.0.0.1:8101/"),
        "screenshot": store(ws, PNG, "screenshot", "http://127.0.0.1:8101/"),
        "trace": store(ws, b"PK\x03\x04trace", "trace"),
        "video": store(ws, b"\x1aE\xdf\xa3webm", "video"),
        "har": store(ws, b'{"log": {}}', "har"),
    }
    other = ws.root / "evidence" / "ab" / "khac.bin"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(b"\x00\x01binary")
    refs["bin"] = {"path": "evidence/ab/khac.bin"}
    return refs


@pytest.fixture
def client(ws, signer):
    return Client(EvidenceApp(ws.root, signer, frame_ancestor=REVIEW_ORIGIN))


def link(signer: EvidenceSigner, path: str, username: str = USER, **kw) -> str:
    return f"/e/{quote(path)}?{signer.sign(path, username, **kw)}"


def hardened(response) -> None:
    """The headers every answer of the evidence origin carries, and no cookie."""
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in headers
    assert "Service-Worker-Allowed" not in headers


# --- the app: signed links ------------------------------------------------------------------

@pytest.mark.parametrize("kind, content_type, attachment", [
    ("html", "text/html; charset=utf-8", False),
    ("screenshot", "image/png", False),
    ("video", "video/webm", False),
    ("trace", "application/zip", True),
    ("har", "application/json", True),
    ("bin", "application/octet-stream", True),
])
def test_a_signed_link_serves_the_exact_bytes_with_every_header(client, signer, ws, stored,
                                                                 kind, content_type, attachment):
    path = stored[kind]["path"]
    response = client.get(link(signer, path), headers={"Cookie": "phien=abc"})
    assert response.status_code == 200
    hardened(response)
    assert response.headers["Content-Type"] == content_type
    assert response.get_data() == (ws.root / path).read_bytes()
    assert int(response.headers["Content-Length"]) == (ws.root / path).stat().st_size
    disposition = response.headers.get("Content-Disposition")
    if attachment:
        assert disposition == f'attachment; filename="{Path(path).name}"'
    else:
        assert disposition is None


def test_the_hostile_capture_is_served_as_is_but_only_under_the_sandbox(client, signer, stored):
    response = client.get(link(signer, stored["html"]["path"]))
    assert response.get_data() == HOSTILE_HTML
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;")           # no allow-scripts, no allow-same-origin
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert "form-action 'none'" in csp and f"frame-ancestors {REVIEW_ORIGIN}" in csp


def test_head_answers_the_headers_without_the_body(client, signer, stored):
    path = stored["screenshot"]["path"]
    response = client.head(link(signer, path))
    assert response.status_code == 200
    hardened(response)
    assert response.get_data() == b""
    assert response.headers["Content-Type"] == "image/png"
    assert int(response.headers["Content-Length"]) == len(PNG)


def test_byte_ranges_let_a_video_seek(client, signer, stored):
    url = link(signer, stored["screenshot"]["path"])
    part = client.get(url, headers={"Range": "bytes=8-15"})
    assert part.status_code == 206
    hardened(part)
    assert part.get_data() == PNG[8:16]
    assert part.headers["Content-Range"] == f"bytes 8-15/{len(PNG)}"
    beyond = client.get(url, headers={"Range": f"bytes={len(PNG) + 10}-"})
    assert beyond.status_code == 416
    hardened(beyond)


def forged_queries(signer: EvidenceSigner, path: str) -> dict[str, str]:
    good = parse_qs(signer.sign(path, USER))
    exp, sig = good["exp"][0], good["sig"][0]
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    return {
        "other user": f"u=khach&exp={exp}&sig={sig}",
        "wrong sig": f"u={USER}&exp={exp}&sig={'0' * 64}",
        "last digit changed": f"u={USER}&exp={exp}&sig={sig[:-1]}{'1' if sig[-1] == '0' else '0'}",
        "upper-case sig": f"u={USER}&exp={exp}&sig={sig.upper()}",
        "later exp": f"u={USER}&exp={int(exp) + 3600}&sig={sig}",
        "other secret": EvidenceSigner(b"t" * 32).sign(path, USER),
        "other path's sig": signer.sign(path.replace(".png", ".html"), USER),
        "expired": signer.sign(path, USER, now=past),
        "no sig": f"u={USER}&exp={exp}",
        "no exp": f"u={USER}&sig={sig}",
        "no user": f"exp={exp}&sig={sig}",
        "nothing": "",
        "sig twice": f"u={USER}&exp={exp}&sig={sig}&sig={sig}",
        "negative exp": f"u={USER}&exp=-{exp}&sig={sig}",
    }


@pytest.mark.parametrize("case", list(forged_queries(EvidenceSigner(b"x" * 32), "a.png")))
def test_a_link_without_its_valid_signature_is_403(client, signer, stored, case):
    path = stored["screenshot"]["path"]
    query = forged_queries(signer, path)[case]
    response = client.get(f"/e/{path}?{query}")
    assert response.status_code == 403
    hardened(response)
    assert response.get_data() != PNG


# Paths as they appear in the URL (already percent-encoded where they need to be) and as the
# server decodes and verifies them.
HOSTILE_PATHS = {
    "parent": ("../inspector.db", "../inspector.db"),
    "parent inside": ("evidence/../inspector.db", "evidence/../inspector.db"),
    "absolute": ("/etc/passwd", "/etc/passwd"),
    "encoded parent": ("evidence/%2e%2e/inspector.db", "evidence/../inspector.db"),
    "encoded slashes": ("evidence%2F..%2F..%2Finspector.db", "evidence/../../inspector.db"),
    "two up": ("screenshots/../../x", "screenshots/../../x"),
    "nul": ("evidence/ab/x%00.html", "evidence/ab/x\x00.html"),
    "backslash": ("evidence%5C..%5Cinspector.db", "evidence\\..\\inspector.db"),
    "database": ("inspector.db", "inspector.db"),
    "folder itself": ("evidence", "evidence"),
    "missing": ("evidence/ab/" + "0" * 64 + ".html", "evidence/ab/" + "0" * 64 + ".html"),
}


@pytest.mark.parametrize("case", list(HOSTILE_PATHS))
def test_a_path_out_of_the_evidence_folders_is_404_even_when_signed(client, signer, stored, case):
    in_url, decoded = HOSTILE_PATHS[case]
    signed = client.get(f"/e/{in_url}?{signer.sign(decoded, USER)}")
    assert signed.status_code == 404
    hardened(signed)
    unsigned = client.get(f"/e/{in_url}?u={USER}&exp=9999999999&sig={'0' * 64}")
    assert unsigned.status_code == 403     # without a signature nothing is told about files
    hardened(unsigned)


def test_a_symlink_out_of_the_workspace_is_404(client, signer, ws, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("<p>bí mật</p>")
    (ws.root / "evidence" / "ab").mkdir(parents=True, exist_ok=True)
    os.symlink(secret, ws.root / "evidence" / "ab" / "link.html")
    os.symlink(tmp_path, ws.root / "screenshots" / "zz")
    os.symlink(ws.root / "inspector.db", ws.root / "evidence" / "ab" / "db.html")
    for path in ("evidence/ab/link.html", "screenshots/zz/secret.html", "evidence/ab/db.html"):
        response = client.get(link(signer, path))
        assert response.status_code == 404, path
        hardened(response)
        assert b"m\xe1\xba\xadt" not in response.get_data()


def test_other_urls_are_404(client, signer, stored):
    path = stored["html"]["path"]
    for url in ("/", f"/{path}?{signer.sign(path, USER)}", "/sw.js", "/E/" + path):
        response = client.get(url)
        assert response.status_code == 404
        hardened(response)
    assert client.get("/e/").status_code == 403          # under /e/ the signature comes first
    assert client.get(f"/e/?{signer.sign('', USER)}").status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_allowed(client, signer, stored, method):
    response = client.open(link(signer, stored["html"]["path"]), method=method, data=b"x")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    hardened(response)


@pytest.mark.parametrize("headers", [{"Service-Worker": "script"},
                                     {"Sec-Fetch-Dest": "serviceworker"},
                                     {"Sec-Fetch-Dest": "worker"},
                                     {"Sec-Fetch-Dest": "script"}])
def test_a_service_worker_or_script_fetch_is_403(client, signer, stored, headers):
    response = client.get(link(signer, stored["html"]["path"]), headers=headers)
    assert response.status_code == 403
    hardened(response)


def test_the_frame_ancestor_must_be_one_origin(ws, signer):
    for bad in ("http://127.0.0.1:8000; script-src *", "http://a\r\nSet-Cookie: x=1", "*",
                "http://127.0.0.1:8000 https://evil.example", ""):
        with pytest.raises(ValueError):
            EvidenceApp(ws.root, signer, frame_ancestor=bad)
    app = EvidenceApp(ws.root, signer, frame_ancestor="http://127.0.0.1:8000/")
    assert app.csp.endswith("frame-ancestors http://127.0.0.1:8000")
    assert EvidenceApp(ws.root, signer, "'none'").csp.endswith("frame-ancestors 'none'")


# --- resolve_evidence ---------------------------------------------------------------------

def test_resolve_evidence_finds_stored_files(ws, stored):
    for ref in stored.values():
        assert resolve_evidence(ws.root, ref["path"]) == (ws.root / ref["path"]).resolve()


@pytest.mark.parametrize("relative", [
    "", "inspector.db", "../inspector.db", "evidence/../inspector.db", "/etc/passwd",
    "screenshots/../../x", "evidence/ab/../../inspector.db", "evidence\\ab\\x.html",
    "evidence/ab/x\x00.html", "evidence//ab", "evidence/./ab", "evidence", "evidence/",
    "evidence/ab", "other/ab/x.html", "Evidence/ab/x.html", "./evidence/ab/x.html",
    "evidence/ab/x\n.html",
])
def test_resolve_evidence_refuses(ws, stored, relative):
    assert resolve_evidence(ws.root, relative) is None


def test_resolve_evidence_refuses_malformed_versions_of_a_stored_path(ws, stored):
    path = stored["html"]["path"]
    folder, rest = path.split("/", 1)
    for relative in (f"/{path}", path.replace("/", "\\"), f"{folder}/./{rest}",
                     f"{folder}//{rest}", f"{folder}/../{path}", path + "\x00",
                     str(ws.root / path)):
        assert resolve_evidence(ws.root, relative) is None, relative


def test_resolve_evidence_follows_symlinks_only_within_the_folder(ws, stored, tmp_path):
    html = stored["html"]["path"]
    shot = stored["screenshot"]["path"]
    folder = ws.root / "evidence" / "cd"
    folder.mkdir()
    os.symlink(ws.root / html, folder / "same.html")                  # within evidence/
    os.symlink(ws.root / shot, folder / "shot.png")                   # into screenshots/
    os.symlink(ws.root / "inspector.db", folder / "db.html")          # within the workspace
    os.symlink(tmp_path / "nowhere", folder / "dangling.html")
    os.symlink("/etc/passwd", folder / "passwd.html")
    os.symlink(folder / "loop.html", folder / "loop.html")
    assert resolve_evidence(ws.root, "evidence/cd/same.html") == (ws.root / html).resolve()
    for name in ("shot.png", "db.html", "dangling.html", "passwd.html", "loop.html"):
        assert resolve_evidence(ws.root, f"evidence/cd/{name}") is None, name


def test_resolve_evidence_refuses_a_folder_symlinked_out_of_the_workspace(tmp_path):
    root = tmp_path / "ws"
    outside = tmp_path / "elsewhere"
    (outside / "ab").mkdir(parents=True)
    (outside / "ab" / "x.html").write_text("x")
    root.mkdir()
    os.symlink(outside, root / "evidence")
    assert resolve_evidence(root, "evidence/ab/x.html") is None


def test_resolve_evidence_refuses_directories(ws, stored):
    assert resolve_evidence(ws.root, "evidence/" + stored["html"]["path"].split("/")[1]) is None


# --- EvidenceSigner -----------------------------------------------------------------------

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
PATH = "screenshots/ab/" + "ab" * 32 + ".png"


def parts(query: str) -> tuple[str, str, str]:
    values = parse_qs(query, strict_parsing=True)
    assert sorted(values) == ["exp", "sig", "u"] and all(len(v) == 1 for v in values.values())
    return values["u"][0], values["exp"][0], values["sig"][0]


def test_sign_makes_the_query_string_the_brief_names(signer):
    query = signer.sign(PATH, USER, now=NOW)
    assert query.startswith(f"u={USER}&exp=")
    username, exp, sig = parts(query)
    assert username == USER
    assert exp == str(int((NOW + timedelta(minutes=30)).timestamp()))
    assert len(sig) == 64 and set(sig) <= set("0123456789abcdef")
    assert signer.verify(PATH, USER, exp, sig, now=NOW)


def test_the_signature_is_hmac_sha256_over_path_user_exp():
    import hashlib
    import hmac
    signer = EvidenceSigner(b"k" * 32)
    _, exp, sig = parts(signer.sign(PATH, USER, now=NOW))
    message = f"{PATH}|{USER}|{exp}".encode()
    assert sig == hmac.new(b"k" * 32, message, hashlib.sha256).hexdigest()


def test_verify_honours_the_expiry(signer):
    _, exp, sig = parts(signer.sign(PATH, USER, lifetime=timedelta(minutes=5), now=NOW))
    assert signer.verify(PATH, USER, exp, sig, now=NOW + timedelta(minutes=4, seconds=59))
    assert not signer.verify(PATH, USER, exp, sig, now=NOW + timedelta(minutes=5))
    assert not signer.verify(PATH, USER, exp, sig, now=NOW + timedelta(days=1))
    naive = NOW.replace(tzinfo=None)                     # a naive datetime is UTC
    assert signer.verify(PATH, USER, exp, sig, now=naive)
    assert not signer.verify(PATH, USER, exp, sig, now=naive + timedelta(minutes=6))
    # without `now`: the real clock
    _, exp, sig = parts(signer.sign(PATH, USER))
    assert signer.verify(PATH, USER, exp, sig)
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    _, exp, sig = parts(signer.sign(PATH, USER, now=past))
    assert not signer.verify(PATH, USER, exp, sig)


def test_verify_binds_path_user_and_secret(signer):
    _, exp, sig = parts(signer.sign(PATH, USER, now=NOW))
    assert not signer.verify(PATH + "x", USER, exp, sig, now=NOW)
    assert not signer.verify(PATH, "khach", exp, sig, now=NOW)
    assert not signer.verify(PATH, USER, str(int(exp) + 1), sig, now=NOW)
    assert not EvidenceSigner(b"t" * 32).verify(PATH, USER, exp, sig, now=NOW)
    # the separator cannot be moved between fields
    _, exp2, sig2 = parts(signer.sign("a|b", "c", now=NOW))
    assert not signer.verify("a", "b|c", exp2, sig2, now=NOW)


@pytest.mark.parametrize("bad", [
    {"exp": ""}, {"exp": "abc"}, {"exp": " 1"}, {"exp": "-1"}, {"exp": "1.5"},
    {"exp": "9" * 40}, {"sig": ""}, {"sig": "zz" * 32}, {"sig": "ab"}, {"sig": "AB" * 32},
    {"sig": "é" * 64}, {"username": ""}, {"username": "a|b"}, {"username": None},
    {"exp": None}, {"sig": None}, {"path": None},
])
def test_verify_is_false_for_malformed_values(signer, bad):
    _, exp, sig = parts(signer.sign(PATH, USER, now=NOW))
    values = {"path": PATH, "username": USER, "exp": exp, "sig": sig, **bad}
    assert signer.verify(values["path"], values["username"], values["exp"], values["sig"],
                         now=NOW) is False


def test_the_signer_refuses_weak_secrets_and_bad_inputs():
    with pytest.raises(ValueError):
        EvidenceSigner(b"")
    with pytest.raises(ValueError):
        EvidenceSigner(b"short")
    signer = EvidenceSigner(b"k" * 16)
    for username in ("", "a|b", "a\nb"):
        with pytest.raises(ValueError):
            signer.sign(PATH, username)
    with pytest.raises(ValueError):
        signer.sign(PATH, USER, lifetime=timedelta(0))


def test_a_link_bound_to_a_session_works_only_while_that_session_lasts(ws, signer, stored):
    path = stored["screenshot"]["path"]
    open_sessions = {("duyet", "a" * 32)}
    app = EvidenceApp(ws.root, signer, "http://127.0.0.1:8000",
                      session_alive=lambda user, key: (user, key) in open_sessions)
    client = Client(app)
    bound = f"/e/{quote(path)}?{signer.sign(path, USER, session='a' * 32)}"
    assert client.get(bound).status_code == 200
    # the same link naming another session, or none: the signature no longer holds
    assert client.get(bound.replace("a" * 32, "b" * 32)).status_code == 403
    assert client.get(link(signer, path)).status_code == 403     # unbound links are refused
    open_sessions.clear()                                          # logged out
    assert client.get(bound).status_code == 403
    with pytest.raises(ValueError):
        signer.sign(path, USER, session="not-hex")


def test_a_signed_crop_link_draws_the_outlines_over_the_screenshot(client, signer, ws):
    """A crop is drawn on demand from its screenshot and the boxes its signed link carries;
    changing the boxes of a signed link is refused."""
    import io

    from PIL import Image

    from inspector.evidence import crops

    page = Image.new("RGB", (1280, 1400), (255, 255, 255))
    buffer = io.BytesIO()
    page.save(buffer, "WEBP", quality=75)
    shot = store(ws, buffer.getvalue(), "screenshot", "http://127.0.0.1:8101/tin-tuc")
    assert shot["path"].endswith(".webp")
    ref = crops.crop_ref(shot, [(100, 300, 500, 330), (100, 400, 500, 430)],
                         ["Chuyên mục “Tin tức”", "http://127.0.0.1:8101/tin-tuc"])
    token = crops.token(ref)
    response = client.get(link(signer, shot["path"], crop=token))
    assert response.status_code == 200 and response.mimetype == "image/png"
    hardened(response)
    crop = Image.open(io.BytesIO(response.data)).convert("RGB")
    assert crop.width == 640                 # MIN_CROP_WIDTH around boxes 400 px wide
    assert crops.OUTLINE_COLOUR in {c for _, c in crop.getcolors(1 << 20)}

    # the whole screenshot under the same path is another link, with its own signature
    whole = client.get(link(signer, shot["path"]))
    assert whole.mimetype == "image/webp" and Image.open(io.BytesIO(whole.data)).size == \
        (1280, 1400)
    # boxes of one's own choosing under a signature made for other boxes
    forged = crops.token(crops.crop_ref(shot, [(0, 0, 1280, 1400)], ["giả"]))
    query = signer.sign(shot["path"], USER, crop=token).replace(f"crop={token}", f"crop={forged}")
    assert client.get(f"/e/{quote(shot['path'])}?{query}").status_code == 403
    # a crop link of the signer's own but not a crop token: nothing drawn
    assert client.get(link(signer, shot["path"], crop="khong-phai")).status_code == 404
