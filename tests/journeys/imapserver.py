"""A tiny IMAP4rev1 server on 127.0.0.1 for tests: one folder, LOGIN, read-only use, a command log."""

from __future__ import annotations

import base64
import re
import socket
import socketserver
import threading
from collections.abc import Iterable

_LITERAL_AT_END = re.compile(r"\{\d+\+?\}$")


def _mutf7_decode(name: str) -> str:
    """A mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3) as text."""
    def one(match: re.Match) -> str:
        chunk = match.group(1)
        if not chunk:
            return "&"
        chunk = chunk.replace(",", "/")
        return base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-16-be")
    return re.sub(r"&([^-]*)-", one, name)


def _tokens(text: str) -> list[str]:
    """Atoms, quoted strings (unquoted) and parenthesised lists (kept whole, with parentheses)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == " ":
            i += 1
        elif c == '"':
            i += 1
            buf = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            if i >= n:
                raise ValueError("unterminated quoted string")
            out.append("".join(buf))
            i += 1
        elif c == "(":
            depth, start = 0, i
            while i < n:
                if text[i] == "(":
                    depth += 1
                elif text[i] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            if depth:
                raise ValueError("unbalanced parentheses")
            out.append(text[start:i + 1])
            i += 1
        else:
            start = i
            while i < n and text[i] != " ":
                i += 1
            out.append(text[start:i])
    return out


def _numbers(spec: str, existing: list[int]) -> list[int]:
    """The members of ``existing`` in a sequence set such as '3', '1:4,7', '5:*'."""
    top = max(existing, default=0)
    chosen: set[int] = set()
    for part in spec.split(","):
        lo, colon, hi = part.partition(":")
        a = top if lo == "*" else int(lo)
        b = (top if hi == "*" else int(hi)) if colon else a
        if a <= 0 or b <= 0:
            raise ValueError(f"bad number in {spec!r}")
        a, b = min(a, b), max(a, b)
        chosen.update(x for x in existing if a <= x <= b)
    return sorted(chosen)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)   # no 40 ms stalls
        self.imap: ImapServer = self.server.imap   # type: ignore[attr-defined]
        self.state = "nonauth"          # nonauth -> auth -> selected
        self.readonly = False
        self.known = 0                  # messages announced with EXISTS

    def send(self, data: bytes | str) -> None:
        self.wfile.write((data.encode() if isinstance(data, str) else data) + b"\r\n")

    def handle(self) -> None:
        self.send("* OK IMAP4rev1 test server ready")
        while True:
            try:
                line = self.rfile.readline(65536)
            except OSError:
                return
            if not line:
                return
            text = line.rstrip(b"\r\n").decode("utf-8", "replace")
            tag, _, rest = text.partition(" ")
            name, _, args = rest.partition(" ")
            name = name.upper()
            if not tag or not name or tag == "*" or "+" in tag:
                self.send("* BAD no tag or command")
                continue
            self.imap._record(name, args)
            if _LITERAL_AT_END.search(args):
                self.send(f"{tag} BAD literals are not supported here")
                continue
            try:
                if not self.dispatch(tag, name, args):
                    return
            except ValueError as exc:
                self.send(f"{tag} BAD {exc}")

    def dispatch(self, tag: str, name: str, args: str) -> bool:
        """Answer one command; False when the connection ends."""
        if name == "CAPABILITY":
            self.send("* CAPABILITY IMAP4rev1")
            self.send(f"{tag} OK CAPABILITY completed")
        elif name == "NOOP":
            if self.state == "selected":
                self.announce()
            self.send(f"{tag} OK NOOP completed")
        elif name == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return False
        elif name == "LOGIN":
            if self.state != "nonauth":
                self.send(f"{tag} BAD already authenticated")
                return True
            words = _tokens(args)
            if len(words) != 2:
                raise ValueError("LOGIN needs a user name and a password")
            if (words[0], words[1]) == (self.imap.user, self.imap.password):
                self.state = "auth"
                self.send(f"{tag} OK [CAPABILITY IMAP4rev1] LOGIN completed")
            else:
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.")
        elif self.state == "nonauth":
            self.send(f"{tag} BAD {name} needs LOGIN first")
        elif name in ("SELECT", "EXAMINE"):
            self.select(tag, name, args)
        elif self.state != "selected":
            self.send(f"{tag} BAD {name} needs a selected mailbox")
        elif name == "UID":
            sub, _, rest = args.partition(" ")
            self.selected_command(tag, sub.upper(), rest, by_uid=True)
        else:
            self.selected_command(tag, name, args, by_uid=False)
        return True

    def announce(self) -> None:
        count = len(self.imap._snapshot())
        if count != self.known:
            self.send(f"* {count} EXISTS")
            self.known = count

    def select(self, tag: str, name: str, args: str) -> None:
        words = _tokens(args)
        if len(words) != 1:
            raise ValueError(f"{name} needs one mailbox name")
        wanted = _mutf7_decode(words[0])
        folder = self.imap.folder
        same = (wanted.upper() == "INBOX" if folder.upper() == "INBOX" else wanted == folder)
        if not same:
            self.state = "auth"         # RFC 3501 6.3.1: a failed SELECT leaves none selected
            self.send(f"{tag} NO [NONEXISTENT] no mailbox {wanted}")
            return
        self.state, self.readonly = "selected", name == "EXAMINE"
        snapshot = self.imap._snapshot()
        self.known = len(snapshot)
        self.send(r"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)")
        self.send(f"* {len(snapshot)} EXISTS")
        self.send("* 0 RECENT")
        self.send(f"* OK [UIDVALIDITY {self.imap.uidvalidity}] UIDs valid")
        self.send(f"* OK [UIDNEXT {self.imap._next_uid}] predicted next UID")
        access = "READ-ONLY" if self.readonly else "READ-WRITE"
        self.send(f"{tag} OK [{access}] {name} completed")

    def selected_command(self, tag: str, name: str, args: str, by_uid: bool) -> None:
        label = f"UID {name}" if by_uid else name
        snapshot = self.imap._snapshot()          # [(uid, raw, flags)] in sequence order
        if name == "SEARCH":
            if [w.upper() for w in _tokens(args)] != ["ALL"]:
                raise ValueError("only SEARCH ALL is supported")
            found = [str(uid if by_uid else seq) for seq, (uid, _, _) in enumerate(snapshot, 1)]
            self.send(" ".join(["* SEARCH", *found]))
            self.send(f"{tag} OK {label} completed")
        elif name == "FETCH":
            spec, _, items = args.partition(" ")
            wanted = items.strip().upper()
            if wanted.startswith("(") and wanted.endswith(")"):
                wanted = wanted[1:-1]
            fields = wanted.split()
            allowed = {"UID", "FLAGS", "BODY[]", "BODY.PEEK[]", "RFC822", "RFC822.SIZE"}
            if not spec or not fields or not set(fields) <= allowed:
                raise ValueError(f"FETCH items not supported here: {items}")
            if by_uid and "UID" not in fields:
                fields.insert(0, "UID")           # RFC 3501 6.4.8: UID FETCH answers with UID
            numbers = [uid for uid, _, _ in snapshot] if by_uid else list(
                range(1, len(snapshot) + 1))
            for number in _numbers(spec, numbers):
                seq = numbers.index(number) + 1
                uid, raw, flags = snapshot[seq - 1]
                self.fetch_one(seq, uid, raw, flags, fields)
            self.send(f"{tag} OK {label} completed")
        elif name == "STORE":
            if self.readonly:
                self.send(f"{tag} NO [READ-ONLY] the mailbox was opened with EXAMINE")
            else:
                self.send(f"{tag} BAD STORE is not supported here")
        else:
            self.send(f"{tag} BAD unknown command {label}")

    def fetch_one(self, seq: int, uid: int, raw: bytes, flags: set[str], fields: list[str]) -> None:
        marks = not self.readonly and any(f in ("BODY[]", "RFC822") for f in fields)
        if marks:
            self.imap._mark_seen(uid)
            flags = flags | {r"\Seen"}
        self.imap._fetched(uid, fields)
        parts: list[bytes] = []
        for field in fields:
            if field == "UID":
                parts.append(b"UID %d" % uid)
            elif field == "FLAGS":
                parts.append(b"FLAGS (" + " ".join(sorted(flags)).encode() + b")")
            elif field == "RFC822.SIZE":
                parts.append(b"RFC822.SIZE %d" % len(raw))
            else:
                key = b"RFC822" if field == "RFC822" else b"BODY[]"
                parts.append(key + b" {%d}\r\n" % len(raw) + raw)
        if marks and "FLAGS" not in fields:
            parts.append(b"FLAGS (" + " ".join(sorted(flags)).encode() + b")")
        self.send(b"* %d FETCH (" % seq + b" ".join(parts) + b")")


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ImapServer:
    """IMAP4rev1 on 127.0.0.1 (a free port) holding RFC 822 messages in one folder.

    ``commands`` logs what clients sent (LOGIN's password masked); ``fetches`` counts the fetches
    of each UID; ``seen`` holds the UIDs a client marked \\Seen."""

    def __init__(self, user: str, password: str, messages: Iterable[bytes] = (),
                 folder: str = "INBOX", first_uid: int = 1, uidvalidity: int = 1):
        self.user, self.password, self.folder = user, password, folder
        self.uidvalidity = uidvalidity
        self._lock = threading.Lock()
        self._messages: list[tuple[int, bytes, set[str]]] = []
        self._next_uid = first_uid
        self._log: list[str] = []
        self._fetch_counts: dict[int, int] = {}
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None
        for raw in messages:
            self.deliver(raw)

    # --- for tests ----------------------------------------------------------------------------

    def deliver(self, raw: bytes) -> int:
        """Append a message (it may arrive while a client is connected); its UID."""
        with self._lock:
            uid = self._next_uid
            self._next_uid += 1
            self._messages.append((uid, bytes(raw), set()))
            return uid

    @property
    def commands(self) -> list[str]:
        with self._lock:
            return list(self._log)

    @property
    def fetches(self) -> dict[int, int]:
        with self._lock:
            return dict(self._fetch_counts)

    @property
    def seen(self) -> set[int]:
        with self._lock:
            return {uid for uid, _, flags in self._messages if r"\Seen" in flags}

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("the IMAP server is not running")
        host, port = self._server.server_address[:2]
        return host, port

    @property
    def port(self) -> int:
        return self.address[1]

    def start(self) -> "ImapServer":
        self._server = _TCPServer(("127.0.0.1", 0), _Handler)
        self._server.imap = self            # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="test-imap", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "ImapServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- for the handler ----------------------------------------------------------------------

    def _record(self, name: str, args: str) -> None:
        if name == "LOGIN":
            words = args.split(" ", 1)
            args = words[0] + (" ***" if len(words) > 1 else "")
        with self._lock:
            self._log.append(f"{name} {args}".rstrip())

    def _snapshot(self) -> list[tuple[int, bytes, set[str]]]:
        with self._lock:
            return [(uid, raw, set(flags)) for uid, raw, flags in self._messages]

    def _mark_seen(self, uid: int) -> None:
        with self._lock:
            for known, _, flags in self._messages:
                if known == uid:
                    flags.add(r"\Seen")

    def _fetched(self, uid: int, fields: list[str]) -> None:
        if any(f in ("BODY[]", "BODY.PEEK[]", "RFC822") for f in fields):
            with self._lock:
                self._fetch_counts[uid] = self._fetch_counts.get(uid, 0) + 1
