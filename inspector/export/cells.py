"""Text that a spreadsheet could take for a formula, neutralised (OWASP's CSV injection
guidance): agencies' comments, reviewers' reasons and crawled titles reach the province's staff
in CSV and XLSX files, and must open as the text they are."""

from __future__ import annotations

from typing import Any

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A CSV field: risky text gets a leading apostrophe; numbers and other text as they are."""
    return "'" + value if risky(value) else value


def neutralise_sheet(sheet) -> int:
    """Every risky text cell of an openpyxl worksheet stored as text, marked with Excel's quote
    prefix (shown as written, never evaluated, not turned into a formula when edited); numbers
    stay numbers. Returns how many cells were neutralised."""
    count = 0
    for row in sheet.iter_rows():
        for cell in row:
            if risky(cell.value):
                cell.data_type = "s"       # openpyxl takes a str beginning with "=" as a formula
                cell.quotePrefix = True
                count += 1
    return count
