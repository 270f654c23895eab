"""Print setup of the report workbooks: what a planner gets from File > Print.

Every sheet prints one page wide, in landscape when it is wider than a portrait page, with
its header row on every page and a footer naming the sheet, the page and the scenario. A
text column wider than `WIDEST_TEXT` characters is narrowed to it and wraps. Charts move
under their table: beside it they would make the page as wide as both and shrink the table
to fit; a chart that would straddle a page break starts the next page instead.

`set_up_printing(wb, scenario)` does all of it in one call, just before the workbook closes,
from what xlsxwriter holds of each sheet by then: column widths, cells and charts. Those are
xlsxwriter's internals (3.3), read and placed here only; tests/test_real_programs.py prints
the workbooks in LibreOffice and would show a change.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_pixel_width
from xlsxwriter.worksheet import CellStringTuple

WIDEST_TEXT = 50  # characters: a text column wider than this wraps
# The page inside xlsxwriter's default margins (0.7 in left and right, 0.75 in top and
# bottom), in screen pixels (96 an inch), on the smaller of A4 (8.27 x 11.69 in) and Letter
# (8.5 x 11 in) each way, so that the estimate holds on either paper.
PORTRAIT_WIDTH = round((8.27 - 1.4) * 96)
LANDSCAPE_WIDTH = round((11.0 - 1.4) * 96)
PORTRAIT_HEIGHT = round((11.0 - 1.5) * 96)
LANDSCAPE_HEIGHT = round((8.27 - 1.5) * 96)
PAGE_SPARE = 0.95  # of the page height: LibreOffice fits 45 rows of 20 pixels on 9.5 in


def set_up_printing(wb: Any, scenario: str | os.PathLike[str] = "") -> None:
    """Give every sheet of `wb` its print setup; `scenario` is the input's path, named in the footer."""
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    footer = f"&L&A&CPage &P of &N&R{_footer_text(Path(scenario).name if scenario else '')}"
    for ws in wb.worksheets():
        _wrap_wide_text(ws, wrap)
        width = _place_charts(ws)
        landscape = width > PORTRAIT_WIDTH
        if landscape:
            ws.set_landscape()
        scale = min(1.0, (LANDSCAPE_WIDTH if landscape else PORTRAIT_WIDTH) / width)
        page_height = (LANDSCAPE_HEIGHT if landscape else PORTRAIT_HEIGHT) * PAGE_SPARE / scale
        _keep_charts_whole(ws, int(page_height // ws.default_row_height))
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        if not ws.charts:  # the grid keeps a long row of numbers readable; around a chart it is noise
            ws.hide_gridlines(0)
        ws.set_footer(footer)


def _footer_text(name: str) -> str:
    """A name as literal footer text: '&' starts a footer code, so it is doubled; Excel caps a
    footer at 255 characters."""
    return name[:120].replace("&", "&&")


def _columns(ws: Any) -> range:
    return range(0 if ws.dim_colmax is None else ws.dim_colmax + 1)


def _wrap_wide_text(ws: Any, wrap: Any) -> None:
    """Narrow each text column wider than WIDEST_TEXT characters to it, its text wrapped, and make
    each row as tall as its wrapped text (LibreOffice keeps a row's height on opening). The other
    text columns of such a sheet take the same top-aligned format, so a row reads across."""
    width = _pixels(WIDEST_TEXT)
    texts = {col: _text_cells(ws, col) for col in _columns(ws)}
    texts = {col: cells for col, cells in texts.items() if cells}
    wide = [col for col in texts if ws._size_col(col) > width]
    if not wide:
        return
    for col in texts:
        ws.set_column_pixels(col, col, min(ws._size_col(col), width), wrap)
    strings = sorted(ws.str_table.string_table, key=ws.str_table.string_table.__getitem__)
    lines: dict[int, int] = {}
    for col in wide:
        for row, cell in texts[col].items():
            lines[row] = max(lines.get(row, 1), _line_count(strings[cell.string], width))
    for row, count in lines.items():
        if count > 1:
            ws.set_row(row, count * ws.default_row_height * 0.75)  # pixels to points


def _text_cells(ws: Any, col: int) -> dict[int, Any]:
    """The text cells of a column under its header, by row."""
    return {row: c[col] for row, c in ws.table.items() if row > 0 and isinstance(c.get(col), CellStringTuple)}


def _line_count(text: str, width: int) -> int:
    """The lines a wrapped cell takes: words filled greedily, measured in Calibri 11 as
    xlsxwriter does (LibreOffice's stand-in font widens the columns as much as the text)."""
    space = xl_pixel_width(" ")
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split(" "):
            word_width = xl_pixel_width(word)
            if used and used + space + word_width > width:
                count, used = count + 1, word_width
            else:
                used += (space if used else 0.0) + word_width
    return count


def _pixels(characters: float) -> int:
    """A column width in characters as xlsxwriter turns it into pixels (Calibri 11)."""
    return int(characters * 7 + 0.5) + 5


def _place_charts(ws: Any) -> int:
    """Put the charts under the table, one after another, at its left edge; return the width in
    pixels the sheet then prints (its columns or its widest chart)."""
    width = sum(ws._size_col(col) for col in _columns(ws))
    row = (ws.dim_rowmax or 0) + 2
    for placed in ws.charts:  # [row, col, chart, x_offset, y_offset, x_scale, y_scale, ...]
        placed[0:2], placed[3:5] = [row, 0], [0, 0]
        row += _chart_rows(ws, placed) + 1
        width = max(width, int(0.5 + placed[2].width * placed[5]))
    return max(width, 1)


def _chart_rows(ws: Any, placed: list[Any]) -> int:
    return math.ceil(placed[2].height * placed[6] / ws.default_row_height)


def _keep_charts_whole(ws: Any, page_rows: int) -> None:
    """A page break before each chart that would run over the end of its page.

    Pages hold `page_rows` rows; after the first, the repeated header row is one of them. The
    break goes before the blank row above the chart (_place_charts leaves one): on a break at
    the chart's own top row, LibreOffice drew the chart at the foot of the page before, over its
    footer, as well as on the new page.
    """
    breaks = []
    start, end = 0, page_rows
    for placed in ws.charts:
        top, rows = placed[0], _chart_rows(ws, placed)
        while top >= end:
            start, end = end, end + page_rows - 1
        if top + rows > end and top - 1 > start:
            breaks.append(top - 1)
            start, end = top - 1, top - 1 + page_rows - 1
    if breaks:
        ws.set_h_pagebreaks(breaks)
