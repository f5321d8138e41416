"""CSV for staff exports (call lists, evacuation lists): UTF-8 with a BOM, and no cell a
spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io

from server.validation import strip_xml_invalid

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value, phone: bool = False) -> str:
    """Text a spreadsheet will not run as a formula (names and cities are typed by people)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = strip_xml_invalid(str(value))  # a control character breaks spreadsheet imports
    return "'" + text if text.startswith(FORMULA_START) and not phone else text


def to_csv(columns, rows) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets then read the UTF-8 names correctly
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()
