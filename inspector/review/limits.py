"""The review page's caps on what a person may send: text lengths, request size, form fields,
rows per page. An input over a cap is refused with a message, never stored cut."""

from __future__ import annotations

from ..model.errors import UserError

MAX_TEXT = 2000                    # characters of a reason, comment or note
MAX_REQUEST_BYTES = 1024 * 1024    # a form post; anything larger answers 413 unread
MAX_FORM_PARTS = 100               # fields of one form post
MAX_FORM_MEMORY = 256 * 1024       # bytes of the form's fields kept in memory
AUDIT_PAGE = 100                   # audit entries per page


def check_text(value: str | None, what: str) -> None:
    """Refuse a reason, comment or note longer than MAX_TEXT."""
    if value is not None and len(value) > MAX_TEXT:
        raise UserError(f"{what} quá dài: {_thousands(len(value))} ký tự, tối đa "
                        f"{_thousands(MAX_TEXT)}")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")
