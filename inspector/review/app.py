"""The reviewers' web page (WSGI): agencies, findings with their evidence, services with their
journeys, overrides and agency answers; login, CSRF and per-agency access on every request."""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from ..model.errors import UserError
from ..export.rankings import GROUPS
from ..export.report import render_report
from ..model.labels import LEVEL_NAMES, template_globals, vn_date, vn_number, vn_points
from ..evidence import crops
from ..records import registry
from ..records.evidence import evidence_file, owned_by
from ..records.findings import categories as stored_categories
from ..records.findings import findings as stored_findings
from ..records.findings import has_findings, status_counts
from ..records.findings import overall as stored_overall
from ..records.services import verdicts
from ..records.workspace import Workspace
from . import accounts, logins
from .evidence import EvidenceSigner
from .corrections import correct_section, topic_rows, withdraw_correction
from .overrides import (apply_zero_rule, clear_override, confirm_category, confirm_finding,
                        respond, respond_all, set_override, zero_rule_case)
from .limits import AUDIT_PAGE, MAX_FORM_MEMORY, MAX_FORM_PARTS, MAX_REQUEST_BYTES
from ..records.review_state import finding_reviews, review_summary

CHART_INPUTS_KEPT = 16      # province views whose chart inputs are kept for their <img> links
# The province view's charts (export/charts.py): path name → caption.
PROVINCE_CHARTS = (("xep-loai", "Xếp loại theo hạng mục"),
                   ("diem-mat", "Tỷ lệ điểm bị mất theo hạng mục"),
                   ("nam-truoc", "Năm nay bên cạnh năm trước"))
SESSION_COOKIE = "phien"
LOGIN_COOKIE = "dang_nhap_csrf"
RATINGS = ["Tốt", "Khá", "Trung bình", "Mức I", "Mức II", "Mức III", "Mức IV", "Dưới Mức IV"]
SORTS = [("ten", "Tên"), ("cap", "Cấp"), ("chua_danh_gia", "Chưa đánh giá nhiều nhất"),
         ("can_xem", "Cần xem lại nhiều nhất")]


def _chart_inputs(document: dict[str, Any], found: list, before) -> dict[str, Any]:
    """What the province view's charts are drawn from: the rankings, each agency's level and
    categories (export/charts.category_shares reads no more), the year before's likewise."""
    def categories(doc: dict[str, Any]) -> dict[str, Any]:
        return {"agencies": [{"level": a["level"], "categories": a["categories"]}
                             for a in doc["agencies"]]}
    return {"rankings": found, "document": categories(document),
            "year": int(document["as_of"][:4]),
            "before": (categories(before.document), before.year) if before else None}


def _anchor(finding: dict[str, Any]) -> str:
    return "tc-" + finding["criterion_id"].replace("/", "-")


def _back_to(agency_id: str, criterion_id: str) -> Response:
    """After a change, the agency's page at the finding (its row id as agency.html makes it)."""
    return redirect(f"/co-quan/{agency_id}#tc-{criterion_id.replace('/', '-')}", 303)


class ReviewRequest(Request):
    """A request whose form cannot grow past the page's caps (review/limits.py)."""

    max_content_length = MAX_REQUEST_BYTES
    max_form_memory_size = MAX_FORM_MEMORY
    max_form_parts = MAX_FORM_PARTS


class ReviewApp:
    def __init__(self, root: Path, signer: EvidenceSigner, evidence_origin: str, *,
                 secure_cookies: bool = False, session_lifetime: timedelta | None = None,
                 reviewer_home: str = "/", allowed_hosts: set[str] | None = None):
        self.root = Path(root)
        # Host headers answered (None: any, for an app tested in-process); another is refused
        # with 400 before routing, so that no redirect ever names it.
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        # where a reviewer lands after logging in (the demo opens on the province view)
        self.reviewer_home = reviewer_home if reviewer_home in ("/", "/toan-tinh") else "/"
        self.signer = signer
        self.evidence_origin = evidence_origin.rstrip("/")
        self.secure_cookies = secure_cookies
        self._charts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._charts_lock = threading.Lock()
        # Behind HTTPS the session cookie takes the __Host- prefix: Secure, for this exact host,
        # path /, and no other site or subdomain can set it (no login CSRF by cookie tossing).
        self.session_cookie = f"__Host-{SESSION_COOKIE}" if secure_cookies else SESSION_COOKIE
        self.login_cookie = f"__Secure-{LOGIN_COOKIE}" if secure_cookies else LOGIN_COOKIE
        self.session_lifetime = session_lifetime or accounts.SESSION_LIFETIME
        self.env = Environment(loader=PackageLoader("inspector.review", "templates"),
                               autoescape=select_autoescape(["html"]))
        self.env.filters.update(ngay=vn_date, so=vn_number, so2=vn_points)
        self.env.globals.update(template_globals())
        self.urls = Map([
            Rule("/dang-nhap", endpoint="login", methods=["GET", "POST"]),
            Rule("/dang-xuat", endpoint="logout", methods=["POST"]),
            Rule("/", endpoint="agencies"),
            Rule("/co-quan/<agency_id>", endpoint="agency"),
            Rule("/co-quan/<agency_id>/bao-cao", endpoint="report"),
            Rule("/co-quan/<agency_id>/xac-nhan", endpoint="confirm", methods=["POST"]),
            Rule("/co-quan/<agency_id>/dieu-chinh", endpoint="override", methods=["POST"]),
            Rule("/co-quan/<agency_id>/bo-dieu-chinh", endpoint="clear", methods=["POST"]),
            Rule("/co-quan/<agency_id>/diem-0", endpoint="zero_rule", methods=["POST"]),
            Rule("/co-quan/<agency_id>/xac-nhan-hang-muc", endpoint="confirm_category",
                 methods=["POST"]),
            Rule("/co-quan/<agency_id>/tra-loi", endpoint="answer", methods=["POST"]),
            Rule("/co-quan/<agency_id>/xac-nhan-tat-ca", endpoint="answer_all",
                 methods=["POST"]),
            Rule("/co-quan/<agency_id>/chuyen-muc", endpoint="section", methods=["POST"]),
            Rule("/co-quan/<agency_id>/bo-chuyen-muc", endpoint="unsection", methods=["POST"]),
            Rule("/xem", endpoint="viewer"),
            Rule("/nhat-ky", endpoint="audit"),
            Rule("/toan-tinh", endpoint="province"),
            Rule("/toan-tinh/bieu-do/<group>/<chart>.png", endpoint="province_chart"),
        ])

    # --- plumbing -----------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = ReviewRequest(environ)
        if self.allowed_hosts is not None and \
                environ.get("HTTP_HOST", "").lower() not in self.allowed_hosts:
            # the address to use comes from this server's own settings, never from the request
            scheme = "https" if self.secure_cookies else "http"
            response = Response(f"Tên máy không hợp lệ: hãy mở trang tại {scheme}://"
                                f"{sorted(self.allowed_hosts)[0]}/", status=400)
            self.harden(response)
            return response(environ, start_response)
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            # answered before a byte of the body is read
            response = Response("Yêu cầu quá lớn.", status=413)
            self.harden(response)
            response.headers["Connection"] = "close"
            return response(environ, start_response)
        ws = Workspace(self.root, create=False)
        try:
            response = self.dispatch(request, ws)
        except HTTPException as exc:
            response = exc.get_response()
        finally:
            ws.close()
        self.harden(response)
        return response(environ, start_response)

    def harden(self, response: Response) -> None:
        origin = self.evidence_origin
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; img-src 'self' {origin}; media-src {origin}; "
            f"frame-src {origin}; style-src 'unsafe-inline'; script-src 'none'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"

    def dispatch(self, request: Request, ws: Workspace) -> Response:
        adapter = self.urls.bind_to_environ(request.environ)
        endpoint, args = adapter.match()
        if request.method == "POST" and sum(
                1 for _ in request.form.items(multi=True)) > MAX_FORM_PARTS:
            return Response("Biểu mẫu có quá nhiều trường.", status=413)
        if endpoint == "login":
            return self.on_login(request, ws)
        user = accounts.session_user(ws, request.cookies.get(self.session_cookie))
        if user is None:
            if request.method != "GET":
                return Response("Phiên làm việc đã hết; hãy đăng nhập lại.", status=401)
            return redirect("/dang-nhap", 303)
        if request.method == "POST" and not accounts.check_csrf(user, request.form.get("csrf")):
            return self.render(user, "error.html", status=403,
                               heading="Yêu cầu bị từ chối (thiếu mã chống giả mạo)")
        return getattr(self, f"on_{endpoint}")(request, ws, user, **args)

    def render(self, user: dict[str, Any] | None, template: str, status: int = 200,
               **context: Any) -> Response:
        context.setdefault("title", context.get("heading", ""))
        body = self.env.get_template(template).render(
            user=user, csrf=user["csrf"] if user else "", messages=context.pop("messages", []), **context)
        return Response(body, status=status, mimetype="text/html")

    def sign(self, user: dict[str, Any], path: str, crop: str | None = None) -> str:
        """A link to the evidence file, or with ``crop`` (a token) to that crop of it."""
        query = self.signer.sign(path, user["username"], session=user.get("link_id") or None,
                                 crop=crop)
        return f"{self.evidence_origin}/e/{quote(path)}?{query}"

    def evidence_href(self, user: dict[str, Any], ref: dict[str, Any]) -> str:
        """The link showing an evidence reference: a crop drawn from its screenshot, or the
        file itself."""
        return self.sign(user, ref["path"], crops.token(ref) if crops.is_drawn(ref) else None)

    def forbidden(self, user) -> Response:
        return self.render(user, "error.html", status=403, heading="Bạn không có quyền xem trang này")

    @staticmethod
    def can_see(user: dict[str, Any], agency_id: str) -> bool:
        return user["role"] == accounts.REVIEWER or user.get("agency_id") == agency_id

    # --- login --------------------------------------------------------------------------------

    def on_login(self, request: Request, ws: Workspace) -> Response:
        # Before a session exists, a cookie and a hidden field carrying the same random value
        # protect the login form itself (double submit).
        if request.method == "POST":
            cookie, field = request.cookies.get(self.login_cookie), request.form.get("csrf")
            if not cookie or not field or not secrets.compare_digest(cookie, field):
                return self._login_page(403, "Biểu mẫu đăng nhập đã hết hạn; hãy thử lại.")
            username = request.form.get("username", "").strip()
            address = request.remote_addr or "?"
            verdict = logins.gate(ws, username, address)
            if verdict.throttled:
                logins.record_throttled(ws, username, address)
                response = self._login_page(
                    429, f"Quá nhiều lần đăng nhập sai; hãy thử lại sau {verdict.retry_after} "
                         "giây.")
                response.headers["Retry-After"] = str(verdict.retry_after)
                return response
            user = accounts.authenticate(ws, username, request.form.get("password", ""))
            if verdict.locked:
                user = None          # a lock answers as a wrong password, the right one too
            logins.record(ws, username, address, user is not None)
            if user is None:
                return self._login_page(401, "Tên đăng nhập hoặc mật khẩu không đúng.")
            token, _ = accounts.open_session(ws, user["username"], self.session_lifetime)
            response = redirect(self.reviewer_home if user["role"] == accounts.REVIEWER
                                else f"/co-quan/{user['agency_id']}", 303)
            response.set_cookie(self.session_cookie, token, httponly=True, samesite="Strict",
                                secure=self.secure_cookies, path="/",
                                max_age=int(self.session_lifetime.total_seconds()))
            response.delete_cookie(self.login_cookie, path="/dang-nhap",
                                   secure=self.secure_cookies)
            return response
        return self._login_page(200)

    def _login_page(self, status: int, error: str | None = None) -> Response:
        value = secrets.token_urlsafe(24)
        response = self.render(None, "login.html", status=status, title="Đăng nhập",
                               login_csrf=value, error=error)
        response.set_cookie(self.login_cookie, value, httponly=True, samesite="Strict",
                            secure=self.secure_cookies, path="/dang-nhap", max_age=3600)
        return response

    def on_logout(self, request, ws, user) -> Response:
        accounts.close_session(ws, request.cookies.get(self.session_cookie))
        response = redirect("/dang-nhap", 303)
        response.delete_cookie(self.session_cookie, path="/", secure=self.secure_cookies)
        return response

    # --- pages --------------------------------------------------------------------------------

    def on_agencies(self, request, ws, user) -> Response:
        if user["role"] != accounts.REVIEWER:
            return redirect(f"/co-quan/{user['agency_id']}", 303)
        f = {"cap": request.args.get("cap", ""), "xep_loai": request.args.get("xep_loai", ""),
             "trang_thai": request.args.get("trang_thai", ""),
             "can_xem": request.args.get("can_xem") == "1",
             "sap_xep": request.args.get("sap_xep", "ten")}
        rows = []
        for agency in registry.all_agencies(ws):
            aid = agency["id"]
            counts = status_counts(ws, aid)
            review = review_summary(finding_reviews(ws, aid))
            services = sum(1 for verdict in verdicts(ws, aid).values() if verdict.review)
            categories = sorted(stored_categories(ws, aid), key=lambda c: c.id)
            rows.append(dict(agency, categories=categories,
                             not_assessed=counts.get("not_assessed", 0),
                             reviewed=counts.get("reviewed", 0), review=review,
                             findings=sum(counts.values()),
                             needs_review=review["second_look"] + review["agency_disputed"]
                             + services))
        if f["cap"]:
            rows = [r for r in rows if r["level"] == f["cap"]]
        if f["xep_loai"]:
            rows = [r for r in rows if any(c.rating == f["xep_loai"] for c in r["categories"])]
        if f["trang_thai"] == "not_assessed":
            rows = [r for r in rows if r["not_assessed"]]
        elif f["trang_thai"] == "reviewed":
            rows = [r for r in rows if r["reviewed"]]
        elif f["trang_thai"] == "pending":
            rows = [r for r in rows if r["review"]["pending"]]
        if f["can_xem"]:
            rows = [r for r in rows if r["needs_review"]]
        key = {"ten": lambda r: r["name"], "cap": lambda r: (r["level"], r["name"]),
               "chua_danh_gia": lambda r: (-r["not_assessed"], r["name"]),
               "can_xem": lambda r: (-r["needs_review"], r["name"])}.get(f["sap_xep"])
        rows.sort(key=key or (lambda r: r["name"]))
        return self.render(user, "agencies.html", title="Cơ quan", agencies=rows, f=f,
                           levels=list(LEVEL_NAMES.items()), ratings=RATINGS, sorts=SORTS)

    def on_agency(self, request, ws, user, agency_id: str, messages=(), error=None,
                  status: int = 200) -> Response:
        if not self.can_see(user, agency_id):
            return self.forbidden(user)
        agency = registry.agency(ws, agency_id)
        if agency is None:
            raise NotFound()
        reviews = finding_reviews(ws, agency_id)
        findings = []
        as_of = None
        for finding in stored_findings(ws, agency_id):
            as_of = finding.as_of
            other = {k: v for k, v in finding.metrics.items() if k not in ("posts", "services")}
            findings.append(dict(
                vars(finding), zero_rule=zero_rule_case(finding),
                flags=finding.flags or None, review=reviews[finding.criterion_id],
                metrics_other=json.dumps(other, ensure_ascii=False, indent=1) if other else "",
                # the annotated crop first: it sits beside the posts it outlines
                evidence=sorted((dict(e, href=self.evidence_href(user, e))
                                 for e in finding.evidence if e.get("path")),
                                key=lambda e: e.get("kind") != "crop")))
        for index, finding in enumerate(findings):
            # keyboard navigation without scripts: each row links to the next and the one before
            finding["next_anchor"] = _anchor(findings[(index + 1) % len(findings)])
            finding["previous_anchor"] = _anchor(findings[index - 1])
        return self.render(
            user, "agency.html", status=status, title=agency["name"], agency=agency,
            as_of=as_of, categories=sorted(stored_categories(ws, agency_id), key=lambda c: c.id),
            findings=findings, services=self._services(ws, user, agency_id),
            overall=stored_overall(ws, agency_id),
            topics=topic_rows(ws, agency_id) if user["role"] == accounts.REVIEWER else None,
            messages=list(messages), error=error)

    def on_report(self, request, ws, user, agency_id: str) -> Response:
        """The confirmation report as the agency will print it, its pictures from the evidence
        origin (`inspector report` writes the self-contained file and the PDF)."""
        if not self.can_see(user, agency_id):
            return self.forbidden(user)
        if not has_findings(ws, agency_id):
            raise NotFound()
        html = render_report(ws, agency_id,
                             lambda ref, whole=False: self.evidence_href(user, ref))
        return Response(html, mimetype="text/html")

    def _services(self, ws, user, agency_id: str) -> list[dict[str, Any]]:
        checked = verdicts(ws, agency_id)
        services = []
        for service in registry.services(ws, agency_id):
            verdict = checked.get(service["id"])
            attempts = []
            for attempt in verdict.attempts if verdict else []:
                steps = [dict(st, href=self.sign(user, st["screenshot"])
                              if st.get("screenshot") else None)
                         for st in attempt.steps]
                files = [dict(e, href=self.sign(user, e["path"]))
                         for e in attempt.evidence if e.get("kind") != "screenshot"]
                attempts.append(dict(attempt.to_json(), steps=steps, files=files))
            services.append(dict(service, status=verdict.status if verdict else None,
                                 check_reason=verdict.check_reason if verdict else None,
                                 match=verdict.match if verdict else None, attempts=attempts))
        return services

    def on_viewer(self, request, ws, user) -> Response:
        path = request.args.get("path", "")
        recorded = evidence_file(ws, path)
        if recorded is None or not self._may_read(ws, user, path):
            return self.forbidden(user)
        return self.render(user, "viewer.html", title="HTML đã lưu", path=path,
                           url=recorded.url,
                           href=self.sign(user, path))

    def _may_read(self, ws, user, path: str) -> bool:
        """Reviewers read any stored evidence; an agency's staff only evidence recorded as its
        own (evidence_owners, written with the observation that holds the reference), never by
        searching text a portal controls."""
        if user["role"] == accounts.REVIEWER:
            return True
        return owned_by(ws, path, user.get("agency_id"))

    def on_province(self, request, ws, user) -> Response:
        """The province as a whole: each group ranked with its ratings, how the ratings spread
        per category, the declared figures waiting for a reviewer, the agencies that have not
        answered and what still blocks publishing the year."""
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        from ..export.publication import publication_list, year_before
        from ..export.publishing import blockers
        from ..export.rankings import rankings
        from ..export.results import results_document

        try:
            document = results_document(ws)
        except UserError as exc:
            return self.render(user, "province.html", title="Toàn tỉnh", empty=str(exc))
        found = rankings(document)
        groups = []
        for level, title in ((r.group, r.group_title) for r in found
                             if r.category_id == "overall"):
            spread = []
            for ranking in (r for r in found if r.group == level and r.category_id != "overall"):
                counts: dict[str, int] = {}
                for place in ranking.places:
                    counts[place.rating or "—"] = counts.get(place.rating or "—", 0) + 1
                if ranking.not_ranked:
                    counts["chưa đủ dữ liệu"] = len(ranking.not_ranked)
                spread.append({"id": ranking.category_id, "title": ranking.title,
                               "counts": counts, "of": len(ranking.places) +
                               len(ranking.not_ranked)})
            groups.append({"level": level, "title": title, "spread": spread,
                           "overall": next(r for r in found if r.group == level
                                           and r.category_id == "overall")})
        waiting: dict[str, dict[str, Any]] = {}
        for blocker in blockers(ws, document):
            row = waiting.setdefault(blocker.agency_id, {"id": blocker.agency_id,
                                                         "name": blocker.name})
            row[blocker.kind] = blocker.count
        unanswered = [{"id": w["id"], "name": w["name"], "count": w["answers"]}
                      for w in waiting.values() if w.get("answers")]
        flags = []
        for agency in document["agencies"]:
            for criterion in agency["criteria"]:
                if "declared_vs_observed" in criterion.get("flags", []) and \
                        criterion["status"] != "reviewed":
                    for row in criterion["metrics"].get("declared", []):
                        if row.get("message"):
                            flags.append({"agency": agency, "criterion": criterion["id"],
                                          "message": row["message"], "label": row["label"]})
        year = int(document["as_of"][:4])
        before = year_before(ws, year)
        for group in groups:
            previous = {p.agency_id: p for p in (before.ranking(group["level"]).places
                                                 + before.ranking(group["level"]).not_ranked)
                        } if before and before.ranking(group["level"]) else None
            group["before"] = previous
            group["charts"] = [(name, caption) for name, caption in PROVINCE_CHARTS
                               if name != "nam-truoc" or previous is not None]
        return self.render(user, "province.html", title="Toàn tỉnh", groups=groups,
                           waiting=list(waiting.values()), flags=flags, unanswered=unanswered,
                           as_of=document["as_of"], year=year, before=before,
                           publications=publication_list(ws),
                           charts=self._keep_chart_inputs(_chart_inputs(document, found,
                                                                        before)))

    def _keep_chart_inputs(self, inputs: dict[str, Any]) -> str:
        """Keep what the province view's charts are drawn from under a new token for the
        page's <img> links: the page's six charts then cost no more reading of the workspace,
        and show the same scores as the page beside them."""
        token = secrets.token_urlsafe(12)
        with self._charts_lock:
            self._charts[token] = inputs
            while len(self._charts) > CHART_INPUTS_KEPT:
                self._charts.popitem(last=False)
        return token

    def on_province_chart(self, request, ws, user, group: str, chart: str) -> Response:
        """One of the province view's charts, from the scores its page showed (``?v=``), or
        else from the stored scores (and, beside them, the year published before)."""
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        from ..export.charts import points_lost_chart, rating_chart, year_chart
        from ..export.publication import year_before
        from ..export.rankings import rankings
        from ..export.results import results_document

        if chart not in dict(PROVINCE_CHARTS) or group not in dict(GROUPS):
            raise NotFound()
        with self._charts_lock:
            inputs = self._charts.get(request.args.get("v", ""))
        if inputs is None:
            try:
                document = results_document(ws)
            except UserError:
                raise NotFound() from None
            inputs = _chart_inputs(document, rankings(document),
                                   year_before(ws, int(document["as_of"][:4])))
        document = inputs["document"]
        if not any(a["level"] == group for a in document["agencies"]):
            raise NotFound()
        if chart == "xep-loai":
            png = rating_chart(inputs["rankings"], group)
        elif chart == "diem-mat":
            png = points_lost_chart(document, group)
        else:
            if inputs["before"] is None:
                raise NotFound()
            before, before_year = inputs["before"]
            png = year_chart(document, before, group, inputs["year"], before_year)
        return Response(png, mimetype="image/png")

    def on_audit(self, request, ws, user) -> Response:
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        total = ws.audit_count()
        pages = max(1, -(-total // AUDIT_PAGE))
        try:
            page = min(max(1, int(request.args.get("trang", "1"))), pages)
        except ValueError:
            page = 1
        entries = ws.audit_entries(AUDIT_PAGE, (page - 1) * AUDIT_PAGE)
        return self.render(user, "audit.html", title="Nhật ký", entries=entries, page=page,
                           pages=pages, total=total)

    # --- changes ------------------------------------------------------------------------------

    def _change(self, request, ws, user, agency_id: str, failed: str, change) -> Response:
        """Apply ``change(criterion)`` for the form's finding: back to it on the agency's page,
        or that page again (400) saying why the change was refused."""
        criterion = request.form.get("criterion", "")
        try:
            change(criterion)
        except UserError as exc:
            return self.on_agency(request, ws, user, agency_id, status=400,
                                  error=f"{failed}: {exc}")
        return _back_to(agency_id, criterion)

    def on_override(self, request, ws, user, agency_id: str) -> Response:
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        try:
            points = float(request.form.get("points", "").replace(",", "."))
        except ValueError:
            return self.on_agency(request, ws, user, agency_id, status=400,
                                  error="Điểm phải là một số.")
        return self._change(request, ws, user, agency_id, "Không lưu được điều chỉnh",
                            lambda criterion: set_override(
                                ws, agency_id, criterion, points,
                                request.form.get("reason", ""), user["username"]))

    def on_confirm(self, request, ws, user, agency_id: str) -> Response:
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        return self._change(request, ws, user, agency_id, "Không lưu được xác nhận",
                            lambda criterion: confirm_finding(
                                ws, agency_id, criterion, user["username"],
                                request.form.get("note")))

    def on_confirm_category(self, request, ws, user, agency_id: str) -> Response:
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        category = request.form.get("category", "")
        try:
            done = confirm_category(ws, agency_id, category, user["username"],
                                    request.form.get("note"))
        except UserError as exc:
            return self.on_agency(request, ws, user, agency_id, status=400,
                                  error=f"Không xác nhận được hạng mục: {exc}")
        # back to the page by GET (a reload must not post again), at the category's first
        # finding confirmed; each confirmation shows on its row and in the audit log
        return _back_to(agency_id, done[0]) if done else redirect(f"/co-quan/{agency_id}", 303)

    def on_zero_rule(self, request, ws, user, agency_id: str) -> Response:
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        return self._change(request, ws, user, agency_id, "Không áp dụng được điểm 0",
                            lambda criterion: apply_zero_rule(
                                ws, agency_id, criterion, user["username"],
                                request.form.get("note")))

    def on_clear(self, request, ws, user, agency_id: str) -> Response:
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        return self._change(request, ws, user, agency_id, "Không bỏ được điều chỉnh",
                            lambda criterion: clear_override(
                                ws, agency_id, criterion, request.form.get("reason", ""),
                                user["username"]))

    def on_answer(self, request, ws, user, agency_id: str) -> Response:
        if user["role"] != accounts.AGENCY or user.get("agency_id") != agency_id:
            return self.forbidden(user)
        return self._change(request, ws, user, agency_id, "Không lưu được ý kiến",
                            lambda criterion: respond(
                                ws, agency_id, criterion, request.form.get("state", ""),
                                request.form.get("comment"), user["username"]))

    def on_answer_all(self, request, ws, user, agency_id: str) -> Response:
        """Agency staff confirm every finding they have not answered yet, one audit entry
        each; disputes and earlier answers stay."""
        if user["role"] != accounts.AGENCY or user.get("agency_id") != agency_id:
            return self.forbidden(user)
        try:
            respond_all(ws, agency_id, user["username"])
        except UserError as exc:
            return self.on_agency(request, ws, user, agency_id, status=400,
                                  error=f"Không lưu được ý kiến: {exc}")
        return redirect(f"/co-quan/{agency_id}", 303)

    def _correct(self, request, ws, user, agency_id: str, failed: str, change) -> Response:
        """Apply a correction of a topic's section: back to the topic's row on the agency's
        page, or that page again (400) saying why it was refused."""
        if user["role"] != accounts.REVIEWER:
            return self.forbidden(user)
        topic = request.form.get("topic", "")
        try:
            change(topic)
        except UserError as exc:
            return self.on_agency(request, ws, user, agency_id, status=400,
                                  error=f"{failed}: {exc}")
        return redirect(f"/co-quan/{agency_id}#cd-{topic}", 303)

    def on_section(self, request, ws, user, agency_id: str) -> Response:
        """"This section is not topic X's" (verdict is_not, the section's URL) or "topic X's
        section is at URL" (verdict is): kept, the topic derived again from what was read,
        the agency re-scored."""
        return self._correct(request, ws, user, agency_id, "Không lưu được chuyên mục",
                             lambda topic: correct_section(
                                 ws, agency_id, topic, request.form.get("url", ""),
                                 request.form.get("verdict", ""), user["username"],
                                 request.form.get("reason", "")))

    def on_unsection(self, request, ws, user, agency_id: str) -> Response:
        return self._correct(request, ws, user, agency_id, "Không bỏ được chỉnh sửa chuyên mục",
                             lambda topic: withdraw_correction(
                                 ws, agency_id, topic, request.form.get("url", ""),
                                 user["username"], request.form.get("reason", "")))
