"""Where one portal's crawl may go: its own host (and the aliases the register names), inside
its path when it is a sub-site, never into another registered agency's sub-site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def host_of(url: str) -> str:
    """A URL's host as two addresses of one site compare: lower case, without "www." and
    without the scheme's default port (http://x and https://www.x:443 are one host)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def directory_of(url: str) -> str:
    """The folder a portal URL names: '/xa-phu-lam/' for '/xa-phu-lam/' and
    '/xa-phu-lam/index.php', '/' for '/' and '/index.html'; a path without a trailing slash
    and without an extension is taken as a folder ('/xa-phu-lam' → '/xa-phu-lam/')."""
    path = urlsplit(url).path or "/"
    if path.endswith("/"):
        return path
    last = path.rsplit("/", 1)[-1]
    if PurePosixPath(last).suffix:
        parent = path.rsplit("/", 1)[0]
        return (parent or "") + "/"
    return path + "/"


@dataclass(frozen=True)
class Scope:
    """The (host, path prefix) pairs a portal's crawl may request, and the sub-sites of other
    agencies inside them that it must leave alone."""

    roots: tuple[tuple[str, str], ...]
    excluded: tuple[tuple[str, str], ...] = ()

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return False
        host, path = host_of(url), parts.path or "/"
        if not any(host == h and _under(path, prefix) for h, prefix in self.roots):
            return False
        return not any(host == h and _under(path, prefix) for h, prefix in self.excluded)

    def why_not(self, url: str) -> str:
        """Why a URL is outside (for the reviewer's notes)."""
        host = host_of(url)
        if not any(host == h for h, _ in self.roots):
            return f"another site ({urlsplit(url).netloc or url})"
        if any(host == h and _under(urlsplit(url).path or "/", p) for h, p in self.excluded):
            return "another agency's sub-site"
        return "outside the portal's folder"

    @classmethod
    def of(cls, portal: str, aliases: Iterable[str] = (), others: Iterable[str] = ()) -> "Scope":
        """The scope of ``portal`` given the register's ``aliases`` of it and the portals of
        the register's other agencies (``others``). A portal is a sub-site, kept inside its
        folder, when its URL ends with "/" under a folder of its own, or when another agency's
        portal on the same host lies in a folder above it (a district's host holding its
        communes)."""
        host, folder = host_of(portal), directory_of(portal)
        others = [o for o in others if o]
        above = any(host_of(o) == host and folder != directory_of(o)
                    and folder.startswith(directory_of(o)) for o in others)
        explicit = urlsplit(portal).path.endswith("/")
        prefix = folder if folder != "/" and (above or explicit) else "/"
        roots = [(host, prefix)]
        for alias in aliases:
            alias_folder = directory_of(alias)
            roots.append((host_of(alias), alias_folder if urlsplit(alias).path.endswith("/")
                          else "/"))
        excluded = []
        for other in others:
            other_host, other_folder = host_of(other), directory_of(other)
            if (other_host, other_folder) in roots:
                continue                     # the same portal registered twice
            for root_host, root_prefix in roots:
                if other_host == root_host and other_folder != root_prefix and \
                        other_folder.startswith(root_prefix) and other_folder != "/":
                    excluded.append((other_host, other_folder))
        return cls(tuple(dict.fromkeys(roots)), tuple(dict.fromkeys(excluded)))


def _under(path: str, prefix: str) -> bool:
    if prefix == "/":
        return True
    return path == prefix.rstrip("/") or path.startswith(prefix)
