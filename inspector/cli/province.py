"""The built-in sandbox province: the demo and the sandbox commands (the only users of sandbox/)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model.labels import vn_date, vn_points
from .app import ClickProgress, cli, parse_as_of, pid_alive
from .people import serve_review


# The demo's portals answer on another loopback address than its review page (127.0.0.1):
# another host name, so the reviewer's session cookie never travels to a portal.
SANDBOX_HOST = "127.0.0.2"


DEMO_ACCOUNTS = (("duyet", "reviewer", None, "Người đánh giá (thử)"),
                 ("cb-so-tttt", "agency", "so-tttt", "Cán bộ Sở TT&TT (thử)"))


@cli.command()
@click.option("--out", "out_dir", default="demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the sandbox (OUT/sandbox) and the workspace (OUT/ws).")
@click.option("--agencies", "count", type=click.IntRange(1, 1000), default=None,
              help="Agencies in the sandbox province (default 17).")
@click.option("--seed", default=1, show_default=True, help="Seed of the sandbox's content.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port of the review page (the evidence origin is the next one).")
@click.option("--sandbox-port", type=click.IntRange(0, 65000), default=8100, show_default=True,
              help="Base port of the sandbox's servers (0: free ports).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Inspection date of the sandbox and of the night (default: today).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the review page at the end (until Ctrl-C), or stop there.")
def demo(out_dir, count, seed, port, sandbox_port, as_of, serve):
    """The whole job on the built-in sandbox province, on this machine only (the review page on
    127.0.0.1, the province's portals on 127.0.0.2):
    serve the province, import its register, run the nightly job (crawl, service checks,
    score), create demo accounts, and open the review page.

    Example: inspector demo --out demo
    """
    import secrets

    from ..crawl.worker import CrawlOptions
    from ..journeys.checker import CheckSettings
    from ..journeys.citizen import load_citizen
    from ..nightly.run import NightlySettings, nightly as run_nightly
    from ..register.importer import import_register
    from ..review import accounts
    from ..survey.importer import import_reports
    from ..records.workspace import Workspace

    sandbox_dir, ws_dir = out_dir / "sandbox", out_dir / "ws"
    day = parse_as_of(as_of)
    if pid_alive(sandbox_dir / "sandbox.pid"):
        click.echo(f"Sandbox đang chạy ({sandbox_dir}).")
    else:
        _serve_in_background(seed, count, day.isoformat(), sandbox_dir, sandbox_port,
                             SANDBOX_HOST)
    ws = Workspace(ws_dir)
    try:
        click.echo(f"Đã nhập: {import_register(ws, [sandbox_dir / 'register.yaml'])}")
        reports = sorted((sandbox_dir / "bao-cao").glob("*.xlsx"))
        if reports:
            click.echo(import_reports(ws, reports).lines()[0])
        credentials = out_dir / "tai-khoan.txt"
        lines = []
        for username, role, agency_id, name in DEMO_ACCOUNTS:
            if accounts.get_user(ws, username) is not None:
                continue
            password = secrets.token_urlsafe(12)
            accounts.create_user(ws, username, password, role, agency_id, name, actor="demo")
            lines.append(f"{username}\t{password}\t{role}" + (f" ({agency_id})" if agency_id
                                                               else ""))
        if lines:
            credentials.touch(mode=0o600)
            with credentials.open("a", encoding="utf-8") as stream:
                stream.write("\n".join(lines) + "\n")
        settings = NightlySettings(
            as_of=day, crawl=CrawlOptions(screenshots=True, incremental=True, delay=0.1),
            citizen=load_citizen(sandbox_dir / "citizen.yaml", ws.root),
            check_settings=CheckSettings())
        run_nightly(ws, settings, ClickProgress())
        _demo_publish(ws, day.year, out_dir / "cong-bo" / str(day.year))
    finally:
        ws.close()
    click.echo(f"Tài khoản thử (tên, mật khẩu, vai trò) trong {credentials}:")
    click.echo(credentials.read_text(encoding="utf-8").rstrip())
    if not serve:
        click.echo(f"Xem kết quả: inspector review -w {ws_dir} --port {port}; dừng sandbox: "
                   f"inspector sandbox stop --out {sandbox_dir}")
        return
    serve_review(ws_dir, "127.0.0.1", port, None,
                  lambda server: f"Trang đánh giá sẵn sàng: {server.url}/toan-tinh (dừng: Ctrl-C; "
                                 f"sandbox vẫn chạy, dừng bằng inspector sandbox stop --out "
                                 f"{sandbox_dir})", reviewer_home="/toan-tinh")


# The demo publishes its year at once, before anybody has reviewed: said in the report.
DEMO_PUBLISH_REASON = ("bản thử trên tỉnh mẫu (sandbox): công bố ngay sau lượt kiểm tra, "
                       "chưa qua duyệt và xác nhận")


def _demo_publish(ws, year: int, folder: Path) -> None:
    """Rankings and the published year of the demo; a demo run again the same year shows
    the year already published (a published year does not change)."""
    from ..export.publication import publication_list
    from ..export.publishing import publish as publish_year
    from ..export.rankings import rankings as rank
    from ..export.results import results_document

    for ranking in rank(results_document(ws)):
        if ranking.category_id == "overall" and ranking.places:
            first = ranking.places[0]
            click.echo(f"Xếp hạng {ranking.group_title.lower()}: {len(ranking.places)} xếp "
                       f"hạng, đứng đầu {first.name} ({vn_points(first.points)} điểm)")
    done = next(iter(publication_list(ws, year)), None)
    if done is None:
        done = publish_year(ws, year, "demo", force_reason=DEMO_PUBLISH_REASON, out_dir=folder)
        click.echo(f"Đã công bố năm {year}: {folder}")
    else:
        click.echo(f"Năm {year} đã công bố trước đó ({vn_date(done.published_at)}): "
                   f"{', '.join(f['path'] for f in done.files[:1])} …")


@cli.group()
def sandbox():
    """The simulated province on loopback: agency portals, online-service portals, ground truth."""


@sandbox.command("serve")
@click.option("--seed", default=1, show_default=True, help="Seed of the generated content.")
@click.option("--agencies", "count", default=None, type=click.IntRange(1, 1000),
              help="Number of agencies (default 17: every rating of every portal category).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Inspection date the content is dated against (default: today).")
@click.option("--out", "out_dir", default="sandbox", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for register.yaml, catalog.csv, ground_truth.json, mail/.")
@click.option("--base-port", default=8100, show_default=True, type=click.IntRange(0, 65000),
              help="Agency i listens on BASE+1+i, then the service portals, SMTP sink and "
                   "clock control; 0 picks free ports.")
@click.option("--background", is_flag=True,
              help="Return once every server listens, leaving the sandbox running (its process "
                   "id in OUT/sandbox.pid; stop it with `inspector sandbox stop`).")
@click.option("--host", "sandbox_host", default="127.0.0.1", show_default=True,
              help="Loopback address to serve on (any of 127.0.0.0/8): another one than the "
                   "review page's keeps the portals on another host name.")
def sandbox_serve(seed, count, as_of, out_dir, base_port, background, sandbox_host):
    """Serve the sandbox province on loopback (127.0.0.1, or --host) until interrupted.

    Example: inspector sandbox serve --seed 1 --as-of 2026-11-30 --out sandbox
    then: inspector registry import sandbox/register.yaml
    """
    import signal
    import threading
    import time

    if background:
        _serve_in_background(seed, count, as_of, out_dir, base_port, sandbox_host)
        return

    from ..sandbox.province import DEFAULT_AGENCIES, generate_province
    from ..sandbox.server import Sandbox

    started = time.monotonic()
    try:
        province = generate_province(seed, count or DEFAULT_AGENCIES, parse_as_of(as_of))
        running = Sandbox(province, out_dir, base_port=base_port, host=sandbox_host).start()
    except (OSError, ValueError) as exc:
        click.echo(f"Lỗi: không khởi động được sandbox: {exc}", err=True)
        sys.exit(1)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"Sandbox sẵn sàng sau {time.monotonic() - started:.1f} s: "
               f"{len(province.agencies)} cơ quan, {len(province.services)} DVCTT "
               f"(seed {seed}, ngày đánh giá {province.as_of:%d/%m/%Y})")
    for agency in province.agencies:
        state = " (ngừng hoạt động)" if agency.has("down") else ""
        click.echo(f"  {agency.id:<22} {agency.platform:<10} {agency.base_url}{state}")
    for name, url in sorted(running.urls.items()):
        click.echo(f"  {name:<22} {url}")
    click.echo(f"Sổ đăng ký: {out_dir / 'register.yaml'}; kết quả chuẩn: "
               f"{out_dir / 'ground_truth.json'}. Ctrl-C để dừng.", err=False)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


def _serve_in_background(seed, count, as_of, out_dir: Path, base_port: int,
                         host: str = "127.0.0.1") -> None:
    """Start `sandbox serve` as its own process and wait for its ready line."""
    import subprocess

    args = [sys.executable, "-m", "inspector.cli", "sandbox", "serve", "--seed", str(seed),
            "--out", str(out_dir), "--base-port", str(base_port), "--host", host]
    args += ["--agencies", str(count)] if count else []
    args += ["--as-of", as_of] if as_of else []
    import time

    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "sandbox.log"
    with open(log_path, "w", encoding="utf-8") as log:  # the child keeps writing to its log
        child = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, text=True,
                                 start_new_session=True)  # survives this command's terminal
    line, deadline = "", time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        line = next((l for l in log_path.read_text(encoding="utf-8").splitlines()
                     if l.startswith("Sandbox sẵn sàng")), "")
        if line:
            break
        time.sleep(0.2)
    if not line:
        child.terminate()
        click.echo(f"Lỗi: sandbox không khởi động được (xem {log_path})", err=True)
        sys.exit(1)
    (out_dir / "sandbox.pid").write_text(str(child.pid), encoding="utf-8")
    click.echo(line.rstrip() + f" — tiến trình {child.pid}; dừng: inspector sandbox stop --out {out_dir}")


@sandbox.command("stop")
@click.option("--out", "out_dir", default="sandbox", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The folder the sandbox was served from (its sandbox.pid).")
def sandbox_stop(out_dir):
    """Stop a sandbox started with `serve --background`.

    Example: inspector sandbox stop --out demo/sandbox
    """
    import os
    import signal
    import time

    pid_file = out_dir / "sandbox.pid"
    try:
        pid = int(pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        click.echo(f"Lỗi: {pid_file}: không có sandbox nào được khởi động bằng --background ở "
                   "đây", err=True)
        sys.exit(1)
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            time.sleep(0.1)
            os.kill(pid, 0)
    except ProcessLookupError:
        pass
    pid_file.unlink(missing_ok=True)
    click.echo(f"Đã dừng sandbox (tiến trình {pid}).")


@sandbox.command("write")
@click.option("--seed", default=1, show_default=True, help="Seed of the generated content.")
@click.option("--agencies", "count", default=None, type=click.IntRange(1, 1000),
              help="Number of agencies (default 17).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Inspection date (default: today).")
@click.option("--out", "out_dir", default="sandbox", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for register.yaml, catalog.csv, ground_truth.json and the files.")
@click.option("--base-port", default=8100, show_default=True, type=click.IntRange(1, 65000),
              help="The ports written into the register (agency i on BASE+1+i).")
@click.option("--host", "sandbox_host", default="127.0.0.1", show_default=True,
              help="Loopback address to serve on (any of 127.0.0.0/8): another one than the "
                   "review page's keeps the portals on another host name.")
def sandbox_write(seed, count, as_of, out_dir, base_port, sandbox_host):
    """Write the sandbox's register, catalogue and ground truth without serving (the same files
    `sandbox serve` writes with the same options).

    Example: inspector sandbox write --out demo/sandbox && inspector registry import -w demo demo/sandbox/register.yaml
    """
    from ..sandbox.province import DEFAULT_AGENCIES, generate_province
    from ..sandbox.server import Sandbox

    province = generate_province(seed, count or DEFAULT_AGENCIES, parse_as_of(as_of))
    paths = Sandbox(province, out_dir, base_port=base_port, host=sandbox_host).write()
    click.echo(f"Đã ghi {paths['register']}, {paths['catalog']}, {paths['ground_truth']}")
