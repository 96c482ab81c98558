"""What the pages and reports show a Vietnamese reader: dates dd/mm/yyyy, numbers with a decimal
comma, and the names of levels, statuses and outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

LEVEL_NAMES = {"province": "Sở, ngành", "district": "UBND huyện", "commune": "UBND xã"}
STATUS_NAMES = {"auto": "tự động", "reviewed": "đã điều chỉnh", "not_assessed": "chưa đánh giá được"}
REVIEW_NAMES = {"pending": "chưa duyệt", "confirmed": "đã duyệt", "overridden": "đã điều chỉnh",
                "second_look": "cần xem lại (giá trị tự động đã thay đổi)"}
ANSWER_NAMES = {"confirmed": "xác nhận", "disputed": "không đồng ý"}
SERVICE_STATUS = {"recognised": "được công nhận", "not_recognised": "không được công nhận",
                  "awaiting_recheck": "chờ kiểm tra lại", "needs_human": "cần người kiểm tra",
                  "unmatched": "tên không có trong danh mục TTHC", "reopened": "đang hậu kiểm",
                  "unchecked": "chưa kiểm tra"}
OUTCOME_NAMES = {"ok": "đạt", "failed": "lỗi", "needs_human": "cần người kiểm tra",
                 "error": "lỗi của công cụ (không kết luận)"}
PURPOSE_NAMES = {"first": "lần đầu", "recheck": "kiểm tra lại", "reopen": "hậu kiểm",
                 "human": "có người hỗ trợ", "again": "kiểm tra lại theo yêu cầu"}
# The phases of a service journey (journeys/playbook.py PHASES).
PHASE_NAMES = {"open": "mở trang dịch vụ", "register": "đăng ký tài khoản",
               "confirm": "kích hoạt tài khoản", "login": "đăng nhập", "choose": "chọn thủ tục",
               "fill": "điền tờ khai", "upload": "tải tệp đính kèm", "submit": "nộp hồ sơ",
               "track": "tra cứu hồ sơ"}


def vn_date(value: Any, with_time: bool = False) -> str:
    """dd/mm/yyyy (and hh:mm) from an ISO date or time; anything else as it is."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return moment.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def vn_number(value: Any) -> str:
    """3.5 → "3,5"; None → "—"."""
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")


def vn_points(value: Any) -> str:
    """Points as a province publishes them: two decimals at most, Vietnamese separators
    (86.4583 → "86,46", 1376.2567 → "1.376,26"); None → "—"."""
    if value is None:
        return "—"
    text = f"{round(float(value), 2):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def template_globals() -> dict[str, Any]:
    """The names every template may use."""
    return {"level_names": LEVEL_NAMES, "status_names": STATUS_NAMES,
            "review_names": REVIEW_NAMES, "answer_names": ANSWER_NAMES,
            "service_status": SERVICE_STATUS, "outcome_names": OUTCOME_NAMES,
            "purpose_names": PURPOSE_NAMES, "phase_names": PHASE_NAMES}
