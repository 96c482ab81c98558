"""Serve the sandbox province on loopback: one server per agency portal, the two online-service
portals, the SMTP sink and a control endpoint for the sandbox clock; write the register and the
ground truth beside them."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import random
import socket
import threading
from pathlib import Path
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from . import vocabulary as V
from .files import write_outputs
from .generator import _fill, _Ids, topics_of_title
from .model import SERVICE_BEHAVIOURS, Province
from .platforms import portal_class
from .services.clock import SandboxClock
from .services.mail import SmtpSink
from .services.spa import SinglePageAppPortal
from .services.ssr import ServerRenderedPortal
from .trouble import TroublePortal

LOOPBACK = "127.0.0.1"


def _free_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def self_signed_certificate(folder: Path, host: str = LOOPBACK) -> tuple[str, str]:
    """A certificate for the sandbox's address signed by itself (the HTTPS portal a crawler
    must accept)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"portal-cert-{host}.pem", folder / f"portal-key-{host}.pem"
    if host == LOOPBACK:        # the name it always had
        cert_path, key_path = folder / "portal-cert.pem", folder / "portal-key.pem"
    if cert_path.exists() and key_path.exists():
        return str(cert_path), str(key_path)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox (tự ký)")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(cert_path), str(key_path)


class ControlApp:
    """GET /clock tells the sandbox time; POST /clock?advance_hours=N moves it on (the service
    checker's re-check after four hours, without waiting four hours). POST
    /service/<id>?behaviour=B changes a DVCTT service's behaviour from now on (a service that
    breaks after it was recognised: the reviewers' re-check, hậu kiểm). POST
    /content?share=0.05&seed=N[&agency=ID…] publishes a new post at the top of some sections of
    that share of the portals (what a nightly incremental crawl must find) and answers what
    changed."""

    def __init__(self, clock: SandboxClock, services: list | None = None, change_content=None):
        self.clock = clock
        self.services = {s.id: s for s in services or []}
        self.change_content = change_content     # (share, seed, agency ids) → what changed

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/content" and self.change_content is not None:
            if request.method != "POST":
                return Response("POST only", status=405)(environ, start_response)
            try:
                share = float(request.args.get("share", request.form.get("share", "0.05")))
                seed = int(request.args.get("seed", request.form.get("seed", "1")))
            except ValueError as exc:
                return Response(f"bad parameter: {exc}", status=400)(environ, start_response)
            if not 0 < share <= 1:
                return Response("share must be in (0, 1]", status=400)(environ, start_response)
            agency_ids = request.args.getlist("agency") or None
            body = json.dumps(self.change_content(share, seed, agency_ids), ensure_ascii=False)
            return Response(body, mimetype="application/json")(environ, start_response)
        if request.path.startswith("/service/"):
            service = self.services.get(request.path[len("/service/"):])
            if service is None:
                return Response("no such service", status=404)(environ, start_response)
            if request.method == "POST":
                behaviour = request.args.get("behaviour", request.form.get("behaviour", ""))
                if behaviour not in SERVICE_BEHAVIOURS:
                    return Response(f"unknown behaviour {behaviour!r}", status=400)(
                        environ, start_response)
                service.behaviour = behaviour
            body = json.dumps({"id": service.id, "behaviour": service.behaviour})
            return Response(body, mimetype="application/json")(environ, start_response)
        if request.path == "/clock":
            if request.method == "POST":
                hours = float(request.args.get("advance_hours", request.form.get("advance_hours", "0")))
                self.clock.advance(dt.timedelta(hours=hours))
            body = json.dumps({"now": self.clock.now().isoformat(timespec="seconds")})
            return Response(body, mimetype="application/json")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)


class Sandbox:
    """The running sandbox. Ports: `base_port` 0 picks free ports (tests); otherwise agency i
    listens on base_port + 1 + i and the service portals, SMTP sink and control follow."""

    def __init__(self, province: Province, out_dir: Path, *, base_port: int = 0,
                 slow_seconds: float = 1.5, service_slow_seconds: float = 2.0,
                 host: str = LOOPBACK):
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the sandbox serves on a loopback address only, not {host}")
        # Another loopback address than the review page's keeps the portals on another host
        # name: a browser then never sends the page's session cookie to a portal.
        self.host = host
        self.province = province
        self.out_dir = Path(out_dir)
        self.base_port = base_port
        self.slow_seconds = slow_seconds
        self.service_slow_seconds = service_slow_seconds
        self._servers: list[Any] = []
        self._taken: set[int] = set()
        self._threads: list[threading.Thread] = []
        self.sink: SmtpSink | None = None
        self.urls: dict[str, str] = {}
        self.portal_apps: dict[str, Any] = {}
        self.trouble_apps: dict[str, TroublePortal] = {}
        self._content_lock = threading.Lock()
        self.clock = SandboxClock(dt.datetime.combine(province.as_of, dt.time(8, 0)))

    def _port(self, offset: int) -> int:
        if self.base_port:
            return self.base_port + offset
        while True:  # the OS may hand the same free port out twice before anything binds it
            port = _free_port(self.host)
            if port not in self._taken:
                self._taken.add(port)
                return port

    def _serve(self, app, port: int, ssl_context=None) -> int:
        server = make_server(self.host, port, app, threaded=True, ssl_context=ssl_context)
        thread = threading.Thread(target=server.serve_forever, name=f"sandbox:{server.port}",
                                  daemon=True)
        thread.start()
        self._servers.append(server)
        self._threads.append(thread)
        return server.port

    def _assign_urls(self) -> dict[str, int]:
        """Every server's port and every agency's base URL (fixed ports when base_port is set,
        so the register and ground truth can be written without serving)."""
        agencies = self.province.agencies
        mounts = self._mounts()
        n = len(agencies)
        ports = {a.id: self._port(1 + i) for i, a in enumerate(agencies) if a.id not in mounts}
        ports.update({"ssr": self._port(n + 1), "spa": self._port(n + 2),
                      "smtp": self._port(n + 3), "control": self._port(n + 4)})
        for agency in agencies:
            if agency.id in mounts:
                continue
            scheme = "https" if agency.has("https_self_signed") else "http"
            agency.base_url = f"{scheme}://{self.host}:{ports[agency.id]}/"
        for agency in agencies:  # a sub-site: a path under its host's portal, no port of its own
            if agency.id in mounts:
                host, prefix = mounts[agency.id]
                agency.base_url = (self.province.agency(host).base_url.rstrip("/")
                                   + "/" + prefix.strip("/") + "/")
        return ports

    def _mounts(self) -> dict[str, tuple[str, str]]:
        """Sub-sites (agency id → (host agency id, path prefix)) of a province that has them
        (the generality corpus's communes published under their district's host)."""
        return dict(getattr(self.province, "mounts", None) or {})

    def portals(self) -> dict[str, Any]:
        return {a.id: portal_class(a.platform)(a, self.province) for a in self.province.agencies}

    def write(self) -> dict[str, Path]:
        """Write register.yaml, catalog.csv and ground_truth.json without serving."""
        if self.base_port == 0:
            raise ValueError("writing without serving needs fixed ports (base_port > 0)")
        ports = self._assign_urls()
        urls = {"ssr": f"http://{self.host}:{ports['ssr']}", "spa": f"http://{self.host}:{ports['spa']}",
                "control": f"http://{self.host}:{ports['control']}",
                "smtp": f"smtp://{self.host}:{ports['smtp']}"}
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return write_outputs(self.province, self.portals(), urls, self.out_dir)

    def start(self) -> "Sandbox":
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        ports = self._assign_urls()
        self.sink = SmtpSink(self.out_dir / "mail", host=self.host, port=ports["smtp"])
        self.sink.start()
        smtp = (self.host, self.sink.port)
        services = self.province.services
        ssr = ServerRenderedPortal(self.province, [s for s in services if s.portal == "ssr"],
                                   self.clock, smtp=smtp, slow_seconds=self.service_slow_seconds)
        spa = SinglePageAppPortal(self.province, [s for s in services if s.portal == "spa"],
                                  self.clock, smtp=smtp, slow_seconds=self.service_slow_seconds)
        self.service_apps = {"ssr": ssr, "spa": spa}
        self.urls["ssr"] = f"http://{self.host}:{self._serve(ssr, ports['ssr'])}"
        self.urls["spa"] = f"http://{self.host}:{self._serve(spa, ports['spa'])}"
        control = ControlApp(self.clock, services, change_content=self.change_content)
        self.urls["control"] = f"http://{self.host}:{self._serve(control, ports['control'])}"
        self.urls["smtp"] = f"smtp://{self.host}:{self.sink.port}"
        self.portal_apps = self.portals()
        mounts = self._mounts()
        for agency in self.province.agencies:
            if agency.has("down"):
                continue  # its port stays closed: connection refused
            self.trouble_apps[agency.id] = TroublePortal(self.portal_apps[agency.id], agency,
                                                         self.slow_seconds)
        sub_sites: dict[str, dict[str, Any]] = {}
        for agency_id, (host, prefix) in mounts.items():
            if agency_id in self.trouble_apps:
                sub_sites.setdefault(host, {})["/" + prefix.strip("/")] = self.trouble_apps[agency_id]
        for agency in self.province.agencies:
            if agency.has("down") or agency.id in mounts:
                continue
            ssl_context = self_signed_certificate(self.out_dir / "tls", self.host) \
                if agency.has("https_self_signed") else None
            app: Any = self.trouble_apps[agency.id]
            if agency.id in sub_sites:  # the host hands its sub-sites' paths to their portals
                app = DispatcherMiddleware(app, sub_sites[agency.id])
            self._serve(app, ports[agency.id], ssl_context=ssl_context)
        write_outputs(self.province, self.portal_apps, self.urls, self.out_dir)
        return self

    def change_content(self, share: float = 0.05, seed: int = 1,
                       agency_ids: list[str] | None = None) -> dict[str, Any]:
        """Publish one new post, dated the as-of day, at the top of about a third of the news
        sections of `share` of the agencies (of `agency_ids` when given; at least one) whose
        portal is up; re-render those portals and rewrite the ground truth. Returns what
        changed: agencies, sections, posts."""
        rng = random.Random(f"content:{self.province.seed}:{seed}")
        pool = [a for a in self.province.agencies if agency_ids is None or a.id in agency_ids]
        agencies = [a for a in pool if not a.has("down")
                    and any(s.layout == "news" for s in a.sections)]
        count = min(len(agencies), max(1, round(share * len(pool))))
        chosen = set(a.id for a in rng.sample(agencies, count))
        as_of = self.province.as_of
        changed = []
        with self._content_lock:
            for agency in (a for a in agencies if a.id in chosen):
                news = [s for s in agency.sections if s.layout == "news"]
                sections = sorted(rng.sample(news, max(1, len(news) // 3)), key=news.index)
                ids = _Ids()
                ids.next = max((p.id for s in agency.sections for p in s.posts), default=0) + 1
                added = []
                for section in sections:
                    post = ids.post(rng, self._new_title(rng, agency.level, as_of),
                                    self._newest_moment(section, as_of), None)
                    section.posts.insert(0, post)
                    added.append((section, post))
                # the platforms index posts when built: build the portal again, then swap it in
                portal = portal_class(agency.platform)(agency, self.province)
                self.portal_apps[agency.id] = portal
                if agency.id in self.trouble_apps:
                    self.trouble_apps[agency.id].portal = portal
                changed.append({"id": agency.id, "sections": [
                    {"key": section.key, "name": section.name,
                     "post": {"id": post.id, "title": post.title,
                              "url": agency.base_url.rstrip("/") + portal.post_path(section, post),
                              "published": post.published.isoformat(timespec="minutes")}}
                    for section, post in added]})
            if self.portal_apps:
                write_outputs(self.province, self.portal_apps, self.urls, self.out_dir)
        return {"as_of": as_of.isoformat(), "share": share, "seed": seed, "agencies": changed}

    @staticmethod
    def _new_title(rng: random.Random, level: str, day: dt.date) -> str:
        """A news title that names no topic (as the generator's filler), so that it counts
        only in the section it is posted to."""
        moment = dt.datetime.combine(day, dt.time(8, 0))
        for _ in range(20):
            title = _fill(rng.choice(V.FILLER_TITLES), rng, moment, rng.randint(1, 99))
            title += " (tin mới)"
            if not topics_of_title(title, level):
                break
        return title

    @staticmethod
    def _newest_moment(section, day: dt.date) -> dt.datetime:
        """A moment on the as-of day after the section's newest post (the new one tops it)."""
        moment = dt.datetime.combine(day, dt.time(8, 0))
        if section.posts and section.posts[0].published >= moment:
            moment = min(section.posts[0].published + dt.timedelta(minutes=1),
                         dt.datetime.combine(day, dt.time(23, 59)))
        return moment

    def stop(self) -> None:
        # shutdown() waits for the server's poll loop (0.5 s): stop them all at once
        stoppers = [threading.Thread(target=server.shutdown) for server in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        if self.sink:
            self.sink.stop()
            self.sink = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
