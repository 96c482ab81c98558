"""Dates as the variant portals print them (listings, articles, the header clock). Every
function returns HTML-safe text; `time_iso` returns a <time> element."""

from __future__ import annotations

from datetime import date, datetime

from ..portal import WEEKDAYS_EN, WEEKDAYS_VI


def iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}+07:00"


def _h12(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour:02d}:{moment.minute:02d}:00 {'SA' if moment.hour < 12 else 'CH'}"


def fmt(name: str, moment: datetime) -> str:
    """A post's moment in one of theme.DATE_FORMATS, or "short" ("(17/11)", no year)."""
    dmy = f"{moment:%d/%m/%Y}"
    if name == "dmy":
        return dmy
    if name == "dmy_hm":
        return f"{dmy} {moment:%H:%M}"
    if name == "dmy_hms":
        return f"{dmy} {moment:%H:%M}:00"
    if name == "dang_luc":
        return f"Đăng lúc {moment:%H:%M} ngày {dmy}"
    if name == "weekday_vi":
        return f"{WEEKDAYS_VI[moment.weekday()]}, {dmy}"
    if name == "dash":
        return f"{moment:%d-%m-%Y}"
    if name == "dot":
        return f"{moment:%d.%m.%Y}"
    if name == "long_vi":
        return f"Ngày {moment.day} tháng {moment.month} năm {moment.year}"
    if name == "long_vi_padded":
        return f"Ngày {moment:%d} tháng {moment:%m} năm {moment.year}"
    if name == "sa_ch":
        return f"{dmy} {_h12(moment)}"
    if name == "paren":
        return f"({dmy})"
    if name == "pipe_time":
        return f"{dmy} | {moment:%H:%M}"
    if name == "cap_nhat":
        return f"Cập nhật: {dmy}"
    if name == "time_iso":
        return f'<time datetime="{iso(moment)}">{dmy}</time>'
    if name == "weekday_en":
        return f"{WEEKDAYS_EN[moment.weekday()]}, {dmy}"
    if name == "short":
        return f"({moment:%d/%m})"
    raise ValueError(name)


def text(name: str, moment: datetime) -> str:
    """What a reader sees of `fmt` (the <time> element's content)."""
    shown = fmt(name, moment)
    return f"{moment:%d/%m/%Y}" if name == "time_iso" else shown


# Labels that say the date is the post's own; formats that carry one take none.
LABELLED = ("dang_luc", "cap_nhat", "long_vi", "long_vi_padded")


def sentence(kind: str, moment: datetime) -> str:
    """The post's date inside a sentence (an article's last line)."""
    dmy = f"{moment:%d/%m/%Y}"
    if kind == "dang_luc":
        return f"Bài viết được đăng lúc {moment:%H:%M} ngày {dmy}."
    if kind == "tin_dang":
        return f"Tin đăng ngày {dmy}, lúc {moment:%H:%M}."
    return f"Cập nhật lúc {moment:%H:%M} ngày {dmy}."


def clock(kind: str, day: date) -> str:
    """The header's date of today (the sandbox's as-of date), not a post's."""
    weekday = WEEKDAYS_VI[day.weekday()]
    if kind == "hom_nay":
        return f"Hôm nay: {weekday}, {day:%d/%m/%Y}"
    if kind == "weekday_long":
        return f"{weekday}, ngày {day.day} tháng {day.month} năm {day.year}"
    return f"{day:%d/%m/%Y} 08:00"
