"""Commands that observe: crawl, nightly, the service checks and their list."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..model.errors import UserError
from .app import ClickProgress, cli, parse_as_of, parse_when, with_workspace


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
    from ..crawl.worker import CrawlJob, CrawlOptions, Queue, run_job

    day = parse_as_of(as_of)
    if bool(redis_url) != bool(queue):
        raise UserError("--redis và --queue phải dùng cùng nhau")
    if redis_url and agencies:
        raise UserError("với --redis, cơ quan lấy từ hàng đợi: bỏ --agency")
    report = run_job(CrawlJob(ws.root, day, tuple(agencies), CrawlOptions(
        screenshots=screenshots, incremental=incremental, delay=delay, budget=budget),
        nightly_run=nightly_run,
        queue=Queue(redis_url, queue, queue_batch) if redis_url else None))
    for kind, line in report.agency_lines():
        click.echo(line, err=kind == "tool_error")
    click.echo(f"Đã thu thập {len(report.agencies)} cổng, ngày đánh giá {day:%d/%m/%Y}.")


@cli.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Inspection date (default: today).")
@click.option("--citizen", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The test citizen's file for the service checks (or INSPECTOR_CITIZEN); "
                   "without one the services are not checked.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Crawl processes at once.")
@click.option("--batch", type=click.IntRange(1, 1000), default=8, show_default=True,
              help="Agencies per crawl process (a killed run redoes at most the batches in "
                   "flight); three times as many for portals crawled before, on an incremental "
                   "night.")
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
    from ..journeys.checker import CheckSettings
    from ..journeys.citizen import citizen_from_environment
    from ..crawl.worker import CrawlOptions
    from ..nightly.run import OK, NightlySettings, nightly as run_nightly

    person = None
    try:
        person = citizen_from_environment(citizen, ws.root)
    except UserError:
        if citizen is not None:
            raise
    options = CrawlOptions(screenshots=screenshots, incremental=incremental, delay=delay,
                           budget=budget)
    settings = NightlySettings(as_of=parse_as_of(as_of), workers=workers, batch=batch,
                               crawl=options, citizen=person,
                               check_settings=CheckSettings(contexts=contexts), new=new_run,
                               redis_url=redis_url)
    run = run_nightly(ws, settings, ClickProgress())
    if run.status != OK:
        sys.exit(3)


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
    from ..journeys.checker import CheckSettings, check_services as run_checks
    from ..scoring.store import rescore
    from ..journeys.citizen import citizen_from_environment
    from ..journeys.journey import JourneySettings
    from ..journeys.rules import Sampling

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
        now=parse_when(now))
    if dry_run:
        from ..journeys.checker import plan_services

        for row in plan_services(ws, list(agencies) or None, settings):
            match = row["match"]
            click.echo(f"{row['agency_id']}\t{row['check']}\t{row['due'] or '-'}\t"
                       f"{match.get('code') or '-'} ({match.get('score')})\t"
                       f"{row['playbook'] or '-'}\t{row['name']}\t{row['reason']}")
        return
    day = parse_as_of(as_of) if as_of else None
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
    from ..journeys.ledger import reopen_service

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
    from ..journeys.ledger import service_rows

    rows = service_rows(ws, list(agencies) or None)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        last = row["last_attempt"] or {}
        click.echo(f"{row['id']}\t{row['status'] or 'chưa kiểm tra'}\t{row['check'] or '-'}\t"
                   f"{(last.get('outcome') or '-')}{'@' + last['failed_step'] if last.get('failed_step') else ''}"
                   f"\t{row['name']}")
