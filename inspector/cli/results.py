"""Commands on the scores: score, export, rankings, publish, reports, runs and history, verify."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..records import registry
from ..model.errors import UserError
from ..model.labels import vn_points
from .app import cli, parse_as_of, points_or_unknown, vn_time, with_workspace


@cli.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Date of the inspection (default: today); the year is the 12 months to it.")
@click.option("--agency", "agencies", multiple=True, metavar="ID", help="Only these agencies.")
@with_workspace
def score(ws, as_of, agencies):
    """Score every agency from the stored observations.

    Example: inspector score --as-of 2026-11-30
    """
    from ..scoring.store import score_workspace

    day = parse_as_of(as_of)
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
    from ..export.results import results_document
    from ..export.writers import to_csv, to_json, write_xlsx

    document = results_document(ws, list(agencies) or None)
    if fmt == "xlsx":
        if output is None:
            raise UserError("--format xlsx cần -o FILE")
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
    from ..export.rankings import rankings as rank
    from ..export.results import results_document

    found = [r for r in rank(results_document(ws)) if level is None or r.group == level]
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=1))
        return
    for ranking in found:
        click.echo(f"\n{ranking.group_title} — {ranking.category_id} {ranking.title}"
                   + (f" (tối đa {vn_points(ranking.max_points)})" if ranking.max_points else ""))
        for place in ranking.places:
            tie = " (đồng hạng)" if place.tied else ""
            click.echo(f"  {place.rank:>3}{tie:<12} {place.name:<40} "
                       f"{vn_points(place.points):>9}  {place.rating or ''}")
        for place in ranking.not_ranked:
            click.echo(f"    –{'':<12} {place.name:<40} {vn_points(place.points):>9}  "
                       f"{place.why_not}")


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
    from ..export.publishing import publish as publish_year

    done = publish_year(ws, year, publisher, force_reason=force_reason, out_dir=output_dir)
    click.echo(f"Đã công bố năm {year} (số liệu đến ngày {vn_time(done.as_of)[:10]}).")
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
    from ..export.report import FORMATS, write_reports

    written = write_reports(ws, list(agency_ids) or None, output_dir,
                            tuple(formats) or FORMATS)
    for path in written:
        click.echo(f"Đã ghi {path}")
    if not written:
        click.echo("Chưa có cơ quan nào được chấm điểm: chạy 'inspector score' trước.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Runs to list, newest first.")
@with_workspace
def runs(ws, as_json, limit):
    """The run records, newest first: command, date, start, end, status, counts.

    Example: inspector runs -w /srv/kiem-tra --limit 5
    """
    from ..records.runs import runs as run_records

    found = run_records(ws, limit=limit)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in found], ensure_ascii=False, indent=2))
        return
    for run in found:
        counts = run.counts
        extra = ""
        if run.command == "nightly" and counts.get("stages", {}).get("crawl"):
            crawl = counts["stages"]["crawl"]
            extra = f" · {crawl['crawled']}/{crawl['agencies']} cổng"
            if crawl.get("failures_by_class"):
                extra += " · lỗi: " + ", ".join(f"{k} {v}" for k, v in
                                                crawl["failures_by_class"].items())
        elif run.command == "crawl":
            extra = f" · {len(counts.get('agencies') or {})} cổng"
            if counts.get("nightly_run"):
                extra += f" · thuộc lượt {counts['nightly_run']}"
        click.echo(f"{run.id}\t{run.command}\t{run.status}\t"
                   f"{vn_time(run.started_at)} → {vn_time(run.finished_at)}{extra}")


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
    from ..nightly.run import compare_runs, runs_of

    if published_year is not None:
        _published_history(ws, published_year, agency_id)
        return
    if agency_id is None:
        raise UserError("hãy nêu một cơ quan (inspector history AGENCY_ID) hoặc một năm đã "
                        "công bố (--year YYYY)")
    registry.agencies(ws, [agency_id])
    runs_found = runs_of(ws, agency_id)
    if not runs_found:
        raise UserError(f"{agency_id}: chưa có lượt chạy đêm nào chấm điểm cơ quan này")

    def pick(value, default_index):
        if value is None:
            if len(runs_found) <= default_index:
                raise UserError(f"{agency_id}: mới có một lượt chạy đêm; chưa có gì để so sánh")
            return runs_found[default_index].id
        if value.isdigit() and len(value) == 4:
            of_year = [r for r in runs_found if (r.as_of or "").startswith(value)]
            if not of_year:
                raise UserError(f"{agency_id}: không có lượt chạy đêm nào có ngày đánh giá trong "
                                f"năm {value}")
            return of_year[0].id
        if value not in {r.id for r in runs_found}:
            raise UserError(f"không có lượt chạy {value!r} của {agency_id} (xem 'inspector runs')")
        return value
    new, old = pick(after, 0), pick(before, 1)
    changes = compare_runs(ws, agency_id, old, new)
    click.echo(f"{agency_id}: {old} → {new}: {len(changes)} tiêu chí thay đổi")
    def state(side):
        if side is None:
            return "không có trong lượt này"
        return f"{points_or_unknown(side['points'])} ({side['status']}, {side['posts']} tin)"
    for change in changes:
        click.echo(f"  {change['criterion_id']}: {state(change['before'])} → "
                   f"{state(change['after'])}")


def _published_history(ws, year: int, agency_id: str | None) -> None:
    from ..export.evaluation import compare_years
    from ..export.publication import published, published_years, year_before
    from ..model.labels import vn_points

    now = published(ws, year)
    if now is None:
        years = ", ".join(map(str, published_years(ws))) or "chưa có năm nào"
        raise UserError(f"năm {year} chưa công bố (đã công bố: {years})")
    before = year_before(ws, year)
    if before is None:
        raise UserError(f"không có năm nào công bố trước năm {year} để so sánh")
    if agency_id is not None:
        registry.agencies(ws, [agency_id])
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
    from ..records.evidence import verify as verify_evidence

    result = verify_evidence(ws)
    for kind in ("missing", "mismatch"):
        for path in result[kind]:
            click.echo(f"{'thiếu' if kind == 'missing' else 'sai mã băm'}: {path}")
    click.echo(f"{len(result['ok'])} tệp đúng, {len(result['missing'])} thiếu, "
               f"{len(result['mismatch'])} sai mã băm, {len(result['unrecorded'])} tệp không "
               "có trong sổ.")
    if result["missing"] or result["mismatch"]:
        sys.exit(1)
