"""The evaluation window and the periods (weeks, months) the seed's cadences are measured in."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_SPAN = re.compile(r"^(\d+)([wm])$")


@dataclass(frozen=True)
class Span:
    """A length of time as the seed writes it: "1 tuần" is 1w, "06 tháng" is 6m."""

    count: int
    unit: str  # "w" or "m"

    @classmethod
    def parse(cls, text: str) -> "Span":
        match = _SPAN.match(str(text).strip())
        if not match or int(match.group(1)) <= 0:
            raise ValueError(f"{text!r} is not a span like 1w, 1m, 3m, 6m, 12m")
        return cls(int(match.group(1)), match.group(2))

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def before(self, day: date) -> date:
        """The day this span before `day` (month arithmetic clamps to the month's last day)."""
        if self.unit == "w":
            return day - timedelta(weeks=self.count)
        return add_months(day, -self.count)

    def after(self, day: date) -> date:
        """The day this span after `day` (month arithmetic clamps to the month's last day)."""
        if self.unit == "w":
            return day + timedelta(weeks=self.count)
        return add_months(day, self.count)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Window:
    """'In the year': the 12 calendar months ending with the as-of date's month, up to that date."""

    start: date
    end: date

    @classmethod
    def ending(cls, as_of: date) -> "Window":
        return cls(add_months(as_of.replace(day=1), -11), as_of)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def read_for(as_of: date) -> dict[str, str]:
    """What a crawl for ``as_of`` stamps on its posts observations: the inspection date and the
    start of its window. Its posts cover that window up to that date, no earlier and no later
    (scoring/rules.py refuses them for another window)."""
    return {"as_of": as_of.isoformat(), "window_start": Window.ending(as_of).start.isoformat()}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def periods(window: Window, span: Span) -> list[Period]:
    """Split the window into consecutive periods of `span`.

    Months: calendar months from the window's start (a 3m span gives the four quarters of the
    window); the last period ends at the as-of date. Weeks: seven-day periods counted back from
    the as-of date; a leading stub shorter than a whole span is left out, so that a weekly
    cadence is never judged on a three-day fragment.
    """
    result: list[Period] = []
    if span.unit == "m":
        start = window.start
        while start <= window.end:
            nxt = add_months(start, span.count)
            result.append(Period(start, min(nxt - timedelta(days=1), window.end)))
            start = nxt
        return result
    end = window.end
    while True:
        start = end - timedelta(days=7 * span.count - 1)
        if start < window.start:
            break
        result.append(Period(start, end))
        end = start - timedelta(days=1)
    return list(reversed(result))
