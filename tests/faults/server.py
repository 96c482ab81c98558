"""An in-process fault server on 127.0.0.1: fake agency portals (a home page with a menu of
sections, listing pages of dated posts, information pages) with named faults behind some of
their sections: a page that never answers, a connection reset mid-response, 5xx always, 503
every other request, 429 with Retry-After the first time, broken chunked encoding, a body of
hundreds of megabytes, a huge declared Content-Length, a redirect loop and a long redirect
chain, an endless calendar; and a TLS listener with a self-signed certificate.

A raw asyncio TCP server (one thread, one event loop), not WSGI: a WSGI server can neither reset
a connection (SO_LINGER 0) nor send a broken chunked body on purpose. Every request is logged
(`FaultServer.hits`) with its arrival time, the fault served, the bytes sent and how the
connection ended, so that a test can tell what the crawler did on the wire."""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from html import escape
from urllib.parse import parse_qsl, urlsplit

LOOPBACK = "127.0.0.1"
MB = 1 << 20
HUGE_STREAM = 400 * MB         # what the streaming "huge" page sends at most if nobody cuts it
HUGE_DECLARED = 5 * (1 << 30)  # what the "huge_declared" page announces in Content-Length
HANG_SECONDS = 120             # how long "timeout" keeps a connection open without answering
CHAIN_HOPS = 30                # the long redirect chain (Scrapy follows 20 at most)
SHORT_CHAIN_HOPS = 3           # a chain every crawler follows

# Faults a section may carry. The first group must end the section not assessed; the second
# must be overcome (the section read, its posts all there).
FATAL_FAULTS = ("timeout", "reset", "http500", "http502", "http503", "chunked_cut",
                "chunked_bad", "huge", "huge_declared", "redirect_loop", "redirect_chain")
TRANSIENT_FAULTS = ("flaky503", "once429", "short_chain", "calendar")
# A section whose first listing page is read but whose later pages always answer 500.
PAGE2_FAULT = "page2_http500"


@dataclass
class Post:
    url: str            # path
    title: str
    published: date


@dataclass
class Section:
    name: str           # the menu text ("Tin tức sự kiện")
    slug: str
    fault: str | None = None
    pages: list[list[Post]] = field(default_factory=list)   # listing page 1, 2, …

    @property
    def path(self) -> str:
        return f"/chuyen-muc/{self.slug}"


@dataclass
class Hit:
    port: int
    path: str
    at: float                     # time.monotonic() when the request line arrived
    fault: str | None = None
    status: int | None = None
    sent: int = 0                 # bytes written to the socket (headers included)
    ended: str = ""               # done, client-closed, reset, cut, hung


def _dates(section_index: int) -> tuple[list[date], list[date]]:
    """Dates of a section's two listing pages: page 1 inside the window ending 26/11/2026, page
    2 reaching back before its start (so the crawler stops there)."""
    first = [date(2026, 11, 20 - section_index % 5), date(2026, 10, 15), date(2026, 8, 3),
             date(2026, 5, 12), date(2026, 2, 2)]
    second = [date(2025, 12, 10), date(2025, 8, 1), date(2025, 3, 3)]
    return first, second


class Site:
    """A fake portal: home, listings with two pages each, articles, information pages, and the
    faults of its sections. `home_fault` puts a fault on every request of the portal."""

    def __init__(self, key: str, title: str, sections: list[tuple[str, str, str | None]],
                 info_faults: dict[str, str] | None = None, home_fault: str | None = None):
        self.key = key
        self.title = title
        self.home_fault = home_fault
        self.info_faults = info_faults or {}
        self.sections: list[Section] = []
        for index, (name, slug, fault) in enumerate(sections):
            section = Section(name, slug, fault)
            for number, days in enumerate(_dates(index), start=1):
                section.pages.append([
                    Post(f"/tin-bai/{slug}-{number}-{i}.html",
                         f"{name}: bài số {number}.{i} của {title}", day)
                    for i, day in enumerate(days, start=1)])
            self.sections.append(section)
        self.by_path = {s.path: s for s in self.sections}
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def posts_of(self, section: Section) -> list[Post]:
        return [p for page in section.pages for p in page]

    def hit_count(self, key: str) -> int:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]

    # -- pages -----------------------------------------------------------------------------
    def _page(self, heading: str, content: str) -> bytes:
        menu = "".join(f"<li><a href='{s.path}'>{escape(s.name)}</a></li>" for s in self.sections)
        return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
                f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
                f"<title>{escape(heading)} - {escape(self.title)}</title></head><body>"
                f"<div id='header'><h2>{escape(self.title)}</h2></div>"
                f"<ul id='menungang' class='menu'><li><a href='/'>Trang chủ</a></li>{menu}</ul>"
                f"<div id='noidung'><h1>{escape(heading)}</h1>{content}</div>"
                f"<div id='footer'><a href='/gioi-thieu'>Giới thiệu</a> | "
                f"<a href='/lien-he'>Liên hệ</a><p>Bản quyền © {escape(self.title)}</p></div>"
                f"</body></html>").encode()

    def home(self) -> bytes:
        return self._page("Trang chủ", "<p>Chào mừng quý vị đến với trang thông tin điện tử.</p>")

    def listing(self, section: Section, number: int) -> bytes | None:
        if not 1 <= number <= len(section.pages):
            return None
        items = "".join(
            f"<div class='tin-item'><a class='tieude' href='{p.url}'>{escape(p.title)}</a>"
            f"<span class='ngaydang'>Ngày đăng: {p.published:%d/%m/%Y}</span>"
            f"<p class='trichdan'>Tóm tắt nội dung bài viết.</p></div>"
            for p in section.pages[number - 1])
        pager = " ".join(f"<b>{n}</b>" if n == number else
                         f"<a href='{section.path}?page={n}'>{n}</a>"
                         for n in range(1, len(section.pages) + 1))
        return self._page(section.name, f"{items}<div class='phantrang'>Trang: {pager}</div>")

    def calendar(self, section: Section, month: str) -> bytes:
        """The endless calendar: every month links the previous and the next one, without end,
        and lists that month's own events, dated in that month (new posts on every page, so a
        crawler reading "while the page holds new posts in the window" never stops by dates
        going forward)."""
        try:
            year, mon = (int(x) for x in month.split("-"))
        except ValueError:
            year, mon = 2026, 11
        prev = f"{year - (mon == 1)}-{12 if mon == 1 else mon - 1:02d}"
        nxt = f"{year + (mon == 12)}-{1 if mon == 12 else mon + 1:02d}"
        items = "".join(
            f"<div class='tin-item'><a class='tieude' href='/su-kien/{year}-{mon:02d}-{i}.html'>"
            f"Sự kiện {i} tháng {mon:02d}/{year}</a>"
            f"<span class='ngaydang'>Ngày đăng: {day:02d}/{mon:02d}/{year}</span></div>"
            for i, day in enumerate((5, 15, 25), start=1))
        pager = (f"<a href='{section.path}?thang={prev}'>« Tháng trước</a> "
                 f"<b>Tháng {mon:02d}/{year}</b> "
                 f"<a href='{section.path}?thang={nxt}'>Tháng sau »</a>")
        return self._page(f"{section.name} tháng {mon:02d}/{year}",
                          f"{items}<div class='phantrang'>{pager}</div>")

    def article(self, path: str) -> bytes | None:
        for section in self.sections:
            for post in self.posts_of(section):
                if post.url == path:
                    return self._page(post.title, f"<p class='ngay'>Ngày đăng: "
                                      f"{post.published:%d/%m/%Y}</p><p>Nội dung bài viết.</p>")
        return None

    def info(self, kind: str) -> bytes:
        if kind == "gioi-thieu":
            body = ("<p>Chức năng, nhiệm vụ, quyền hạn của cơ quan.</p>"
                    "<p>Địa chỉ: số 1 đường Lê Lợi. Điện thoại: 0296 3852 111.</p>")
            return self._page("Giới thiệu", body)
        body = ("<p>Địa chỉ: số 1 đường Lê Lợi</p><p>Điện thoại: 0296 3852 111</p>"
                "<p>Thư điện tử: ubnd@example.gov.vn</p>")
        return self._page("Liên hệ", body)


class FaultServer:
    """Portals on their own ports (a port per portal: the crawler's politeness and page budget
    are per host:port), served from one event loop in a background thread."""

    def __init__(self):
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._servers: list[asyncio.base_events.Server] = []
        self._tasks: set[asyncio.Task] = set()
        self.sites: dict[int, Site] = {}

    def start(self) -> "FaultServer":
        self._thread.start()
        return self

    def serve(self, site: Site, certificate: tuple[str, str] | None = None) -> str:
        """Serve a site on a free port (TLS with the given cert, key); its base URL."""
        context = None
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)

        async def listen():
            return await asyncio.start_server(self._connection, LOOPBACK, 0, ssl=context,
                                              reuse_address=True)
        server = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(10)
        self._servers.append(server)
        port = server.sockets[0].getsockname()[1]
        self.sites[port] = site
        return f"{'https' if certificate else 'http'}://{LOOPBACK}:{port}/"

    def stop(self) -> None:
        async def close():
            for server in self._servers:
                server.close()
            for task in list(self._tasks):
                task.cancel()
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def hits_of(self, port: int | None = None, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if (port is None or h.port == port)
                    and (path is None or h.path == path or h.path.split("?")[0] == path)]

    # -- one connection, one request (Connection: close) -------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        task = asyncio.current_task()
        self._tasks.add(task)
        port = writer.get_extra_info("sockname")[1]
        hit = None
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _ = (line.split(" ") + ["", ""])[:3]
            hit = Hit(port, target, time.monotonic())
            with self._lock:
                self.hits.append(hit)
            await self._respond(self.sites[port], method, target, reader, writer, hit)
            if not hit.ended:
                hit.ended = "done"
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                asyncio.TimeoutError, ssl.SSLError, OSError):
            if hit is not None and not hit.ended:
                hit.ended = "client-closed"
        except asyncio.CancelledError:
            if hit is not None and not hit.ended:
                hit.ended = "cancelled"
        finally:
            self._tasks.discard(task)
            try:
                writer.close()
            except Exception:
                pass

    async def _write(self, writer, hit: Hit, data: bytes) -> None:
        writer.write(data)
        hit.sent += len(data)
        await writer.drain()

    async def _send(self, writer, hit: Hit, status: int, body: bytes = b"",
                    headers: dict[str, str] | None = None,
                    content_type: str = "text/html; charset=utf-8") -> None:
        hit.status = status
        reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found",
                  429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                  503: "Service Unavailable"}.get(status, "Status")
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}",
                 f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        await self._write(writer, hit, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    async def _redirect(self, writer, hit: Hit, location: str) -> None:
        await self._send(writer, hit, 302, b"", {"Location": location})

    async def _respond(self, site: Site, method: str, target: str, reader, writer, hit: Hit):
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query))
        if site.home_fault:
            hit.fault = site.home_fault
            return await self._fault(site.home_fault, site, None, reader, writer, hit)
        if path == "/robots.txt":
            return await self._send(writer, hit, 200, b"User-agent: *\nDisallow:\n",
                                    content_type="text/plain")
        if path in ("/", "/index.html"):
            return await self._send(writer, hit, 200, site.home())
        if path in ("/gioi-thieu", "/lien-he"):
            kind = path.strip("/")
            fault = site.info_faults.get(kind)
            if fault:
                hit.fault = fault
                return await self._fault(fault, site, None, reader, writer, hit)
            return await self._send(writer, hit, 200, site.info(kind))
        # the redirect routes of the sections behind a loop or a chain
        if path.startswith("/vong/"):           # redirect loop: /vong/a → /vong/b → /vong/a
            hit.fault = "redirect_loop"
            return await self._redirect(writer, hit, "/vong/b" if path.endswith("/a") else "/vong/a")
        if path.startswith("/chuoi/"):          # chain /chuoi/<slug>/<n> → … → the listing
            _, _, slug, number = path.split("/")
            section = next(s for s in site.sections if s.slug == slug)
            hops = CHAIN_HOPS if section.fault == "redirect_chain" else SHORT_CHAIN_HOPS
            hit.fault = section.fault
            if int(number) < hops:
                return await self._redirect(writer, hit, f"/chuoi/{slug}/{int(number) + 1}")
            return await self._send(writer, hit, 200, site.listing(section, 1))
        section = site.by_path.get(path)
        if section is not None:
            page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 0
            fault = section.fault
            if fault:
                hit.fault = fault
            if fault in FATAL_FAULTS:
                return await self._fault(fault, site, section, reader, writer, hit)
            if fault == "flaky503" and site.hit_count(target) % 2 == 1:
                return await self._send(writer, hit, 503, b"<h1>503 Service Unavailable</h1>")
            if fault == "once429" and site.hit_count(target) == 1:
                return await self._send(writer, hit, 429, b"<h1>429 Too Many Requests</h1>",
                                        {"Retry-After": "1"})
            if fault == "short_chain" and not query:
                hit.fault = "short_chain"
                return await self._redirect(writer, hit, f"/chuoi/{section.slug}/1")
            if fault == PAGE2_FAULT and page >= 2:
                return await self._send(writer, hit, 500, b"<h1>500</h1>")
            if fault == "calendar":
                return await self._send(writer, hit, 200,
                                        site.calendar(section, query.get("thang", "2026-11")))
            body = site.listing(section, page)
            if body is not None:
                return await self._send(writer, hit, 200, body)
        body = site.article(path)
        if body is not None:
            return await self._send(writer, hit, 200, body)
        return await self._send(writer, hit, 404, b"<h1>404 Not Found</h1>")

    # -- the faults ----------------------------------------------------------------------------
    async def _fault(self, fault: str, site: Site, section: Section | None, reader, writer,
                     hit: Hit):
        if fault == "timeout":                  # read the request, never answer
            hit.ended = "hung"
            try:
                await asyncio.wait_for(reader.read(), HANG_SECONDS)
            except asyncio.TimeoutError:
                pass
            hit.ended = "hung, then closed by the client"
            return
        if fault == "reset_early":              # RST before a single byte of the answer
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            hit.ended = "reset"
            return
        if fault == "reset":                    # half a page, then RST (SO_LINGER 0)
            body = site.listing(section, 1) if section else site.home()
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
            hit.status = 200
            await self._write(writer, hit, head + body[: len(body) // 3])
            await asyncio.sleep(0.05)
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            hit.ended = "reset"
            return
        if fault.startswith("http5"):
            return await self._send(writer, hit, int(fault[4:]),
                                    f"<h1>{fault[4:]} Lỗi máy chủ</h1>".encode())
        if fault in ("chunked_cut", "chunked_bad"):
            body = site.listing(section, 1)
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            half = body[: len(body) // 2]
            hit.status = 200
            await self._write(writer, hit, head + f"{len(half):x}\r\n".encode() + half + b"\r\n")
            if fault == "chunked_bad":          # a chunk size that is not hexadecimal
                await self._write(writer, hit, b"zz-not-a-size\r\n" + body[len(half):] + b"\r\n")
            # no terminating 0-size chunk: the connection simply ends (FIN)
            await asyncio.sleep(0.05)
            hit.ended = "cut"
            return
        if fault == "huge":                     # chunked, generated on the fly, 400 MB at most
            hit.status = 200
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            start = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{section.name}"
                     f"</title></head><body><div id='noidung'><h1>{section.name}</h1>"
                     f"<!-- ").encode()
            await self._write(writer, hit, head + f"{len(start):x}\r\n".encode() + start + b"\r\n")
            block = (b"nhat-ky-may-chu " * 4096)          # 64 KiB, the same bytes each time
            frame = f"{len(block):x}\r\n".encode() + block + b"\r\n"
            while hit.sent < HUGE_STREAM:
                await self._write(writer, hit, frame)
            end = b" --></div></body></html>"
            await self._write(writer, hit, f"{len(end):x}\r\n".encode() + end + b"\r\n0\r\n\r\n")
            return
        if fault == "huge_declared":            # announces 5 GiB, streams until cut (64 MB cap)
            hit.status = 200
            await self._write(writer, hit, (
                f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {HUGE_DECLARED}\r\nConnection: close\r\n\r\n").encode())
            block = b"<p>" + b"x" * 65529 + b"</p>"
            while hit.sent < 64 * MB:
                await self._write(writer, hit, block)
            hit.ended = "gave up"
            return
        if fault == "redirect_loop":
            return await self._redirect(writer, hit, "/vong/a")
        if fault == "redirect_chain":
            return await self._redirect(writer, hit, f"/chuoi/{section.slug}/1")
        raise ValueError(f"unknown fault {fault!r}")
