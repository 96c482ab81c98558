"""Publication dates in the forms Vietnamese portals print them: patterns first, then dateparser."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ..model.textnorm import nfc

# Portals print local time; an explicit offset is converted to it (Asia/Ho_Chi_Minh, no DST).
LOCAL_TIME = timezone(timedelta(hours=7))
# Years outside this range are typing errors or numbers that only look like dates.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# dateparser reads whole sentences slowly and loosely: only short texts are handed to it.
DATEPARSER_MAX_CHARS = 120
DATEPARSER_LANGUAGES = ["vi", "en"]
DATEPARSER_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    # Every numeric form is read by the patterns below, so DMY only decides the leftovers
    # (it would turn ISO 2018-03-12 into 3 December, which never reaches dateparser).
    "DATE_ORDER": "DMY",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


@dataclass(frozen=True)
class FoundDate:
    """A date read from a text: ``value`` (None when none was read, ``reason`` then says why),
    ``moment`` (local time, naive, when the text also gives the time of day) and ``text``, the
    part of the input read (the input itself, shortened, when nothing was read)."""

    value: date | None
    moment: datetime | None
    text: str
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.value is not None


# -- the patterns --------------------------------------------------------------------------------
MONTHS_EN = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_MONTH_NAME = "|".join(sorted(MONTHS_EN, key=len, reverse=True))
_WEEKDAY_EN = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"

# A time of day as portals print it: 22:36, 10:36 PM, 8:30 CH (chiều), 08:30 SA (sáng), 8h30.
_TIME = (r"(?P<hour>\d{1,2})\s*[:hg]\s*(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
         r"(?:\s*(?P<half>am|pm|a\.m\.|p\.m\.|sa|ch|sáng|chiều|tối|trưa))?(?![\w])")
# After the date: "26/11/2025 08:30", "03/04/2020 | 10:36 PM", "18/07/2024 - 08:30", "… lúc 8h30".
TIME_AFTER = re.compile(r"\s*(?:[|,–—-]\s*)?(?:lúc\s+)?" + _TIME, re.I)
# Before the date: "Cập nhật lúc 08:30 ngày 26/11/2025", "08:30 - 26/11/2025".
TIME_BEFORE = re.compile(_TIME + r"\s*(?:[|,–—-]\s*)?(?:ngày\s*)?$", re.I)

ISO = re.compile(
    r"(?<![\d/.-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?)?(?![\d])", re.I)
RFC822 = re.compile(
    r"(?:\b" + _WEEKDAY_EN + r",?\s*)?\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month_name>"
    + _MONTH_NAME + r")\.?,?\s+(?P<year>\d{4})(?:,?\s+(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?(?:\s*(?P<zone>[+-]\d{4}|GMT|UTC|UT|Z))?)?(?![\d])", re.I)
MONTH_FIRST_EN = re.compile(
    r"\b(?P<month_name>" + _MONTH_NAME + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<year>\d{4})(?![\d])", re.I)
# "ngày 24 tháng 6 năm 2022", "21 tháng 09 năm 2025", "18 tháng 7, 2024".
LONG_VI = re.compile(
    r"(?:\bngày\s+)?(?<!\d)(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})"
    r"\s*(?:,\s*|\s+năm\s+|/\s*|\s+)(?P<year>\d{4})(?![\d])", re.I)
# "26/11/2025", "26-11-2025", "26.11.2025" (day first, as everywhere in Vietnam).
NUMERIC_DMY = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?![\d])")
PATTERNS = (ISO, RFC822, MONTH_FIRST_EN, LONG_VI, NUMERIC_DMY)

# What a text may hold that is not a full date, to say why nothing was read.
TWO_DIGIT_YEAR = re.compile(r"(?<![\d/.-])\d{1,2}([/.-])\d{1,2}\1\d{2}(?![\d/.-])")
NO_YEAR = re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})(?![\d/])")
MONTH_ONLY = re.compile(r"\btháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4}\b", re.I)
_UNITS_VI = r"(?:giây|phút|giờ|tiếng|ngày|tuần|tháng|năm)"
_UNITS_EN = r"(?:second|minute|hour|day|week|month|year)s?"
RELATIVE = re.compile(
    r"\b(?:hôm nay|hôm qua|hôm kia|vừa xong|today|yesterday|just now|\d+\s*" + _UNITS_VI
    + r"\s*trước|\d+\s*" + _UNITS_EN + r"\s*ago)\b", re.I)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    value: date | None
    moment: datetime | None
    text: str
    problem: str | None = None


def find_date(text: str, year: int | None = None, loose: bool = True) -> FoundDate:
    """The first date a text holds (with its time of day when printed next to it).

    Patterns read every form seen on the portals (see tests/crawl/test_dates.py); dateparser reads
    what is left of a short text (other spellings with month names). An impossible first date
    (31/02), a relative one ("2 giờ trước") or a partial one (no year) gives no date and a
    reason; a day and month ("(17/11)") take ``year`` when the page gives it elsewhere (a
    heading "Năm 2026", the post's address /2026/11/). ``loose`` False: the patterns only (a
    quick look at many small texts; dateparser is slow)."""
    clean = _normalise(text)
    if not clean:
        return FoundDate(None, None, "", "empty text")
    matches = _matches(clean)
    if matches:
        # The first date decides: a text whose first date is impossible is a broken date
        # field, not a reason to take a later date (an expiry, an answer's date) instead.
        first = matches[0]
        return FoundDate(first.value, first.moment, first.text, first.problem)
    if year is not None:
        found = _with_year(clean, year)
        if found is not None:
            return found
    if not loose:
        return FoundDate(None, None, clean[:80], "no date in text")
    return _with_dateparser(clean)


def _with_year(text: str, year: int) -> FoundDate | None:
    """A day and month without a year ("(17/11)", "17/11 - 09:15"), in ``year``."""
    match = NO_YEAR.search(text)
    if not match or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    full = f"{match.group(1)}/{match.group(2)}/{year}"
    found = find_date(text[:match.start()] + full + text[match.end():])
    if found.value is None:
        return None
    # what was read: the day and month shown, with the year the page gives elsewhere
    return FoundDate(found.value, found.moment, full)


def all_dates(text: str) -> list[date]:
    """Every valid date a text holds, in the order they appear (patterns only)."""
    return [m.value for m in _matches(_normalise(text)) if m.value is not None]


# -- internals -----------------------------------------------------------------------------------
def _normalise(text: str | None) -> str:
    text = nfc(text or "").replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


def _matches(text: str) -> list[_Match]:
    """Dates found by every pattern, in text order; where two overlap the longer one wins."""
    found: list[_Match] = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            found.append(_read(pattern, match, text))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Match] = []
    for candidate in found:
        if kept and candidate.start < kept[-1].end:
            continue
        kept.append(candidate)
    return kept


def _read(pattern: re.Pattern, match: re.Match, text: str) -> _Match:
    parts = match.groupdict()
    start, end = match.start(), match.end()
    year = int(parts["year"])
    month = (MONTHS_EN[parts["month_name"].lower()] if parts.get("month_name")
             else int(parts["month"]))
    day = int(parts["day"])
    shown = text[start:end].strip()
    try:
        value = date(year, month, day)
    except ValueError:
        return _Match(start, end, None, None, shown, f"impossible date: {shown}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _Match(start, end, None, None, shown, f"year out of range: {shown}")

    clock = None
    if parts.get("hour") is not None:            # ISO and RFC 822 carry their own time
        clock = _clock(parts["hour"], parts["minute"], parts.get("second"), None)
    elif pattern is not ISO:
        after = TIME_AFTER.match(text, end)
        before = TIME_BEFORE.search(text[max(0, start - 40):start])
        if after and _clock_of(after) is not None:
            clock = _clock_of(after)
            end = after.end()
        elif before and _clock_of(before) is not None:
            clock = _clock_of(before)
            start = start - (len(text[max(0, start - 40):start]) - before.start())
    moment = None
    if clock is not None:
        moment = datetime.combine(value, clock)
        zone = parts.get("zone")
        if zone:
            moment = _to_local(moment, zone)
            value = moment.date()
    return _Match(start, end, value, moment, text[start:end].strip())


def _clock_of(match: re.Match):
    parts = match.groupdict()
    return _clock(parts["hour"], parts["minute"], parts.get("second"), parts.get("half"))


def _clock(hour: str, minute: str, second: str | None, half: str | None):
    """A time of day, with the 12-hour markers (AM/PM, SA/CH: sáng/chiều) applied."""
    h, m, s = int(hour), int(minute), int(second or 0)
    marker = (half or "").lower().replace(".", "")
    if marker:
        if not 1 <= h <= 12:
            return None
        afternoon = marker in ("pm", "ch", "chiều", "tối") or (marker == "trưa" and h < 11)
        h = h % 12 + (12 if afternoon else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return datetime.min.time().replace(hour=h, minute=m, second=s)


def _to_local(moment: datetime, zone: str) -> datetime:
    zone = zone.upper()
    if zone in ("Z", "GMT", "UTC", "UT"):
        offset = timedelta(0)
    else:
        digits = zone.replace(":", "")
        sign = -1 if digits[0] == "-" else 1
        offset = sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
    aware = moment.replace(tzinfo=timezone(offset))
    return aware.astimezone(LOCAL_TIME).replace(tzinfo=None)


def _with_dateparser(text: str) -> FoundDate:
    shown = text if len(text) <= 80 else text[:77] + "…"
    problem = _partial_date_reason(text)
    if problem:
        return FoundDate(None, None, shown, problem)
    if len(text) > DATEPARSER_MAX_CHARS or not re.search(r"\d", text):
        return FoundDate(None, None, shown, "no date in text")
    import dateparser  # slow to import, and only a few texts need it

    with warnings.catch_warnings():  # dateparser warns about pytz/zoneinfo internals
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, languages=DATEPARSER_LANGUAGES,
                                  settings=DATEPARSER_SETTINGS)
    if parsed is None:
        return FoundDate(None, None, shown, "no date in text")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(LOCAL_TIME).replace(tzinfo=None)
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return FoundDate(None, None, shown, f"year out of range: {shown}")
    has_time = bool(re.search(r"\d{1,2}\s*[:h]\s*\d{2}", text))
    return FoundDate(parsed.date(), parsed if has_time else None, shown)


def _partial_date_reason(text: str) -> str | None:
    if RELATIVE.search(text):
        return f"relative date, no day to count from: {RELATIVE.search(text).group(0)}"
    if TWO_DIGIT_YEAR.search(text):
        return f"ambiguous: two-digit year in {TWO_DIGIT_YEAR.search(text).group(0)}"
    if MONTH_ONLY.search(text):
        return f"month without a day: {MONTH_ONLY.search(text).group(0)}"
    match = NO_YEAR.search(text)
    if match and 1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12:
        return f"day and month without a year: {match.group(0)}"
    return None
