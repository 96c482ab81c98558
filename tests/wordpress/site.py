"""Debian's WordPress, set up as a commune portal on loopback, for the tests.

Everything lives under one temporary folder: a private MariaDB (its own datadir and socket, no
TCP port), a private copy of /usr/share/wordpress with its own wp-config.php, and
`php -S 127.0.0.1:<free port>` with a router. Nothing is written to /etc or /usr/share, no
system service is started, and `stop()` ends both servers.

    with WordPressSite(tmp_path) as site:
        site.home            # http://127.0.0.1:PORT/
        site.truth           # the ground truth written by setup.php (see content.py)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import content

HERE = Path(__file__).resolve().parent
SETUP = HERE / "setup.php"
ROUTER = HERE / "router.php"
WORDPRESS = Path(os.environ.get("INSPECTOR_WORDPRESS_DIR", "/usr/share/wordpress"))
LANGUAGE = "vi"
THEME = "twentytwentyone"
PHP_FLAGS = ["-d", "display_errors=stderr", "-d", "log_errors=0", "-d", "memory_limit=512M",
             "-d", "error_reporting=E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED"]
PHP_WORKERS = "4"          # php -S serves requests in 4 processes (Scrapy asks 2 at a time)
MARIADB_READY_S = 30
PHP_READY_S = 15
SETUP_S = 180


class SiteError(RuntimeError):
    """The site could not be set up; the message says what is missing or what failed."""


def _which(name: str, *fallbacks: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((f for f in fallbacks if os.access(f, os.X_OK)), None)


def requirements() -> dict[str, str]:
    """The programs and files the site needs: {what: path}. Raises SiteError naming every
    missing one and the Debian package that brings it."""
    found: dict[str, str] = {}
    missing: list[str] = []
    programs = {"mariadbd": ("mariadb-server", "/usr/sbin/mariadbd"),
                "mariadb-install-db": ("mariadb-server", "/usr/bin/mariadb-install-db"),
                "php": ("php-cli", "/usr/bin/php")}
    for name, (package, fallback) in programs.items():
        path = _which(name, fallback)
        if path:
            found[name] = path
        else:
            missing.append(f"{name} (Debian package {package})")
    files = {"wordpress": (WORDPRESS / "wp-load.php", "wordpress"),
             "vi.mo": (WORDPRESS / "wp-content" / "languages" / f"{LANGUAGE}.mo",
                       "wordpress-l10n"),
             THEME: (WORDPRESS / "wp-content" / "themes" / THEME / "style.css",
                     f"wordpress-theme-{THEME}")}
    for name, (path, package) in files.items():
        if path.is_file():
            found[name] = str(path)
        else:
            missing.append(f"{path} (Debian package {package})")
    if "php" in found:
        probe = subprocess.run([found["php"], "-r", "exit(extension_loaded('mysqli') ? 0 : 3);"],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            missing.append("PHP's mysqli extension (Debian package php-mysql)")
    if missing:
        raise SiteError("the WordPress test site cannot be set up, missing: " + "; ".join(missing)
                        + ". Install them with: apt-get install wordpress wordpress-l10n "
                        "wordpress-theme-twentytwentyone mariadb-server php-cli php-mysql "
                        "(.ci/run does)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"({path} not written)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def copy_wordpress(source: Path, target: Path) -> None:
    """A private docroot: Debian's WordPress copied, wp-config.php left out (ours is written
    beside), translations other than Vietnamese left out. Debian's symlinks are relative
    (wp-includes/ID3/*.php → ../../../php/getid3/…, js/underscore*.js → ../../../javascript/…)
    and would dangle in a copy: each is made absolute to what it points at in the original."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set()
        if Path(folder) == source:
            skipped |= {"wp-config.php", ".htaccess"}   # Debian's: /etc/wordpress/config-*.php
        if Path(folder) == source / "wp-content" / "languages":
            skipped |= {n for n in names if n.endswith(".mo") and not (
                n == f"{LANGUAGE}.mo" or n.endswith(f"-{LANGUAGE}.mo"))}
        return skipped

    shutil.copytree(source, target, symlinks=True, ignore=ignore)
    for link in [p for p in target.rglob("*") if p.is_symlink()]:
        pointed = os.readlink(link)
        if not os.path.isabs(pointed):
            original = source / link.relative_to(target)
            absolute = os.path.normpath(os.path.join(original.parent, pointed))
            link.unlink()
            link.symlink_to(absolute)


WP_CONFIG = """<?php
// Written by tests/wordpress/site.py: a private WordPress on {home}
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
define('AUTH_KEY', 'inspector-test-auth-key');
define('SECURE_AUTH_KEY', 'inspector-test-secure-auth-key');
define('LOGGED_IN_KEY', 'inspector-test-logged-in-key');
define('NONCE_KEY', 'inspector-test-nonce-key');
define('AUTH_SALT', 'inspector-test-auth-salt');
define('SECURE_AUTH_SALT', 'inspector-test-secure-auth-salt');
define('LOGGED_IN_SALT', 'inspector-test-logged-in-salt');
define('NONCE_SALT', 'inspector-test-nonce-salt');
define('WP_HOME', '{home_no_slash}');
define('WP_SITEURL', '{home_no_slash}');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_DEFAULT_THEME', '{theme}');
// Nothing leaves the machine: no update checks, no cron requests, no external HTTP at all.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_DEBUG', false);
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""


class WordPressSite:
    """The commune portal: start() sets it up (about 5 s), stop() ends it."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.docroot = self.root / "www"
        self.db_dir = self.root / "db"
        self.datadir = self.db_dir / "data"
        self.mariadb_log = self.db_dir / "mariadbd.err"
        self.php_log = self.root / "php-server.log"
        self.access_log = self.root / "access.log"
        self.setup_log = self.root / "setup.log"
        self.plan_file = self.root / "plan.json"
        self.truth_file = self.root / "truth.json"
        self._socket_dir: Path | None = None
        self.socket = self.db_dir / "mariadbd.sock"
        self.port: int | None = None
        self.mariadbd: subprocess.Popen | None = None
        self.php: subprocess.Popen | None = None
        self.truth: dict = {}
        self.timings: dict[str, float] = {}
        self.tools: dict[str, str] = {}
        self.extra_logs: list[Path] = []     # more files for logs() (a test's crawl output)

    # -- life cycle ---------------------------------------------------------------------------
    def __enter__(self) -> "WordPressSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def home(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> "WordPressSite":
        started = time.monotonic()
        self.tools = requirements()
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._step("copy", lambda: copy_wordpress(WORDPRESS, self.docroot))
            self._step("mariadb", self._start_mariadb)
            self._step("php", self._start_php)
            self.plan_file.write_text(json.dumps(content.plan(self.home, str(self.socket)),
                                                 ensure_ascii=False, indent=1), encoding="utf-8")
            self._step("install", lambda: self._setup("install"))
            self._step("content", lambda: self._setup("content", str(self.truth_file)))
            self.truth = json.loads(self.truth_file.read_text(encoding="utf-8"))
            self._step("check", self._check)
        except BaseException:
            self.stop()
            raise
        self.timings["total"] = round(time.monotonic() - started, 2)
        return self

    def stop(self) -> None:
        """End php -S (its worker processes with it) and mariadbd; nothing is left running."""
        if self.php is not None:
            _end(self.php, group=True)
            self.php = None
        if self.mariadbd is not None:
            _end(self.mariadbd, group=False, wait=60)
            self.mariadbd = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def _step(self, name: str, action) -> None:
        began = time.monotonic()
        action()
        self.timings[name] = round(time.monotonic() - began, 2)

    # -- MariaDB ------------------------------------------------------------------------------
    def _start_mariadb(self) -> None:
        self.db_dir.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket)) > 100:   # a Unix socket's path has at most 107 bytes
            self._socket_dir = Path(tempfile.mkdtemp(prefix="inspector-wp-"))
            self.socket = self._socket_dir / "mariadbd.sock"
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        engine = ["--innodb-buffer-pool-size=64M", "--innodb-log-file-size=8M"]
        install = subprocess.run(
            [self.tools["mariadb-install-db"], "--no-defaults", f"--datadir={self.datadir}",
             *as_root, "--auth-root-authentication-method=normal", "--skip-test-db",
             "--skip-name-resolve", *engine],
            capture_output=True, text=True, timeout=120)
        (self.db_dir / "install-db.log").write_text(install.stdout + install.stderr)
        if install.returncode != 0:
            raise SiteError(f"mariadb-install-db failed (exit {install.returncode}):\n"
                            + _tail(self.db_dir / "install-db.log"))
        self.mariadbd = subprocess.Popen(
            [self.tools["mariadbd"], "--no-defaults", f"--datadir={self.datadir}",
             f"--socket={self.socket}", "--skip-networking", f"--pid-file={self.db_dir}/mariadbd.pid",
             f"--log-error={self.mariadb_log}", f"--tmpdir={self.db_dir}", *as_root, *engine,
             "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--skip-log-bin",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + MARIADB_READY_S
        while time.monotonic() < deadline:
            if self.mariadbd.poll() is not None:
                raise SiteError(f"mariadbd exited ({self.mariadbd.returncode}) before it was "
                                f"ready:\n{_tail(self.mariadb_log)}")
            if self.socket.exists():
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                        probe.settimeout(1)
                        probe.connect(str(self.socket))
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise SiteError(f"mariadbd did not open {self.socket} within {MARIADB_READY_S} s:\n"
                        + _tail(self.mariadb_log))

    # -- php -S -------------------------------------------------------------------------------
    def _write_config(self) -> None:
        (self.docroot / "wp-config.php").write_text(WP_CONFIG.format(
            home=self.home, home_no_slash=self.home.rstrip("/"), socket=self.socket,
            theme=THEME), encoding="utf-8")

    def _start_php(self) -> None:
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": PHP_WORKERS,
               "INSPECTOR_WP_ACCESS_LOG": str(self.access_log)}
        for _attempt in range(3):          # a free port may be taken before php binds it
            self.port = free_port()
            self._write_config()
            with open(self.php_log, "ab") as log:
                self.php = subprocess.Popen(
                    [self.tools["php"], *PHP_FLAGS, "-S", f"127.0.0.1:{self.port}",
                     "-t", str(self.docroot), str(ROUTER)],
                    cwd=self.docroot, env=env, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + PHP_READY_S
            while time.monotonic() < deadline and self.php.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    time.sleep(0.05)
            if self.php.poll() is None:
                break
            self.php = None                 # exited: most likely the port; try another
        raise SiteError(f"php -S did not listen on 127.0.0.1:{self.port} within {PHP_READY_S} s:"
                        f"\n{_tail(self.php_log)}")

    # -- WordPress ----------------------------------------------------------------------------
    def _setup(self, mode: str, *extra: str) -> None:
        command = [self.tools["php"], *PHP_FLAGS, str(SETUP), mode, str(self.docroot),
                   str(self.plan_file), *extra]
        run = subprocess.run(command, capture_output=True, text=True, timeout=SETUP_S,
                             cwd=self.docroot)
        with open(self.setup_log, "a", encoding="utf-8") as log:
            log.write(f"$ php setup.php {mode}\n{run.stdout}{run.stderr}\n")
        if run.returncode != 0:
            raise SiteError(f"php setup.php {mode} failed (exit {run.returncode}):\n"
                            f"{run.stdout[-3000:]}{run.stderr[-3000:]}")

    def get(self, url: str) -> tuple[int, str]:
        """A page of the site, never through a proxy; (status, body)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def _check(self) -> None:
        """The site answers as planned: home page with its footer widget, every listing page
        of every category, no page after the last."""
        status, html = self.get(self.home)
        widget = self.truth["recent_posts_widget"]["title"]
        if status != 200 or widget not in html:
            raise SiteError(f"the home page answered {status} without the '{widget}' widget:\n"
                            f"{html[:2000]}\n{_tail(self.php_log)}")
        for category in self.truth["categories"]:
            for url in category["listing_pages"]:
                status, _ = self.get(url)
                if status != 200:
                    raise SiteError(f"{url} answered {status}\n{_tail(self.php_log)}")
            after = f"{category['url']}page/{len(category['listing_pages']) + 1}/"
            status, _ = self.get(after)
            if status != 404:
                raise SiteError(f"{after} answered {status}, not 404")

    # -- logs ---------------------------------------------------------------------------------
    def logs(self, lines: int = 40) -> str:
        return "\n".join(f"--- {path} (last {lines} lines)\n{_tail(path, lines)}"
                         for path in (self.mariadb_log, self.php_log, self.setup_log,
                                      self.access_log, *self.extra_logs))

    def requests(self) -> list[dict]:
        """The router's log: one entry per request the site answered."""
        if not self.access_log.exists():
            return []
        return [json.loads(line) for line in
                self.access_log.read_text(encoding="utf-8").splitlines() if line.strip()]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …: comm may hold spaces and parentheses
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _end(process: subprocess.Popen, group: bool, wait: float = 15) -> None:
    """End a server we started, and reap it. php -S with workers: SIGINT tells the master to
    stop, SIGTERM ends its workers, which it then reaps before it exits (killed all at once,
    the workers would be left as zombies of init); then SIGTERM to the master if it is still
    there, and SIGKILL to whatever of its process group remains."""
    if process.poll() is None and group:
        try:
            os.kill(process.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        for child in _children(process.pid):
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if group:     # nothing of the server's process group may outlive it
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
