"""Commands for people: the review page, its accounts, reviewers' overrides."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..model.errors import UserError
from .app import cli, points_or_unknown, with_workspace


def serve_review(root: Path, host: str, port: int, evidence_port, ready_line,
                  reviewer_home: str = "/", public_url: str | None = None,
                  evidence_url: str | None = None) -> None:
    """Serve the review page (and its evidence origin) until Ctrl-C or SIGTERM."""
    import signal
    import threading

    from ..review.server import ReviewServer

    server = ReviewServer(root, host, port, evidence_port, reviewer_home=reviewer_home,
                          public_url=public_url, evidence_url=evidence_url)
    try:
        server.start()
    except OSError as exc:
        raise UserError(f"không nghe được trên {host}:{port}: {exc.strerror}") from None
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
    from ..review.overrides import confirm_finding

    finding = confirm_finding(ws, agency_id, criterion_id, reviewer, note)
    click.echo(f"Đã xác nhận {agency_id} {criterion_id}: {finding.points:g}/"
               f"{finding.max_points:g}.")


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
    from ..review.overrides import set_override

    finding = set_override(ws, agency_id, criterion_id, points, reason, reviewer)
    click.echo(f"Đã điều chỉnh {agency_id} {criterion_id}: {finding.points:g}/"
               f"{finding.max_points:g} (tự động: {points_or_unknown(finding.auto_points)}).")


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
    from ..review.overrides import clear_override

    finding = clear_override(ws, agency_id, criterion_id, reason, reviewer)
    click.echo(f"Đã bỏ điều chỉnh {agency_id} {criterion_id}: {points_or_unknown(finding.points)}/"
               f"{finding.max_points:g}.")


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
    from ..review.overrides import confirm_category

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
    from ..review.overrides import apply_zero_rule

    finding = apply_zero_rule(ws, agency_id, criterion_id, reviewer, note)
    click.echo(f"Đã áp dụng điểm 0 (Mục V.3.1.b) cho {agency_id} {criterion_id} "
               f"(tự động: {points_or_unknown(finding.auto_points)}).")


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
    from ..review.accounts import list_users

    if not list_users(ws):
        raise UserError("chưa có tài khoản nào: hãy tạo bằng 'inspector users add NAME --role "
                        "reviewer'")
    serve_review(ws.root, host, port, evidence_port,
                  lambda server: f"Trang đánh giá: {server.url}/ (bằng chứng: "
                                 f"{server.evidence_url}); dừng: Ctrl-C",
                  public_url=public_url, evidence_url=evidence_url)


@cli.group()
def users():
    """Accounts of the review page: reviewers, and agency staff who see only their agency."""


def _password_from(env_var: str | None) -> str:
    import os

    if env_var:
        value = os.environ.get(env_var)
        if not value:
            raise UserError(f"biến môi trường {env_var} chưa đặt hoặc để trống")
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
    from ..review.accounts import check_new_user, create_user

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
    from ..review.accounts import list_users

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
    from ..review.accounts import disable_user

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
    from ..review.accounts import existing_user, set_password

    existing_user(ws, username)          # before the prompt: an unknown account is said first
    set_password(ws, username, _password_from(password_env))
    click.echo(f"Đã đổi mật khẩu tài khoản {username}.")
