"""The `inspector` command line: a thin click layer over the Python API."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .model.errors import UserError
from .model.labels import vn_date


def _as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def with_workspace(fn=None, *, creates: bool = False):
    """Add --workspace and turn a UserError into one clean line and exit code 1. Only the
    commands that start a workspace (``creates``) make one; the others refuse a folder without
    inspector.db, so that a mistyped -w creates nothing."""
    if fn is None:
        return functools.partial(with_workspace, creates=creates)

    @click.option("--workspace", "-w", default=".", show_default=True,
                  type=click.Path(file_okay=False, path_type=Path),
                  help="Folder holding inspector.db, evidence/ and screenshots/.")
    @functools.wraps(fn)
    def wrapper(*args, workspace: Path, **kwargs):
        from .records.workspace import DB_NAME, Workspace

        try:
            if not creates and not (workspace / DB_NAME).is_file():
                raise UserError(
                    f"không có workspace ở {workspace} (không thấy {DB_NAME}); kiểm tra -w, "
                    f"hoặc tạo workspace bằng: inspector registry import -w {workspace} "
                    "SO-DANG-KY.yaml")
            ws = Workspace(workspace)
            try:
                return fn(ws, *args, **kwargs)
            finally:
                ws.close()
        except UserError as exc:
            click.echo(f"Lỗi: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="inspector")
def cli():
    """Automated inspection of state agencies' portals and online public services
    (Quyết định 1040/QĐ-UBND method: appendices 1B, 2B, 3B)."""


@cli.group()
def registry():
    """The register of agencies, their portals and declared online services."""


@registry.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@with_workspace(creates=True)
def registry_import(ws, files):
    """Import agencies and declared services from YAML, CSV or XLSX files.

    All files are checked first and written in one transaction: on any fault nothing changes.
    Importing the same file again changes nothing.

    Example: inspector registry import register.yaml
    """
    from .register.importer import import_register

    summary = import_register(ws, list(files))
    click.echo(f"Đã nhập: {summary}")


@cli.group()
def catalog():
    """The approved catalogue of administrative procedures (bộ TTHC)."""


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_workspace(creates=True)
def catalog_import(ws, file):
    """Import the approved TTHC catalogue (columns: code, name, field, level, agency).

    Example: inspector catalog import tthc.xlsx
    """
    from .register.importer import import_catalog

    summary = import_catalog(ws, file)
    click.echo(f"Đã nhập danh mục TTHC: {summary}")


@cli.group()
def survey():
    """The agencies' yearly reports (Phụ lục 1A, 2A, 3A) that feed the other categories."""


@survey.command("template")
@click.option("--level", type=click.Choice(["province", "district", "commune"]),
              help="The form: province 1A, district 2A, commune 3A.")
@click.option("--agency", "agency_id", metavar="ID",
              help="Fill in the agency of the register (a district gets its communes' sheets).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx file to write.")
@with_workspace
def survey_template(ws, level, agency_id, output):
    """Write a blank report form as an XLSX workbook an agency fills in.

    Example: inspector survey template --agency huyen-an-phu -o huyen-an-phu.xlsx
    """
    from .survey.forms import LEVEL_FORMS
    from .survey.importer import load_forms
    from .survey.workbook import write_template

    forms = load_forms()
    if agency_id is None and level is None:
        raise UserError("give --level or --agency")
    entries = []
    if agency_id is not None:
        agency = ws.db["agencies"].get(agency_id) if ws.db["agencies"].count_where(
            "id = ?", [agency_id]) else None
        if agency is None:
            raise UserError(f"unknown agency {agency_id!r} (inspector registry import)")
        if level is not None and level != agency["level"]:
            raise UserError(f"{agency_id} is a {agency['level']}, not a {level}")
        level = agency["level"]
        entries.append(("", forms[LEVEL_FORMS[level]], agency_id, agency["name"]))
        if level == "district":
            communes = ws.db["agencies"].rows_where("parent = ? and level = 'commune'",
                                                    [agency_id], order_by="id")
            for n, commune in enumerate(communes, start=1):
                entries.append((f"X{n}", forms["3A"], commune["id"], commune["name"]))
    else:
        entries.append(("", forms[LEVEL_FORMS[level]], "", ""))
    if output.suffix.lower() != ".xlsx":
        raise UserError(f"{output}: the form is written as .xlsx")
    # the register's name in the form's "Tên cơ quan", the rest for the agency to answer
    write_template(entries, output, answers=[{"agency_name": name} if name else {}
                                             for _, _, _, name in entries])
    click.echo(f"Đã ghi {output}: mẫu {entries[0][1].id}"
               + (f" và {len(entries) - 1} báo cáo cấp xã" if len(entries) > 1 else ""))


@survey.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@with_workspace
def survey_import(ws, files):
    """Import filled report workbooks (one per agency, or a district's with its communes).

    Every file is checked first; on any fault (file, sheet, cell, what is wrong) nothing is
    stored. Then run `inspector score`.

    Example: inspector survey import so-tttt.xlsx huyen-an-phu.xlsx
    """
    from .survey.importer import import_reports

    summary = import_reports(ws, list(files))
    for line in summary.lines():
        click.echo(line)


@cli.group()
def checklist():
    """The seed's criteria as data (checklists/*.yaml)."""


@checklist.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print every category and criterion as JSON.")
def checklist_list(as_json):
    """List the loaded checklists and their points.

    Example: inspector checklist list --json
    """
    from .model.checklist import items_sum, load_all

    try:
        checklists = load_all()
    except UserError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({"categories": [c.as_dict() for c in checklists]},
                              ensure_ascii=False, indent=2))
        return
    for c in checklists:
        click.echo(f"{c.id:<12} {c.level:<9} {len(c.criteria):>3} tiêu chí  "
                   f"{items_sum(c.criteria):>6g}/{c.max_points:g} điểm  {c.title}")


@cli.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Date of the inspection (default: today); the year is the 12 months to it.")
@click.option("--agency", "agencies", multiple=True, metavar="ID", help="Only these agencies.")
@with_workspace
def score(ws, as_of, agencies):
    """Score every agency from the stored observations.

    Example: inspector score --as-of 2026-11-30
    """
    from .scoring.store import score_workspace

    day = _as_of(as_of)
    results = score_workspace(ws, day, list(agencies) or None)
    for result in results:
        parts = []
        for cat in result.categories:
            rating = cat.rating or f"chưa đủ dữ liệu ({len(cat.missing)} tiêu chí)"
            parts.append(f"{cat.id} {cat.points:g}/{cat.max_points:g} {rating}")
        click.echo(f"{result.agency_id}: " + "; ".join(parts))
    click.echo(f"Đã chấm điểm {len(results)} cơ quan, ngày đánh giá {day:%d/%m/%Y}.")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json",
              show_default=True, help="json: the results document (docs/export.md); csv: one "
                                      "row per criterion; xlsx: both, as sheets.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (JSON and CSV go to standard output without it).")
@click.option("--agency", "agencies", multiple=True, metavar="ID",
              help="Only these agencies (repeat the option for several).")
@with_workspace
def export(ws, fmt, output, agencies):
    """Export the stored results for the scoring pipeline.

    Example: inspector export --format xlsx -o ket-qua.xlsx
    """
    from .export.results import results_document
    from .export.writers import to_csv, to_json, write_xlsx

    document = results_document(ws, list(agencies) or None)
    if fmt == "xlsx":
        if output is None:
            raise UserError("--format xlsx needs -o FILE")
        write_xlsx(document, output)
    else:
        text = to_json(document) if fmt == "json" else to_csv(document)
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
    if output is not None:
        click.echo(f"Đã ghi {output}", err=True)


@cli.command()
@click.option("--level", type=click.Choice(["province", "district", "commune"]),
              help="Only this group (departments, districts, communes).")
@click.option("--json", "as_json", is_flag=True, help="Print the rankings as JSON.")
@with_workspace
def rankings(ws, level, as_json):
    """Rank each group's agencies per category and overall (Section VI), with their ratings;
    ties share a place; an agency below Mức IV or not fully scored is listed apart, with why.

    Example: inspector rankings --level commune
    """
    from .export.rankings import rankings as rank
    from .export.results import results_document

    found = [r for r in rank(results_document(ws)) if level is None or r.group == level]
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=1))
        return
    for ranking in found:
        click.echo(f"\n{ranking.group_title} — {ranking.category_id} {ranking.title}"
                   + (f" (tối đa {_number(ranking.max_points)})" if ranking.max_points else ""))
        for place in ranking.places:
            tie = " (đồng hạng)" if place.tied else ""
            click.echo(f"  {place.rank:>3}{tie:<12} {place.name:<40} "
                       f"{_number(place.points):>9}  {place.rating or ''}")
        for place in ranking.not_ranked:
            click.echo(f"    –{'':<12} {place.name:<40} {_number(place.points):>9}  "
                       f"{place.why_not}")


def _number(value) -> str:
    """Vietnamese number format with two decimals at most: 86.4583 → "86,46"."""
    if value is None:
        return "—"
    return f"{round(float(value), 2):g}".replace(".", ",")


@cli.command()
@click.option("--year", type=click.IntRange(2000, 2100), required=True,
              help="The year evaluated (the stored scores' as-of date must be in it).")
@click.option("--by", "publisher", required=True,
              help="Who publishes (recorded with the year and in the audit log).")
@click.option("--force", "force_reason", metavar="REASON",
              help="Publish although findings still wait, saying why (printed in the report "
                   "beside the list of what was missing).")
@click.option("--out", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files (default: WORKSPACE/cong-bo/YEAR).")
@with_workspace
def publish(ws, year, publisher, force_reason, output_dir):
    """Publish a year after review: freeze its results and rankings (later crawls do not change
    them) and write the evaluation report (PDF and DOCX), the ranking workbook (a sheet per
    group) and the results (JSON). Refuses, naming what is missing, while findings wait for a
    reviewer, criteria are not assessed, reports are not in or agencies have not answered.

    Example: inspector publish -w /srv/kiem-tra --year 2026 --by "Nguyễn Văn A"
    """
    from .export.publishing import publish as publish_year

    done = publish_year(ws, year, publisher, force_reason=force_reason, out_dir=output_dir)
    click.echo(f"Đã công bố năm {year} (số liệu đến ngày {_vn_time(done.as_of)[:10]}).")
    if done.forced_reason:
        click.echo(f"Công bố khi còn {len(done.blockers)} nội dung chưa xong; lý do: "
                   f"{done.forced_reason}")
    for file in done.files:
        click.echo(f"Đã ghi {ws.root / file['path']}")


@cli.command()
@click.option("--agency", "agency_ids", multiple=True, metavar="ID",
              help="Only this agency (repeatable); default: every scored agency.")
@click.option("--format", "formats", type=click.Choice(["html", "pdf"]), multiple=True,
              help="html, pdf or both (repeat the option); default: both.")
@click.option("--out", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("bao-cao"), show_default=True, help="Folder for <agency-id>.html/.pdf.")
@with_workspace
def report(ws, agency_ids, formats, output_dir):
    """Write each agency's confirmation report (Section VII): every finding with its points,
    basis, counted posts, evidence thumbnails, review state and a place for the agency's answer;
    one self-contained HTML file and a PDF (A4, printed by Chromium) per agency.

    Example: inspector report -w demo/ws --agency so-tttt --out bao-cao
    """
    from .export.report import FORMATS, write_reports

    written = write_reports(ws, list(agency_ids) or None, output_dir,
                            tuple(formats) or FORMATS)
    for path in written:
        click.echo(f"Đã ghi {path}")
    if not written:
        click.echo("Chưa có cơ quan nào được chấm điểm: chạy 'inspector score' trước.")


@cli.command()
@click.option("--agency", "agencies", multiple=True, metavar="ID", help="Only these agencies.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Inspection date: the window is the 12 months ending with its month "
                   "(default: today).")
@click.option("--budget", type=click.IntRange(10, 1_000_000), default=None,
              help="Pages at most per portal (default 3000).")
@click.option("--delay", type=click.FloatRange(0, 60), default=None,
              help="Seconds between two requests to one portal at the start; AutoThrottle "
                   "adapts it to each portal's speed (default 0.5).")
@click.option("--screenshots/--no-screenshots", default=True, show_default=True,
              help="Keep a Chromium screenshot of each section's first listing page, the "
                   "counted posts outlined.")
@click.option("--incremental", is_flag=True,
              help="Read unchanged pages from the workspace's HTTP cache (listings and home "
                   "pages are always asked again) and reuse the screenshots of pages whose HTML "
                   "has not changed (docs/nightly.md).")
@click.option("--redis", "redis_url", metavar="URL",
              help="Take the agencies from a Redis list shared with other crawl processes "
                   "(scrapy-redis), e.g. redis://127.0.0.1:6379/0; needs --queue.")
@click.option("--queue", metavar="KEY", help="With --redis: the list of agency ids to take from.")
@click.option("--queue-batch", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="With --redis: agencies taken at a time (again when all are done).")
@click.option("--nightly-run", metavar="RUN",
              help="With --redis: the nightly run this process helps (its id, as `inspector "
                   "runs` shows it); its agencies are marked crawled for that run.")
@with_workspace
def crawl(ws, agencies, as_of, budget, delay, screenshots, incremental, redis_url, queue,
          queue_batch, nightly_run):
    """Crawl the agencies' portals: sections, posts and their dates, information pages and
    features; store observations for `inspector score`.

    Example: inspector crawl -w demo --as-of 2026-11-30 --agency so-tttt
    """
    from .crawl.worker import CrawlJob, CrawlOptions, Queue, run_job

    day = _as_of(as_of)
    if bool(redis_url) != bool(queue):
        raise UserError("--redis and --queue go together")
    if redis_url and agencies:
        raise UserError("with --redis the agencies come from the queue: drop --agency")
    report = run_job(CrawlJob(ws.root, day, tuple(agencies), CrawlOptions(
        screenshots=screenshots, incremental=incremental, delay=delay, budget=budget),
        nightly_run=nightly_run,
        queue=Queue(redis_url, queue, queue_batch) if redis_url else None))
    for agency_id, summary in sorted(report.agencies.items()):
        if summary["failure"]:
            click.echo(f"{agency_id}: không đánh giá được ({summary['failure']})")
        elif summary.get("internal_errors"):
            click.echo(f"{agency_id}: không đánh giá được — lỗi nội bộ của công cụ "
                       f"({summary['internal_errors'][0]}); xem nhật ký thu thập", err=True)
        else:
            click.echo(f"{agency_id}: {summary['platform']}, {summary['sections']} chuyên mục, "
                       f"{summary['posts']} tin bài; {summary['failed_observations']} mục "
                       "không đánh giá được" + (" (hết hạn mức trang)" if summary["budget_hit"] else ""))
    click.echo(f"Đã thu thập {len(report.agencies)} cổng, ngày đánh giá {day:%d/%m/%Y}.")


class _ClickProgress:
    """The nightly job's progress on a terminal: a bar per stage that has a count."""

    def __init__(self):
        self.bar = None

    def stage(self, name: str, total: int) -> None:
        labels = {"crawl": "Thu thập cổng", "services": "Kiểm tra DVCTT"}
        if total:
            self.bar = click.progressbar(length=total, label=labels.get(name, name),
                                         show_pos=True, file=sys.stderr)
            self.bar.__enter__()
        else:
            click.echo(labels.get(name, name) + "…", err=True)

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def say(self, line: str) -> None:
        click.echo(line)

    def end_stage(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Inspection date (default: today).")
@click.option("--citizen", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The test citizen's file for the service checks (or INSPECTOR_CITIZEN); "
                   "without one the services are not checked.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Crawl processes at once.")
@click.option("--batch", type=click.IntRange(1, 1000), default=4, show_default=True,
              help="Agencies per crawl process (a killed run redoes at most the batches in "
                   "flight).")
@click.option("--budget", type=click.IntRange(10, 1_000_000), default=None,
              help="Pages at most per portal (default 3000).")
@click.option("--delay", type=click.FloatRange(0, 60), default=None,
              help="Seconds between two requests to one portal at the start (default 0.5).")
@click.option("--screenshots/--no-screenshots", default=True, show_default=True,
              help="Screenshots of each section's first listing page.")
@click.option("--contexts", type=click.IntRange(1, 32), default=3, show_default=True,
              help="Service journeys at once.")
@click.option("--redis", "redis_url", metavar="URL",
              help="Share the crawl through a Redis list (scrapy-redis): the workers, here and "
                   "on other hosts with `inspector crawl --redis URL --queue KEY`, take agencies "
                   "from it (docs/nightly.md).")
@click.option("--incremental/--full", default=True, show_default=True,
              help="Read unchanged pages from the HTTP cache and reuse the screenshots of "
                   "unchanged pages, or read everything again.")
@click.option("--new", "new_run", is_flag=True,
              help="Start a new run even if tonight's was killed before its end (default: "
                   "resume it).")
@with_workspace
def nightly(ws, as_of, citizen, workers, batch, budget, delay, screenshots, contexts,
            redis_url, incremental, new_run):
    """The night's work in one command: crawl every portal, run the due service checks and
    re-checks, score, and keep the run's findings for comparison. Safe to kill at any moment:
    run it again with the same date and it resumes (crawled agencies are not crawled again).
    The run record (start, end, counts, failures by class) is in `inspector runs`, the log in
    WORKSPACE/logs/.

    Example: inspector nightly -w /srv/kiem-tra --citizen /etc/inspector/citizen.yaml
    """
    from .journeys.checker import CheckSettings
    from .journeys.citizen import citizen_from_environment
    from .crawl.worker import CrawlOptions
    from .nightly.run import OK, NightlySettings, nightly as run_nightly

    person = None
    try:
        person = citizen_from_environment(citizen, ws.root)
    except UserError:
        if citizen is not None:
            raise
    options = CrawlOptions(screenshots=screenshots, incremental=incremental, delay=delay,
                           budget=budget)
    settings = NightlySettings(as_of=_as_of(as_of), workers=workers, batch=batch,
                               crawl=options, citizen=person,
                               check_settings=CheckSettings(contexts=contexts), new=new_run,
                               redis_url=redis_url)
    run = run_nightly(ws, settings, _ClickProgress())
    if run.status != OK:
        sys.exit(3)


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

    from .crawl.worker import CrawlOptions
    from .journeys.checker import CheckSettings
    from .journeys.citizen import load_citizen
    from .nightly.run import NightlySettings, nightly as run_nightly
    from .register.importer import import_register
    from .review import accounts
    from .survey.importer import import_reports
    from .records.workspace import Workspace

    sandbox_dir, ws_dir = out_dir / "sandbox", out_dir / "ws"
    day = _as_of(as_of)
    if _alive(sandbox_dir / "sandbox.pid"):
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
            if ws.db["users"].count_where("username = ?", [username]):
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
        run_nightly(ws, settings, _ClickProgress())
        _demo_publish(ws, day.year, out_dir / "cong-bo" / str(day.year))
    finally:
        ws.close()
    click.echo(f"Tài khoản thử (tên, mật khẩu, vai trò) trong {credentials}:")
    click.echo(credentials.read_text(encoding="utf-8").rstrip())
    if not serve:
        click.echo(f"Xem kết quả: inspector review -w {ws_dir} --port {port}; dừng sandbox: "
                   f"inspector sandbox stop --out {sandbox_dir}")
        return
    _serve_review(ws_dir, "127.0.0.1", port, None,
                  lambda server: f"Trang đánh giá sẵn sàng: {server.url}/toan-tinh (dừng: Ctrl-C; "
                                 f"sandbox vẫn chạy, dừng bằng inspector sandbox stop --out "
                                 f"{sandbox_dir})", reviewer_home="/toan-tinh")


# The demo publishes its year at once, before anybody has reviewed: said in the report.
DEMO_PUBLISH_REASON = ("bản thử trên tỉnh mẫu (sandbox): công bố ngay sau lượt kiểm tra, "
                       "chưa qua duyệt và xác nhận")


def _demo_publish(ws, year: int, folder: Path) -> None:
    """Rankings and the published year of the demo; a demo run again the same year shows
    the year already published (a published year does not change)."""
    from .export.publication import publication_list
    from .export.publishing import publish as publish_year
    from .export.rankings import rankings as rank
    from .export.results import results_document

    for ranking in rank(results_document(ws)):
        if ranking.category_id == "overall" and ranking.places:
            first = ranking.places[0]
            click.echo(f"Xếp hạng {ranking.group_title.lower()}: {len(ranking.places)} xếp "
                       f"hạng, đứng đầu {first.name} ({_number(first.points)} điểm)")
    done = next(iter(publication_list(ws, year)), None)
    if done is None:
        done = publish_year(ws, year, "demo", force_reason=DEMO_PUBLISH_REASON, out_dir=folder)
        click.echo(f"Đã công bố năm {year}: {folder}")
    else:
        click.echo(f"Năm {year} đã công bố trước đó ({vn_date(done.published_at)}): "
                   f"{', '.join(f['path'] for f in done.files[:1])} …")


def _serve_review(root: Path, host: str, port: int, evidence_port, ready_line,
                  reviewer_home: str = "/", public_url: str | None = None,
                  evidence_url: str | None = None) -> None:
    """Serve the review page (and its evidence origin) until Ctrl-C or SIGTERM."""
    import signal
    import threading

    from .review.server import ReviewServer

    server = ReviewServer(root, host, port, evidence_port, reviewer_home=reviewer_home,
                          public_url=public_url, evidence_url=evidence_url)
    try:
        server.start()
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    shared = server.shared_host_names()
    if shared:
        click.echo(f"Cảnh báo: {len(shared)} địa chỉ trong sổ đăng ký cùng tên máy với trang "
                   "đánh giá; trình duyệt của người duyệt sẽ gửi cookie phiên tới đó. Hãy "
                   "phục vụ chúng ở địa chỉ khác (sandbox: --host 127.0.0.2): "
                   + "; ".join(shared[:5]) + (" …" if len(shared) > 5 else ""), err=True)
    click.echo(ready_line(server))
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _alive(pid_file: Path) -> bool:
    import os

    try:
        os.kill(int(pid_file.read_text(encoding="utf-8").strip()), 0)
    except (OSError, ValueError):
        return False
    return True


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Runs to list, newest first.")
@with_workspace
def runs(ws, as_json, limit):
    """The run records, newest first: command, date, start, end, status, counts.

    Example: inspector runs -w /srv/kiem-tra --limit 5
    """
    from .records.workspace import loads

    rows = list(ws.db["runs"].rows_where(order_by="started_at desc", limit=limit))
    if as_json:
        click.echo(json.dumps([dict(r, counts=loads(r["counts"], {})) for r in rows],
                              ensure_ascii=False, indent=2))
        return
    for row in rows:
        counts = loads(row["counts"], {}) or {}
        extra = ""
        if row["command"] == "nightly" and counts.get("stages", {}).get("crawl"):
            crawl = counts["stages"]["crawl"]
            extra = f" · {crawl['crawled']}/{crawl['agencies']} cổng"
            if crawl.get("failures_by_class"):
                extra += " · lỗi: " + ", ".join(f"{k} {v}" for k, v in
                                                crawl["failures_by_class"].items())
        elif row["command"] == "crawl":
            extra = f" · {len(counts.get('agencies') or {})} cổng"
            if counts.get("nightly_run"):
                extra += f" · thuộc lượt {counts['nightly_run']}"
        click.echo(f"{row['id']}\t{row['command']}\t{row['status']}\t"
                   f"{_vn_time(row['started_at'])} → {_vn_time(row['finished_at'])}{extra}")


def _vn_time(value):
    from .model.labels import vn_date

    return vn_date(value, with_time=True) if value else "…"


@cli.command()
@click.argument("agency_id", required=False)
@click.option("--before", metavar="RUN|YEAR", help="A nightly run id, or a year (its last run).")
@click.option("--after", metavar="RUN|YEAR", help="A nightly run id, or a year (its last run); "
              "default: the latest run.")
@click.option("--year", "published_year", type=click.IntRange(2000, 2100),
              help="A published year beside the last one published before it: each agency's "
                   "total, rank and rating (all agencies, or AGENCY_ID's).")
@with_workspace
def history(ws, agency_id, before, after, published_year):
    """An agency's findings that changed between two nightly runs (default: the last two), or
    between years (`--before 2025 --after 2026`: each year's last run); with --year, a
    published year beside the year published before it.

    \b
    Example: inspector history so-tttt --before 2025 --after 2026
    Example: inspector history --year 2026
    """
    from .nightly.run import compare_runs, runs_of

    if published_year is not None:
        _published_history(ws, published_year, agency_id)
        return
    if agency_id is None:
        raise UserError("name an agency (inspector history AGENCY_ID) or a published year "
                        "(--year YYYY)")
    ws.agencies([agency_id])
    runs_found = runs_of(ws, agency_id)
    if not runs_found:
        raise UserError(f"{agency_id}: no nightly run has scored it yet")

    def pick(value, default_index):
        if value is None:
            if len(runs_found) <= default_index:
                raise UserError(f"{agency_id}: only one nightly run so far; nothing to compare")
            return runs_found[default_index]["id"]
        if value.isdigit() and len(value) == 4:
            of_year = [r for r in runs_found if (r["as_of"] or "").startswith(value)]
            if not of_year:
                raise UserError(f"{agency_id}: no nightly run with an as-of date in {value}")
            return of_year[0]["id"]
        if value not in {r["id"] for r in runs_found}:
            raise UserError(f"unknown run {value!r} for {agency_id} (see 'inspector runs')")
        return value
    new, old = pick(after, 0), pick(before, 1)
    changes = compare_runs(ws, agency_id, old, new)
    click.echo(f"{agency_id}: {old} → {new}: {len(changes)} tiêu chí thay đổi")
    def state(side):
        if side is None:
            return "không có trong lượt này"
        return f"{_points(side['points'])} ({side['status']}, {side['posts']} tin)"
    for change in changes:
        click.echo(f"  {change['criterion_id']}: {state(change['before'])} → "
                   f"{state(change['after'])}")


def _published_history(ws, year: int, agency_id: str | None) -> None:
    from .export.evaluation import compare_years
    from .export.publication import published, published_years, year_before
    from .model.labels import vn_points

    now = published(ws, year)
    if now is None:
        years = ", ".join(map(str, published_years(ws))) or "chưa có năm nào"
        raise UserError(f"năm {year} chưa công bố (đã công bố: {years})")
    before = year_before(ws, year)
    if before is None:
        raise UserError(f"không có năm nào công bố trước năm {year} để so sánh")
    if agency_id is not None:
        ws.agencies([agency_id])
    click.echo(f"Năm {before.year} → năm {year} (hạng, tổng điểm, xếp loại)")
    for change in compare_years(now, before):
        if agency_id is not None and change.agency_id != agency_id:
            continue
        was = (f"{change.rank_before or '—'}, {vn_points(change.points_before)}"
               if change.points_before is not None or change.rank_before else "chưa đánh giá")
        moved = "" if change.difference is None else \
            f" ({'+' if change.difference >= 0 else ''}{vn_points(change.difference)})"
        click.echo(f"  {change.name}: {was} → {change.rank_now or '—'}, "
                   f"{vn_points(change.points_now)}{moved}"
                   + (f"; {change.rating_before or '—'} → {change.rating_now or '—'}"
                      if change.group != "province" else ""))


@cli.command()
@with_workspace
def verify(ws):
    """Re-hash every evidence file against its recorded SHA-256; exit 1 on a missing or
    changed file. Files no record names (left by a killed run) are listed, not errors.

    Example: inspector verify -w /srv/kiem-tra
    """
    from .evidence.store import verify as verify_evidence

    result = verify_evidence(ws)
    for kind in ("missing", "mismatch"):
        for path in result[kind]:
            click.echo(f"{'thiếu' if kind == 'missing' else 'sai mã băm'}: {path}")
    click.echo(f"{len(result['ok'])} tệp đúng, {len(result['missing'])} thiếu, "
               f"{len(result['mismatch'])} sai mã băm, {len(result['unrecorded'])} tệp không "
               "có trong sổ.")
    if result["missing"] or result["mismatch"]:
        sys.exit(1)


@cli.group()
def override():
    """A reviewer's decision on a finding: confirm the automatic value, or override its points
    (status `reviewed`) with the reason."""


@override.command("confirm")
@click.argument("agency_id")
@click.argument("criterion_id")
@click.option("--note", help="What the reviewer checked (optional).")
@click.option("--by", "reviewer", required=True, help="The reviewer (recorded in the audit log).")
@with_workspace
def override_confirm(ws, agency_id, criterion_id, note, reviewer):
    """Confirm the automatic value after looking at the evidence (no change of points); if a
    later crawl moves that value, the finding asks for a second look.

    Example: inspector override confirm so-tttt 1B/III/2 --by "Trần Thị Duyệt" --note "Đã xem 12 tin"
    """
    from .review.overrides import confirm_finding

    finding = confirm_finding(ws, agency_id, criterion_id, reviewer, note)
    click.echo(f"Đã xác nhận {agency_id} {criterion_id}: {finding['points']:g}/"
               f"{finding['max_points']:g}.")


@override.command("set")
@click.argument("agency_id")
@click.argument("criterion_id")
@click.option("--points", type=float, required=True, help="Points within 0..the criterion's max.")
@click.option("--reason", required=True, help="Why the automatic value is wrong.")
@click.option("--by", "reviewer", required=True, help="The reviewer (recorded in the audit log).")
@with_workspace
def override_set(ws, agency_id, criterion_id, points, reason, reviewer):
    """Set a finding's points; they stand through later crawls and re-scoring until cleared.

    Example: inspector override set so-tttt 1B/III/2 --points 4 --reason "Hai tin bị tính trùng" --by "Trần Thị Duyệt"
    """
    from .review.overrides import set_override

    finding = set_override(ws, agency_id, criterion_id, points, reason, reviewer)
    click.echo(f"Đã điều chỉnh {agency_id} {criterion_id}: {finding['points']:g}/"
               f"{finding['max_points']:g} (tự động: {_points(finding['auto_points'])}).")


@override.command("clear")
@click.argument("agency_id")
@click.argument("criterion_id")
@click.option("--reason", required=True, help="Why the override is withdrawn.")
@click.option("--by", "reviewer", required=True, help="The reviewer (recorded in the audit log).")
@with_workspace
def override_clear(ws, agency_id, criterion_id, reason, reviewer):
    """Withdraw an override: the finding takes its automatic value again.

    Example: inspector override clear so-tttt 1B/III/2 --reason "Đã thu thập lại" --by "Trần Thị Duyệt"
    """
    from .review.overrides import clear_override

    finding = clear_override(ws, agency_id, criterion_id, reason, reviewer)
    click.echo(f"Đã bỏ điều chỉnh {agency_id} {criterion_id}: {_points(finding['points'])}/"
               f"{finding['max_points']:g}.")


@override.command("confirm-category")
@click.argument("agency_id")
@click.argument("category_id")
@click.option("--by", "reviewer", required=True, help="The reviewer (recorded in the audit log).")
@click.option("--note", help="What the reviewer checked.")
@with_workspace
def override_confirm_category(ws, agency_id, category_id, reviewer, note):
    """Confirm every automatic finding of a category that waits for a reviewer, one audit entry
    each; findings not assessed, overridden or flagged are left for a look of their own.

    Example: inspector override confirm-category so-tttt 1B/III --by "Trần Thị Duyệt"
    """
    from .review.overrides import confirm_category

    done = confirm_category(ws, agency_id, category_id, reviewer, note)
    click.echo(f"Đã xác nhận {len(done)} kết quả tự động của {agency_id} {category_id}"
               + (f": {', '.join(done)}." if done else "."))


@override.command("zero-rule")
@click.argument("agency_id")
@click.argument("criterion_id")
@click.option("--by", "reviewer", required=True, help="The reviewer (recorded in the audit log).")
@click.option("--note", help="What the reviewer checked.")
@with_workspace
def override_zero_rule(ws, agency_id, criterion_id, reviewer, note):
    """Confirm a case of Section V.3.1.b: 0 points. A finding flagged "declared vs observed"
    (the agency's figure is wrong; the reason recorded is the seed's words and the difference
    found), or one not assessed because the agency's report lacks a figure it needs (the
    reason names the figure). A finding not assessed for another reason cannot take it.

    Example: inspector override zero-rule so-tttt 1B/III/2 --by "Trần Thị Duyệt"
    """
    from .review.overrides import apply_zero_rule

    finding = apply_zero_rule(ws, agency_id, criterion_id, reviewer, note)
    click.echo(f"Đã áp dụng điểm 0 (Mục V.3.1.b) cho {agency_id} {criterion_id} "
               f"(tự động: {_points(finding['auto_points'])}).")


def _points(value) -> str:
    return "không đánh giá được" if value is None else f"{value:g}"


def _when(value: str | None):
    if not value:
        return None
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@cli.command("check-services")
@click.option("--agency", "agencies", multiple=True, metavar="ID", help="Only these agencies.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Inspection date, used when the agencies' results are re-scored "
                   "(default: the date they were last scored for, else today).")
@click.option("--citizen", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The test citizen's file, outside the workspace (or INSPECTOR_CITIZEN); "
                   "format in docs/playbooks.md.")
@click.option("--playbooks", "playbook_dirs", multiple=True,
              type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder of extra journey playbooks (YAML); repeatable.")
@click.option("--contexts", type=click.IntRange(1, 32), default=3, show_default=True,
              help="Journeys run at once, each in a fresh browser context.")
@click.option("--step-timeout", type=click.FloatRange(1, 600), default=30, show_default=True,
              help="Seconds each action of a journey may take.")
@click.option("--mail-timeout", type=click.FloatRange(1, 3600), default=60, show_default=True,
              help="Seconds to wait for an e-mailed code.")
@click.option("--recheck-after", type=click.FloatRange(0, 24 * 30), default=4, show_default=True,
              help="Hours before a failed service is checked again (V.4.2.c.ii); its verdict "
                   "waits for that re-check.")
@click.option("--sample-above", type=click.IntRange(0, 100000), default=10, show_default=True,
              help="Agencies with more matched services than this are checked by group: "
                   "representative + sample by journey, the rest by report.")
@click.option("--sample-size", type=click.IntRange(0, 1000), default=2, show_default=True,
              help="Services drawn per group besides its representative.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the sample draw (the same seed draws the same services).")
@click.option("--match-threshold", type=click.FloatRange(0, 100), default=None,
              help="Least name-match score (0-100) against the catalogue (default 85).")
@click.option("--again", is_flag=True, help="Check again services whose verdict is final.")
@click.option("--dry-run", is_flag=True,
              help="Only show each service's check, the reason, its catalogue match and whether "
                   "an attempt is due; change nothing.")
@click.option("--headed", is_flag=True,
              help="A visible browser, one journey at a time: an inspector finishes the steps "
                   "that need a person (captcha, SMS code) while the tool records.")
@click.option("--human-timeout", type=click.FloatRange(10, 7200), default=600,
              show_default=True,
              help="With --headed: seconds an inspector has to finish a step that needs a person.")
@click.option("--now", "now", metavar="YYYY-MM-DDTHH:MM",
              help="The time to record and to measure re-check gaps by (default: the clock); "
                   "for replays and tests.")
@with_workspace
def check_services(ws, agencies, as_of, citizen, playbook_dirs, contexts, step_timeout,
                   mail_timeout, recheck_after, sample_above, sample_size, seed,
                   match_threshold, again, dry_run, headed, human_timeout, now):
    """Check each declared online public service as a citizen would (Section V.4.2):
    register, confirm, log in, submit a dossier with a test document, track it; keep a
    screenshot per step, a trace, and a video of failures.

    Example: inspector check-services -w demo --citizen ~/kiem-tra/citizen.yaml --agency so-tttt
    """
    from .journeys.checker import CheckSettings, check_services as run_checks
    from .scoring.store import rescore
    from .journeys.citizen import citizen_from_environment
    from .journeys.journey import JourneySettings
    from .journeys.rules import Sampling

    person = None
    try:
        person = citizen_from_environment(citizen, ws.root)
    except UserError:
        if citizen is not None or headed:
            raise
    settings = CheckSettings(
        journey=JourneySettings(step_timeout=step_timeout, mail_timeout=mail_timeout,
                                headed=headed, human_timeout=human_timeout),
        contexts=contexts, recheck_after_hours=recheck_after,
        sampling=Sampling(above=sample_above, per_group=sample_size, seed=seed),
        threshold=match_threshold, again=again, playbook_dirs=list(playbook_dirs),
        now=_when(now))
    if dry_run:
        from .journeys.checker import plan_services

        for row in plan_services(ws, list(agencies) or None, settings):
            match = row["match"]
            click.echo(f"{row['agency_id']}\t{row['check']}\t{row['due'] or '-'}\t"
                       f"{match.get('code') or '-'} ({match.get('score')})\t"
                       f"{row['playbook'] or '-'}\t{row['name']}\t{row['reason']}")
        return
    day = _as_of(as_of) if as_of else None
    summary = run_checks(ws, list(agencies) or None, day, person, settings, echo=click.echo)
    parts = [f"{count} {status}" for status, count in sorted(summary.by_status.items())]
    click.echo(f"Đã kiểm tra {summary.attempts} lượt trên {summary.services} dịch vụ: "
               + ", ".join(parts) + ".")
    rescored = rescore(ws, summary.changed, day)
    if rescored:
        click.echo("Đã chấm lại điểm: " + ", ".join(rescored))
    if summary.failure_line():
        click.echo(f"Lỗi: {summary.failure_line()}", err=True)
        sys.exit(3)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 unless behind a TLS proxy).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port of the reviewers' page.")
@click.option("--evidence-port", type=click.IntRange(1, 65535), default=None,
              help="Port of the evidence origin (default: --port + 1); captured HTML is shown "
                   "only from there, in a sandboxed frame.")
@click.option("--public-url", metavar="URL",
              help="Behind a TLS reverse proxy: the page's address as people open it, e.g. "
                   "https://danhgia.stttt.example.gov.vn (https: Secure, __Host- cookies); "
                   "only this Host is answered. Needs --evidence-url.")
@click.option("--evidence-url", metavar="URL",
              help="Behind the proxy: the evidence origin's address, on another host name, "
                   "e.g. https://bangchung.stttt.example.gov.vn.")
@with_workspace
def review(ws, host, port, evidence_port, public_url, evidence_url):
    """Serve the reviewers' web page: agencies, findings with their evidence, services with
    their journeys; overrides, agency answers, audit log. Accounts: `inspector users add`.
    Served by waitress; only the page's own Host is answered (docs/review.md, deployment).

    \b
    Example: inspector review -w demo/ws --port 8000
    Example: inspector review -w /srv/kiem-tra --port 8000 --evidence-port 8001 \\
      --public-url https://danhgia.example.gov.vn \\
      --evidence-url https://bangchung.example.gov.vn
    """
    if not ws.db["users"].count:
        raise UserError("no account yet: create one with 'inspector users add NAME --role "
                        "reviewer'")
    _serve_review(ws.root, host, port, evidence_port,
                  lambda server: f"Trang đánh giá: {server.url}/ (bằng chứng: "
                                 f"{server.evidence_url}); dừng: Ctrl-C",
                  public_url=public_url, evidence_url=evidence_url)


@cli.group()
def services():
    """Declared online services: their check state, and reopening one after feedback."""


@services.command("reopen")
@click.argument("service_id")
@click.option("--reason", required=True, help="The feedback that calls for the re-check.")
@click.option("--by", "reviewer", required=True, help="Who reopens it (recorded in the audit log).")
@with_workspace
def services_reopen(ws, service_id, reason, reviewer):
    """Reopen a recognised service for a re-check (hậu kiểm, V.4.2.c.ii); the next
    check-services checks it, and a confirmed failure revokes its recognition.

    Example: inspector services reopen so-tttt:1a2b3c4d --by "Nguyễn Văn A" --reason "Phản ánh của người dân: không nộp được hồ sơ"
    """
    from .journeys.checker import reopen_service

    reopen_service(ws, service_id, reviewer, reason)
    click.echo(f"Đã mở lại dịch vụ {service_id} để hậu kiểm.")


@services.command("list")
@click.option("--agency", "agencies", multiple=True, metavar="ID", help="Only these agencies.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of lines.")
@with_workspace
def services_list(ws, agencies, as_json):
    """Each declared service with its check, status and last attempt.

    Example: inspector services list --agency so-tttt
    """
    from .journeys.checker import service_rows

    rows = service_rows(ws, list(agencies) or None)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        last = row["last_attempt"] or {}
        click.echo(f"{row['id']}\t{row['status'] or 'chưa kiểm tra'}\t{row['check'] or '-'}\t"
                   f"{(last.get('outcome') or '-')}{'@' + last['failed_step'] if last.get('failed_step') else ''}"
                   f"\t{row['name']}")


@cli.group()
def users():
    """Accounts of the review page: reviewers, and agency staff who see only their agency."""


def _password_from(env_var: str | None) -> str:
    import os

    if env_var:
        value = os.environ.get(env_var)
        if not value:
            raise UserError(f"environment variable {env_var} is not set or empty")
        return value
    return click.prompt("Mật khẩu (ít nhất 10 ký tự)", hide_input=True,
                        confirmation_prompt="Nhập lại mật khẩu")


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["reviewer", "agency"]), required=True,
              help="reviewer: reviews every agency; agency: read-only, one agency's staff.")
@click.option("--agency", "agency_id", metavar="ID", help="The agency (role agency only).")
@click.option("--name", "display_name", help="The name shown on the page (default: USERNAME).")
@click.option("--password-env", metavar="VAR",
              help="Read the password from this environment variable instead of asking.")
@with_workspace
def users_add(ws, username, role, agency_id, display_name, password_env):
    """Create an account; the password is asked twice unless --password-env names a variable.

    Example: inspector users add duyet.tt --role reviewer --name "Trần Thị Duyệt"
    """
    from .review.accounts import check_new_user, create_user

    check_new_user(ws, username, role, agency_id)
    user = create_user(ws, username, _password_from(password_env), role, agency_id, display_name)
    where = f", {user['agency_id']}" if user["agency_id"] else ""
    click.echo(f"Đã tạo tài khoản {username} ({role}{where}).")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of lines.")
@with_workspace
def users_list(ws, as_json):
    """Every account with its role, agency and state (never a password or hash).

    Example: inspector users list --json
    """
    from .review.accounts import list_users

    rows = list_users(ws)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        state = "đã khoá" if row["disabled_at"] else "hoạt động"
        click.echo(f"{row['username']}\t{row['role']}\t{row['agency_id'] or '-'}\t{state}\t"
                   f"{row['display_name']}")


@users.command("disable")
@click.argument("username")
@with_workspace
def users_disable(ws, username):
    """Disable an account and end its sessions (the account and its audit trail stay).

    Example: inspector users disable duyet.tt
    """
    from .review.accounts import disable_user

    disable_user(ws, username)
    click.echo(f"Đã khoá tài khoản {username}.")


@users.command("passwd")
@click.argument("username")
@click.option("--password-env", metavar="VAR",
              help="Read the new password from this environment variable instead of asking.")
@with_workspace
def users_passwd(ws, username, password_env):
    """Set a new password; the account's open sessions end.

    Example: inspector users passwd duyet.tt
    """
    from .review.accounts import get_user, set_password

    if get_user(ws, username) is None:
        raise UserError(f"unknown user {username!r} (see 'inspector users list')")
    set_password(ws, username, _password_from(password_env))
    click.echo(f"Đã đổi mật khẩu tài khoản {username}.")


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

    from .sandbox.province import DEFAULT_AGENCIES, generate_province
    from .sandbox.server import Sandbox

    started = time.monotonic()
    try:
        province = generate_province(seed, count or DEFAULT_AGENCIES, _as_of(as_of))
        running = Sandbox(province, out_dir, base_port=base_port, host=sandbox_host).start()
    except (OSError, ValueError) as exc:
        click.echo(f"Lỗi: cannot start the sandbox: {exc}", err=True)
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
        click.echo(f"Lỗi: the sandbox did not start (see {log_path})", err=True)
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
        click.echo(f"Lỗi: {pid_file}: no sandbox started with --background here", err=True)
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
    from .sandbox.province import DEFAULT_AGENCIES, generate_province
    from .sandbox.server import Sandbox

    province = generate_province(seed, count or DEFAULT_AGENCIES, _as_of(as_of))
    paths = Sandbox(province, out_dir, base_port=base_port, host=sandbox_host).write()
    click.echo(f"Đã ghi {paths['register']}, {paths['catalog']}, {paths['ground_truth']}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
