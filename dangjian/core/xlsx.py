"""The one spreadsheet module of the platform: every ledger export and every import goes through it.

Reading uses python-calamine (files saved by Excel, WPS and LibreOffice: xlsx, xls, ods);
writing uses openpyxl with the plain ledger layout branches use (title row, bold header, frozen panes).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_THIN = Side(style="thin", color="999999")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    caption: str = ""  # optional first line above the header (e.g. "2025年党费收缴台账")
    widths: Sequence[int] | None = None
    notes: list[str] = field(default_factory=list)  # lines written below the table
    text_columns: Sequence[int] = ()  # 1-based columns stored as text (ID numbers, phones: never numbers)


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    return value


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(title=spec.title[:31])
        row_no = 1
        if spec.caption:
            ws.cell(row=1, column=1, value=spec.caption).font = Font(bold=True, size=14)
            if len(spec.headers) > 1:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.headers))
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
            row_no = 2
        header_row = row_no
        for col, header in enumerate(spec.headers, start=1):
            cell = ws.cell(row=row_no, column=col, value=header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F3E9D2")
            cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        # One style object per number format, copied to every body cell: building a Border per cell
        # made a 5,000-row ledger take ~15 s of CPU; copying takes ~3 s.
        body_styles: dict[str, Any] = {}
        text_columns = set(spec.text_columns)
        for values in spec.rows:
            row_no += 1
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row_no, column=col, value=_cell_value(value))
                if col in text_columns:
                    fmt = "@"
                elif isinstance(value, dt.date):
                    fmt = "yyyy-mm-dd"
                elif isinstance(value, Decimal):
                    fmt = "0.00"
                else:
                    fmt = "General"
                style = body_styles.get(fmt)
                if style is None:
                    cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
                    cell.number_format = fmt
                    body_styles[fmt] = copy(cell._style)
                else:
                    cell._style = copy(style)
        for note in spec.notes:
            row_no += 1
            ws.cell(row=row_no, column=1, value=note)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        widths = spec.widths or [max(8, min(40, len(str(h)) * 2 + 4)) for h in spec.headers]
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """An attachment download; `filename` may be Chinese (RFC 5987 encoding)."""
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message is Chinese and user-facing."""


def read_rows(source: str | IO[bytes], sheet: int = 0) -> list[list[Any]]:
    """All rows of one sheet as Python values (str, float, int, bool, date, datetime, '')."""
    from python_calamine import CalamineWorkbook

    try:
        if isinstance(source, str):
            wb = CalamineWorkbook.from_path(source)
        else:
            wb = CalamineWorkbook.from_filelike(source)
        return wb.get_sheet_by_index(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several error types for unreadable input
        raise SpreadsheetError(
            "无法读取该文件，请上传Excel（.xlsx/.xls）或WPS、LibreOffice保存的表格文件"
        ) from exc
