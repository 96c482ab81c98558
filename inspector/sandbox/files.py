"""Write what the sandbox hands over: the register (for `inspector registry import`), the TTHC
catalogue, the agencies' yearly report workbooks (for `inspector survey import`), and
ground_truth.json (what a perfect inspection must find)."""

from __future__ import annotations

import csv
import io
import json
import secrets
from pathlib import Path
from typing import Any

import yaml

from ..export.rankings import rankings
from ..register.importer import service_id as register_service_id
from ..model.periods import Window
from .model import Agency, Province
from .portal import Portal
from .reports import write_reports
from .trouble import CALENDAR, LANGUAGE, home_aliases
from .truth import children_summaries, level_peers, observations, score, service_verdict

GROUND_TRUTH_SCHEMA = "inspector-sandbox-truth/1"
# The built-in journey playbook of each sandbox service portal (inspector/journeys/playbooks/).
SERVICE_PLAYBOOKS = {"ssr": "dvc-ssr", "spa": "dvc-spa"}
# The sandbox's test citizen (docs/playbooks.md); the password goes to a file beside it.
CITIZEN = {"name": "Nguyễn Văn Kiểm Thử", "id_number": "079200000000", "phone": "0900000000",
           "email": "kiemtra@kiemtra.sandbox.invalid",
           "address": "Số 1, đường Thử Nghiệm, phường Kiểm Tra"}


def _absolute(agency: Agency, path: str) -> str:
    return agency.base_url.rstrip("/") + path


def register_document(province: Province, urls: dict[str, str]) -> dict[str, Any]:
    agencies = []
    for agency in province.agencies:
        entry: dict[str, Any] = {"id": agency.id, "name": agency.name, "level": agency.level,
                                 "parent": agency.parent, "portal": agency.base_url,
                                 "tthc_total": agency.tthc_total}
        entry["services"] = [{
            "name": s.name, "group": s.group, "level": s.level,
            "url": urls[s.portal] + s.path,
            **({"procedures": list(s.procedures)} if s.procedures else {}),
            "playbook": SERVICE_PLAYBOOKS[s.portal],
            "online_dossiers": s.online_dossiers, "total_dossiers": s.total_dossiers}
            for s in agency.services]
        agencies.append(entry)
    return {"province": {"name": province.name, "tthc_total": province.tthc_total},
            "agencies": agencies,
            "catalog": [{"code": p.code, "name": p.name, "field": p.field, "level": p.level}
                        for p in province.catalogue]}


def catalogue_csv(province: Province) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "field", "level"])
    for p in province.catalogue:
        writer.writerow([p.code, p.name, p.field, p.level])
    return out.getvalue()


def ground_truth(province: Province, portals: dict[str, Portal], urls: dict[str, str]) -> dict[str, Any]:
    codes = {p.code for p in province.catalogue}
    verdicts = {s.id: service_verdict(s, codes) for s in province.services}
    obs_by_agency = {}
    for agency in province.agencies:
        portal = portals[agency.id]

        def post_url(section, post, agency=agency, portal=portal):
            return _absolute(agency, portal.post_path(section, post))

        def listing_urls(section, agency=agency, portal=portal):
            return [_absolute(agency, page.url) for page in portal.listing_pages(section)
                    if page.postback is None]

        obs_by_agency[agency.id] = observations(agency, post_url, listing_urls, verdicts)
    peers = level_peers(province, obs_by_agency)
    window = Window.ending(province.as_of)
    result = {"schema": GROUND_TRUTH_SCHEMA, "seed": province.seed,
              **({"seeds": list(province.seeds)} if getattr(province, "seeds", None) else {}),
              "as_of": province.as_of.isoformat(),
              "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
              "province": {"name": province.name, "tthc_total": province.tthc_total},
              "service_portals": {k: v for k, v in sorted(urls.items())},
              "agencies": []}
    for agency in province.agencies:
        portal = portals[agency.id]
        children = None
        if agency.level == "district":
            children = children_summaries(agency.id, province.agencies, province,
                                          lambda child: obs_by_agency[child.id])
        scored = score(agency, province, obs_by_agency[agency.id], children,
                       peers=peers[agency.level])
        result["agencies"].append({
            "id": agency.id, "name": agency.name, "level": agency.level, "parent": agency.parent,
            "platform": agency.platform, "profile": agency.profile, "portal": agency.base_url,
            "troubles": list(agency.troubles), "trouble_urls": _trouble_urls(agency, portal),
            "targets": dict(agency.targets),
            # the generality corpus's portals: the template choices they were drawn with
            **({"theme": portal.theme_summary()} if hasattr(portal, "theme_summary") else {}),
            "sections": [_section(agency, portal, s) for s in agency.sections],
            "fields": {k: list(v) for k, v in sorted(agency.fields.items())},
            "features": dict(sorted(agency.features.items())),
            # the static pages this portal serves (a missing one answers 404 and is not linked)
            "pages": {kind: _absolute(agency, portal.page_path(kind))
                      for kind in portal.available_pages()},
            "observations": obs_by_agency[agency.id],
            "expected": {
                "categories": [c.as_dict() for c in scored.categories],
                "overall": scored.overall,
                "criteria": [{"id": f.criterion_id, "points": f.points, "max_points": f.max_points,
                              "status": f.status, **({"reason": f.reason} if f.reason else {}),
                              **({"flags": f.flags} if f.flags else {})}
                             for f in scored.findings]},
            "services": [{
                "id": s.id, "register_id": register_service_id(agency.id, s.name), "name": s.name,
                "url": urls[s.portal] + s.path, "platform": s.portal, "level": s.level,
                "procedures": list(s.procedures), "behaviour": s.behaviour, **verdicts[s.id]}
                for s in agency.services]})
    return result


def _trouble_urls(agency: Agency, portal: Portal) -> dict[str, Any]:
    """Where the portal's traps start: what a crawler must not follow for ever, or must know
    to be the same page."""
    urls: dict[str, Any] = {}
    if portal.dead_menu_link():
        urls["dead_link"] = _absolute(agency, portal.dead_menu_link()[1])
    if agency.has("calendar_trap"):
        urls["calendar_trap"] = _absolute(agency, f"{CALENDAR}?thang=2026-01")
    if agency.has("language_loop"):
        urls["language_loop"] = _absolute(agency, f"{LANGUAGE}/")
    if agency.has("duplicate_urls"):
        urls["aliases_of_home"] = [_absolute(agency, path) for path in home_aliases(portal)]
    return urls


def _section(agency: Agency, portal: Portal, section) -> dict[str, Any]:
    pages = portal.listing_pages(section)
    return {
        "key": section.key, "name": section.name, "topics": list(section.topics),
        "general": section.general, "placement": section.placement, "layout": section.layout,
        "listing_dates": section.listing_dates,
        "listing_pages": [{"url": _absolute(agency, page.url),
                           **({"postback": list(page.postback)} if page.postback else {}),
                           "posts": [p.id for p in page.posts]} for page in pages],
        "rss": _absolute(agency, portal.rss_path(section)) if portal.rss_path(section) else None,
        "posts": [{"id": p.id, "url": _absolute(agency, portal.post_path(section, p)),
                   "title": p.title, "published": p.published.isoformat(timespec="minutes"),
                   "topic": p.topic, **({"extra": {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                                  for k, v in p.extra.items()}} if p.extra else {})}
                  for p in section.posts]}


def write_outputs(province: Province, portals: dict[str, Portal], urls: dict[str, str],
                  out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    paths = {"register": out_dir / "register.yaml", "catalog": out_dir / "catalog.csv",
             "ground_truth": out_dir / "ground_truth.json"}
    paths["register"].write_text(
        "# The sandbox province's register, written by `inspector sandbox serve`.\n"
        + yaml.safe_dump(register_document(province, urls), allow_unicode=True, sort_keys=False,
                         width=100), encoding="utf-8")
    paths["catalog"].write_text(catalogue_csv(province), encoding="utf-8")
    paths.update(write_citizen(out_dir))
    truth = ground_truth(province, portals, urls)
    truth["reports"] = write_reports(province, out_dir)
    truth["rankings"] = expected_rankings(truth)
    paths["reports"] = out_dir / truth["reports"]["dir"]
    paths["ground_truth"].write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False, default=str) + "\n",
        encoding="utf-8")
    return paths


def expected_rankings(truth: dict[str, Any]) -> list[dict[str, Any]]:
    """Section VI's rankings of every group on the expected results."""
    document = {"agencies": [{"id": a["id"], "name": a["name"], "level": a["level"],
                              "categories": a["expected"]["categories"],
                              "overall": a["expected"]["overall"]} for a in truth["agencies"]]}
    return [r.as_dict() for r in rankings(document)]


def write_citizen(out_dir: Path) -> dict[str, Path]:
    """citizen.yaml for `inspector check-services --citizen`, its mailbox the sink's Maildir, and
    a random password in citizen.password (kept when it exists, so accounts stay usable)."""
    secret = out_dir / "citizen.password"
    if not secret.exists():
        # Characters that URL and JSON encodings change, so that redaction is really exercised.
        secret.write_text(f"Kt#{secrets.token_urlsafe(12)}&9 /\"", encoding="utf-8")
        secret.chmod(0o600)
    doc = dict(CITIZEN, password_file=secret.name,
               mailbox=f"maildir:{(out_dir / 'mail').resolve()}")
    path = out_dir / "citizen.yaml"
    path.write_text("# The sandbox's test citizen, written by `inspector sandbox serve`.\n"
                    + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {"citizen": path, "citizen_password": secret}
