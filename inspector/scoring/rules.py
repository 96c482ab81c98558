"""The rule types of docs/checklists.md: pure functions from observations to points and metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Callable

from ..model.textnorm import Matcher
from ..model import formula
from ..model.checklist import Criterion
from ..model.periods import Period, Span, Window, periods
from .quantities import Context, Unknown, resolve


@dataclass
class Evaluation:
    """What one rule gives: points (exact), the metrics that explain them, the evidence used."""

    points: Fraction
    metrics: dict[str, Any]
    evidence: list[dict[str, Any]]


@dataclass
class _Env:
    criterion: Criterion
    ctx: Context
    as_of: date
    window: Window
    # the most favourable dates given to the posts that could not be dated (the upper bound
    # of a finding whose undated posts might change its points), None when they stay undated
    undated_dates: Callable[[list[date], int], list[date]] | None = None

    @property
    def lag(self) -> Span | None:
        return self.criterion.update_lag


def F(value: Any) -> Fraction:
    """Exact arithmetic for points such as 0.25 and 2.5 (floats would drift at band edges)."""
    return Fraction(str(value))


# --- observations -------------------------------------------------------------------------

def _observation(env: _Env, key: str, what: str) -> dict[str, Any]:
    obs = env.ctx.observations.get(key)
    if obs is None:
        raise Unknown(f"{what} has not been observed yet ({key})")
    if obs.get("status") == "failed":
        raise Unknown(obs.get("reason") or f"{what} could not be observed")
    return obs


def _parse_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _read_for_this_window(env: _Env, obs: dict[str, Any], topic: str) -> None:
    """Posts read for another inspection date cannot be counted for this one: the crawl went
    back to its own window's start and forward to its own date, no further. (Observations
    stored before crawls said their window are taken as they are.)"""
    read_for = obs.get("read_for")
    if not read_for:
        return
    as_of, start = (date.fromisoformat(read_for[k]) for k in ("as_of", "window_start"))
    if env.window.start < start or env.as_of > as_of:
        raise Unknown(f"the posts of topic {topic!r} were read for the inspection of "
                      f"{as_of:%d/%m/%Y} (window from {start:%d/%m/%Y}), not for "
                      f"{env.as_of:%d/%m/%Y} (window from {env.window.start:%d/%m/%Y}): crawl "
                      f"again with --as-of {env.as_of.isoformat()}")


@dataclass
class _Posts:
    obs: dict[str, Any]
    dated: list[tuple[date, dict[str, Any]]]  # every dated post of the topic, newest first
    undated: int

    def in_window(self, window: Window) -> list[tuple[date, dict[str, Any]]]:
        return [(day, post) for day, post in self.dated if day in window]

    @property
    def newest(self) -> date | None:
        return self.dated[0][0] if self.dated else None

    @property
    def any(self) -> bool:
        return bool(self.dated) or self.undated > 0


def title_selected(spec: dict[str, Any], title: str) -> bool:
    """Whether a post's title passes a posts input's filter: one of ``title_keywords`` (when
    given), none of ``title_exclude`` unless one of ``title_despite`` is there too ("12 tháng"
    names a whole year although it says "tháng")."""
    keywords, exclude = spec.get("title_keywords"), spec.get("title_exclude")
    matcher = Matcher(title)
    if keywords and not matcher.find(keywords):
        return False
    if exclude and matcher.find(exclude):
        despite = spec.get("title_despite")
        return bool(despite and matcher.find(despite))
    return True


def _posts(env: _Env, spec: dict[str, Any]) -> _Posts:
    topic = spec["topic"]
    obs = _observation(env, f"posts/{topic}", f"the section for topic {topic!r}")
    _read_for_this_window(env, obs, topic)
    filtered = any(spec.get(k) for k in ("title_keywords", "title_exclude"))
    seen: set[str] = set()
    dated: list[tuple[date, dict[str, Any]]] = []
    undated: list[dict[str, Any]] = []
    for post in obs.get("posts", []):
        if filtered and not title_selected(spec, post.get("title", "")):
            continue
        key = post.get("url") or post.get("title", "")
        if key in seen:  # the same post under several listings counts once
            continue
        seen.add(key)
        day = _parse_day(post.get("published"))
        if day is None:
            undated.append(post)
        elif day <= env.as_of:  # a post dated after the inspection date cannot count yet
            dated.append((day, post))
    if undated and env.undated_dates is not None:
        days = env.undated_dates([d for d, _ in dated], len(undated))
        dated += [(day, {**post, "assumed": True}) for day, post in zip(days, undated)]
        undated = []
    dated.sort(key=lambda item: item[0], reverse=True)
    return _Posts(obs, dated, len(undated))


def _post_metrics(env: _Env, posts: _Posts, counted: list[tuple[date, dict]]) -> dict[str, Any]:
    section = posts.obs.get("section") or {}
    return {
        "posts": [{"url": p.get("url"), "title": p.get("title"), "published": d.isoformat()}
                  for d, p in counted],
        "section": {k: section.get(k) for k in ("found", "own", "how", "names", "urls", "why")
                    if k in section},
        "topic_matched": bool(section.get("found")) and not section.get("own", True),
        "newest": posts.newest.isoformat() if posts.newest else None,
        "undated": posts.undated,
        "window": {"start": env.window.start.isoformat(), "end": env.window.end.isoformat()},
    }


def _evidence(obs: dict[str, Any]) -> list[dict[str, Any]]:
    return list(obs.get("evidence") or [])


def _timely(env: _Env, posts: _Posts) -> bool:
    """The newest post lies within the update lag of the as-of date (no lag: within the year)."""
    if posts.newest is None:
        return False
    if env.lag is None:
        return posts.newest in env.window
    return posts.newest >= env.lag.before(env.as_of)


def _coverage(env: _Env, posts: _Posts, span: Span) -> tuple[int, int, list[dict[str, Any]]]:
    """How many of the window's periods hold a post.

    The update lag excuses the last period, still open, while it is younger than the lag and
    the section's newest post is within the lag (the section is up to date; an empty period
    after a post older than the lag is a gap, not a delay). While that excuse holds, a post of
    the open period also serves the period before it when that one is empty: it came within
    the lag of that period's end. Without this, a post moved into the open period would lose
    the period it left and score less than an older one (stale beating fresh).
    """
    days = [d for d, _ in posts.in_window(env.window)]
    parts = periods(env.window, span)
    counts = [sum(1 for d in days if d in period) for period in parts]
    late = [False] * len(parts)
    excused = False
    if env.lag is not None and parts:
        due = env.lag.before(env.as_of)
        young = due < parts[-1].start
        excused = young and posts.newest is not None and posts.newest >= due
        if excused and len(parts) > 1 and counts[-2] == 0 and counts[-1] > 0:
            late[-2] = True
    covered, rows = 0, []
    for i, (period, count) in enumerate(zip(parts, counts)):
        excuse = excused and i == len(parts) - 1 and count == 0
        covered += bool(count) or excuse or late[i]
        rows.append({"start": period.start.isoformat(), "end": period.end.isoformat(),
                     "posts": count, **({"excused": True} if excuse else {}),
                     **({"late_post": True} if late[i] else {})})
    return covered, len(parts), rows


def _on_time(env: _Env, posts: _Posts, span: Span) -> tuple[int, list[dict[str, Any]]]:
    """How many of the window's periods got their item on time ("kịp thời"): a post dated from
    the start of the period before (an item published ahead) to the update lag after the
    period's start. Each post serves one period. The period whose lag has not yet passed at the
    as-of date is not due and counts as on time."""
    lag = env.lag or Span(0, "w")
    parts = periods(env.window, span)
    days = sorted(d for d, _ in posts.dated)  # posts before the window may serve its first period
    used = [False] * len(days)
    on_time, rows = 0, []
    for period in parts:
        opens, deadline = span.before(period.start), lag.after(period.start)
        row: dict[str, Any] = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if deadline > env.as_of:
            row["not_due"] = True
            on_time += 1
        else:
            # earliest unused post in reach: optimal for reaches ordered like these
            pick = next((i for i, d in enumerate(days)
                         if not used[i] and opens <= d <= deadline), None)
            if pick is not None:
                used[pick] = True
                on_time += 1
                row["post"] = days[pick].isoformat()
        row["deadline"] = deadline.isoformat()
        rows.append(row)
    return on_time, rows


def _band(value: Fraction, bands: list[dict], *, timely_ok: bool = True,
          on_time: Fraction | None = None) -> tuple[Fraction, dict]:
    """The first band reached. A band marked ``timely`` also needs the newest post within the
    lag; a band marked ``on_time`` is judged on the periods whose item came on time."""
    for band in bands:
        reached = (on_time if band.get("on_time") and on_time is not None else value)
        if reached >= F(band["min"]) and (timely_ok or not band.get("timely")):
            return F(band["points"]), band
    return Fraction(0), {}


# --- rules --------------------------------------------------------------------------------

def _feature(env: _Env, rule: dict, spec: dict) -> Evaluation:
    obs = _observation(env, f"feature/{spec['name']}", f"the feature {spec['name']!r}")
    present = bool(obs.get("present"))
    top = F(rule.get("points", env.criterion.max_points))
    return Evaluation(top if present else Fraction(0),
                      {"feature": spec["name"], "present": present,
                       **({"where": obs["where"]} if obs.get("where") else {})}, _evidence(obs))


def _fields(env: _Env, spec: dict) -> tuple[dict, list[str], list[str]]:
    obs = _observation(env, f"fields/{spec['set']}", f"the {spec['set']!r} information")
    present = [f for f in spec["required"] if f in set(obs.get("present") or [])]
    missing = [f for f in spec["required"] if f not in present]
    return obs, present, missing


def _declared(env: _Env, spec: dict) -> tuple[list[str], list[str], dict[str, float]]:
    present, missing, values = [], [], {}
    for name in spec["required"]:
        try:
            values[name] = resolve(name, env.ctx)
            present.append(name)
        except Unknown:
            missing.append(name)
    return present, missing, values


def _presence(env: _Env, rule: dict, spec: dict) -> Evaluation:
    top, partial = F(env.criterion.max_points), F(rule["partial_points"])
    if spec["kind"] == "posts":
        posts = _posts(env, spec)
        if not posts.any:
            points = Fraction(0)
        else:
            points = top if _timely(env, posts) else partial
        recent = posts.in_window(env.window)
        metrics = _post_metrics(env, posts, recent)
        metrics["timely"] = _timely(env, posts)
        return Evaluation(points, metrics, _evidence(posts.obs))
    if spec["kind"] == "fields":
        obs, present, missing = _fields(env, spec)
        evidence = _evidence(obs)
        metrics = {"fields_present": present, "fields_missing": missing,
                   **({"url": obs["url"]} if obs.get("url") else {})}
    else:
        present, missing, values = _declared(env, spec)
        evidence, metrics = [], {"declared": values, "not_declared": missing}
    points = top if not missing else (partial if present else Fraction(0))
    return Evaluation(points, metrics, evidence)


def _floor_to_step(ratio: Fraction, top: Fraction, step: Fraction) -> Fraction:
    ratio = max(Fraction(0), min(Fraction(1), ratio))
    return math.floor(ratio * top / step) * step


def _completeness(env: _Env, rule: dict, spec: dict) -> Evaluation:
    top, step = F(env.criterion.max_points), F(rule["step"])
    if spec["kind"] == "posts":
        posts = _posts(env, spec)
        covered, total, rows = _coverage(env, posts, Span.parse(rule["period"]))
        ratio = Fraction(covered, total) if total else Fraction(0)
        metrics = _post_metrics(env, posts, posts.in_window(env.window))
        metrics.update(periods=rows, covered=covered, of=total)
        evidence = _evidence(posts.obs)
    elif spec["kind"] == "fields":
        obs, present, missing = _fields(env, spec)
        ratio = Fraction(len(present), len(spec["required"]))
        metrics = {"fields_present": present, "fields_missing": missing,
                   **({"url": obs["url"]} if obs.get("url") else {})}
        evidence = _evidence(obs)
    else:
        numerator, denominator, metrics = _ratio_values(env, spec)
        ratio, evidence = numerator / denominator, []
    metrics["ratio"] = float(ratio)
    metrics["step"] = float(step)
    return Evaluation(_floor_to_step(ratio, top, step), metrics, evidence)


def _additions(env: _Env, rule: dict, spec: dict) -> Evaluation:
    points, found, evidence = Fraction(0), {}, []
    for name, value in rule["points"].items():
        obs = _observation(env, f"feature/{name}", f"the feature {name!r}")
        found[name] = bool(obs.get("present"))
        if found[name]:
            points += F(value)
            evidence += _evidence(obs)
    return Evaluation(points, {"features": found}, evidence)


def _count_bands(env: _Env, rule: dict, spec: dict) -> Evaluation:
    posts = _posts(env, spec)
    counted = posts.in_window(env.window)
    timely = _timely(env, posts)
    points, band = _band(Fraction(len(counted)), rule["bands"], timely_ok=timely)
    metrics = _post_metrics(env, posts, counted)
    metrics.update(count=len(counted), timely=timely, band=band)
    return Evaluation(points, metrics, _evidence(posts.obs))


def _period_bands(env: _Env, rule: dict, spec: dict) -> Evaluation:
    posts = _posts(env, spec)
    span = Span.parse(rule["period"])
    covered, total, rows = _coverage(env, posts, span)
    timely = _timely(env, posts)
    on_time = None
    metrics = _post_metrics(env, posts, posts.in_window(env.window))
    if any(band.get("on_time") for band in rule["bands"]):
        on_time, due = _on_time(env, posts, span)
        metrics["on_time"] = {"periods": on_time, "of": total, "rows": due}
    points, band = _band(Fraction(covered), rule["bands"], timely_ok=timely,
                         on_time=None if on_time is None else Fraction(on_time))
    metrics.update(periods=rows, covered=covered, of=total, timely=timely, band=band)
    return Evaluation(points, metrics, _evidence(posts.obs))


def _cadence(env: _Env, rule: dict, spec: dict) -> Evaluation:
    posts = _posts(env, spec)
    counted = posts.in_window(env.window)
    metrics = _post_metrics(env, posts, counted)
    for level in rule["levels"]:
        covered, total, rows = _coverage(env, posts, Span.parse(level["every"]))
        if counted and covered == total:
            metrics.update(cadence=level["every"], periods=rows)
            return Evaluation(F(level["points"]), metrics, _evidence(posts.obs))
    metrics["cadence"] = "within the year" if counted else None
    return Evaluation(F(rule["any_points"]) if counted else Fraction(0), metrics,
                      _evidence(posts.obs))


def _age_band(env: _Env, newest: date | None, rule: dict) -> tuple[Fraction, dict]:
    if newest is None:
        return Fraction(0), {}
    for band in rule["bands"]:
        if newest >= Span.parse(band["within"]).before(env.as_of):
            return F(band["points"]), band
    return F(rule["older_points"]), {"older": True}


def _records(env: _Env, spec: dict) -> tuple[dict, list[tuple[date | None, dict]]]:
    obs = _observation(env, f"records/{spec['set']}", f"the {spec['set']!r} records")
    records = []
    for record in obs.get("records", []):
        day = _parse_day(record.get("updated"))
        # An update dated after the inspection cannot make the list fresh at the as-of date.
        records.append((day if day is None or day <= env.as_of else None, record))
    return obs, records


def _recency_bands(env: _Env, rule: dict, spec: dict) -> Evaluation:
    if spec["kind"] == "posts":
        posts = _posts(env, spec)
        if not posts.any:
            return Evaluation(Fraction(0), _post_metrics(env, posts, []), _evidence(posts.obs))
        points, band = _age_band(env, posts.newest, rule)
        if posts.newest is None:  # posts exist, but none could be dated: the oldest band
            points, band = F(rule["older_points"]), {"older": True, "undated": True}
        metrics = _post_metrics(env, posts, posts.dated[:1])
        metrics["band"] = band
        return Evaluation(points, metrics, _evidence(posts.obs))
    obs, records = _records(env, spec)
    if not records:
        return Evaluation(Fraction(0), {"records": 0}, _evidence(obs))
    newest = max((d for d, _ in records if d), default=None)
    points, band = _age_band(env, newest, rule)
    if newest is None:
        points, band = F(rule["older_points"]), {"older": True, "undated": True}
    return Evaluation(points, {"records": len(records), "newest": newest and newest.isoformat(),
                               "band": band}, _evidence(obs))


def _record_fields(env: _Env, rule: dict, spec: dict) -> Evaluation:
    obs, records = _records(env, spec)
    if not records:
        return Evaluation(Fraction(0), {"records": 0}, _evidence(obs))
    newest = max((d for d, _ in records if d), default=None)
    base, band = _age_band(env, newest, rule)
    if newest is None:
        base, band = F(rule["older_points"]), {"older": True, "undated": True}
    worst: list[str] = []
    for _, record in records:
        missing = [f for f in spec["required"] if f not in set(record.get("fields") or [])]
        if len(missing) > len(worst):
            worst = missing
    points = max(Fraction(0), base - F(rule["missing_field_penalty"]) * len(worst))
    return Evaluation(points, {"records": len(records), "newest": newest and newest.isoformat(),
                               "band": band, "least_complete_missing": worst}, _evidence(obs))


def _section_own(env: _Env, rule: dict, spec: dict) -> Evaluation:
    posts = _posts(env, spec)
    section = posts.obs.get("section") or {}
    own = bool(section.get("found")) and bool(section.get("own", True))
    return Evaluation(F(rule["points"]) if own else Fraction(0),
                      {"own_section": own, "section": section}, _evidence(posts.obs))


def _ratio_values(env: _Env, spec: dict) -> tuple[Fraction, Fraction, dict[str, Any]]:
    numerator = resolve(spec["numerator"], env.ctx)
    denominator = resolve(spec["denominator"], env.ctx)
    if denominator <= 0:
        raise Unknown(f"{spec['denominator']} is {denominator:g}: the ratio is undefined")
    return F(numerator), F(denominator), {spec["numerator"]: numerator,
                                          spec["denominator"]: denominator}


def _ratio(env: _Env, rule: dict, spec: dict) -> Evaluation:
    numerator, denominator, metrics = _ratio_values(env, spec)
    ratio = min(Fraction(1), numerator / denominator)
    metrics["ratio"] = float(numerator / denominator)
    return Evaluation(ratio * F(env.criterion.max_points), metrics, [])


def _ratio_bands(env: _Env, rule: dict, spec: dict) -> Evaluation:
    numerator, denominator, metrics = _ratio_values(env, spec)
    points, band = _band(numerator / denominator, rule["bands"])
    metrics.update(ratio=float(numerator / denominator), band=band)
    return Evaluation(points, metrics, [])


def _quantity_bands(env: _Env, rule: dict, spec: dict) -> Evaluation:
    value = resolve(spec["value"], env.ctx)
    points, band = _band(F(value), rule["bands"])
    return Evaluation(points, {spec["value"]: value, "band": band}, [])


AGENCY_TOTAL = "declared.tthc_total"


def _dvctt_formula(env: _Env, rule: dict, spec: dict) -> Evaluation:
    """Phụ lục 1B, IV: a count term and a dossier term, each per TTHC. ``denominators:
    agency_total`` divides every term by the agency's own TTHC total (Phụ lục 1A Mục 5 measures
    levels 3 and 4 "trên tổng số TTHC của cơ quan"); ``as_written`` keeps each term's ``per``,
    the seed's words."""
    ct, dt = rule["count_term"], rule["dossier_term"]
    per = {"count_term": ct["per"], "dossier_term": dt["per"]}
    if rule.get("denominators", "as_written") == "agency_total":
        per = {"count_term": AGENCY_TOTAL, "dossier_term": AGENCY_TOTAL}
    inputs = {name: resolve(name, env.ctx)
              for name in (ct["count"], per["count_term"], dt["share"], dt["count"],
                           per["dossier_term"])}
    for name in set(per.values()):
        if inputs[name] <= 0:
            raise Unknown(f"{name} is {inputs[name]:g}: the formula is undefined")
    count_term = F(inputs[ct["count"]]) * F(ct["per_service"]) / F(inputs[per["count_term"]])
    dossier_term = (F(inputs[dt["share"]]) * F(inputs[dt["count"]]) * F(dt["per_service"])
                    / F(inputs[per["dossier_term"]]))
    metrics = {"inputs": inputs, "count_term": float(count_term),
               "dossier_term": float(dossier_term),
               "denominators": rule.get("denominators", "as_written"),
               "formula": f"{ct['count']} × {ct['per_service']}/{per['count_term']} + "
                          f"{dt['share']} × {dt['count']} × {dt['per_service']}/"
                          f"{per['dossier_term']}"}
    return Evaluation(count_term + dossier_term, metrics, [])


def _formula(env: _Env, rule: dict, spec: dict) -> Evaluation:
    """Points by the checklist's expression over the input's named quantities (the seed's
    "Điểm = …" formulas), never below 0; every input and the expression are in the metrics."""
    values = {alias: F(resolve(name, env.ctx)) for alias, name in spec["values"].items()}
    values["max_points"] = F(env.criterion.max_points)
    tree = formula.parse(rule["expression"], set(values))
    try:
        points = formula.evaluate(tree, values)
    except formula.ZeroDivision as exc:
        names = {alias: spec["values"].get(alias, alias) for alias in values}
        raise Unknown(f"{names.get(str(exc), str(exc))} is 0: the formula "
                      f"{rule['expression']!r} is undefined") from None
    metrics = {"expression": rule["expression"],
               "inputs": {spec["values"][a]: float(v) for a, v in values.items()
                          if a in spec["values"]}}
    return Evaluation(max(Fraction(0), points), metrics, [])


def _sum(env: _Env, rule: dict, spec: dict) -> Evaluation:
    total, parts, evidence = Fraction(0), [], []
    for part in rule["parts"]:
        result = evaluate(env, part, part.get("input", spec))
        total += result.points
        parts.append({"type": part["type"], "points": float(result.points), **result.metrics})
        evidence += [e for e in result.evidence if e not in evidence]
    return Evaluation(total, {"parts": parts}, evidence)


RULES: dict[str, Callable[[_Env, dict, dict], Evaluation]] = {
    "feature": _feature, "presence": _presence, "completeness": _completeness,
    "additions": _additions, "count_bands": _count_bands, "period_bands": _period_bands,
    "cadence": _cadence, "recency_bands": _recency_bands, "section_own": _section_own,
    "ratio": _ratio, "ratio_bands": _ratio_bands, "quantity_bands": _quantity_bands,
    "record_fields": _record_fields, "dvctt_formula": _dvctt_formula, "sum": _sum,
    "formula": _formula,
}


def evaluate(env: _Env, rule: dict, spec: dict) -> Evaluation:
    return RULES[rule["type"]](env, rule, spec)


def _spans(rule: dict) -> list[Span]:
    """The periods a rule judges coverage by (its own and its parts')."""
    found = []
    for key in ("period", "every"):
        if key in rule:
            found.append(Span.parse(rule[key]))
    for child in rule.get("levels", []) + rule.get("parts", []):
        found += _spans(child)
    return found


def _favourable(window: Window, as_of: date, spans: list[Span]):
    """Placements of undated posts that give them the most points they could have. The first:
    one on the as-of date (newest, timely), the others each on the first day of a period of
    the finest span the rule judges that no dated post covers, newest first, the rest on the
    as-of date too. The second: every one on the first day of such a period, the as-of date's
    own included (what an item due on time at a period's start needs)."""
    finest = min(spans, key=lambda s: (s.unit != "w", s.count * (7 if s.unit == "w" else 30)),
                 default=None)

    def empty_starts(dated: list[date], skip_as_of: bool) -> list[date]:
        if finest is None:
            return []
        return [p.start for p in reversed(periods(window, finest))
                if not any(d in p for d in dated) and not (skip_as_of and as_of in p)]

    def timely_first(dated: list[date], count: int) -> list[date]:
        days = ([as_of] + empty_starts(dated, True))[:count]
        return days + [as_of] * (count - len(days))

    def period_starts(dated: list[date], count: int) -> list[date]:
        days = empty_starts(dated, False)[:count]
        return days + [as_of] * (count - len(days))
    return [timely_first, period_starts] if finest is not None else [timely_first]


def evaluate_criterion(criterion: Criterion, ctx: Context, as_of: date) -> Evaluation:
    """Points (capped at the criterion's max) and metrics; raises `Unknown` when the inputs
    could not be observed, or when posts that could not be dated could change the points
    (their most favourable dates give more than the dated posts alone)."""
    window = Window.ending(as_of)
    env = _Env(criterion, ctx, as_of, window)
    result = evaluate(env, criterion.rule, criterion.input)
    top = F(criterion.max_points)
    result.points = min(result.points, top)
    undated = _posts(env, criterion.input).undated if criterion.input.get("kind") == "posts" \
        else 0
    if undated and result.points < top:
        best = max(min(evaluate(_Env(criterion, ctx, as_of, window, undated_dates=placement),
                                criterion.rule, criterion.input).points, top)
                   for placement in _favourable(window, as_of, _spans(criterion.rule)))
        if best != result.points:
            raise Unknown(f"{undated} posts could not be dated (their article pages show no "
                          f"date, or could not be read): with them the points could be up to "
                          f"{float(best):g} instead of {float(result.points):g}; a reviewer "
                          f"must date them")
    return result


__all__ = ["Evaluation", "evaluate_criterion", "RULES", "Period", "title_selected"]
