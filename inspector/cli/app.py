"""The command group and what every command shares: --workspace, dates, progress, numbers."""

from __future__ import annotations

import functools
import sys
from datetime import date
from pathlib import Path

import click

from .. import __version__
from ..model.errors import UserError
from ..model.labels import vn_date


def parse_as_of(value: str | None) -> date:
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
        from ..records.workspace import DB_NAME, Workspace

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


class ClickProgress:
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


def pid_alive(pid_file: Path) -> bool:
    import os

    try:
        os.kill(int(pid_file.read_text(encoding="utf-8").strip()), 0)
    except (OSError, ValueError):
        return False
    return True


def vn_time(value):
    return vn_date(value, with_time=True) if value else "…"


def points_or_unknown(value) -> str:
    return "không đánh giá được" if value is None else f"{value:g}"


def parse_when(value: str | None):
    if not value:
        return None
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
