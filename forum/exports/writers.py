"""CSV, XLSX and JSON writers: each turns a stream of rows into a stream of bytes.

Spreadsheets execute what looks like a formula, so text cells that could start one are
neutralised (CSV) or written as plain strings (XLSX). openpyxl refuses control characters
with IllegalCharacterError, which would kill a streaming export half way, so they are
stripped first.
"""

import csv
import io
import json
import os
import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from forum.exports.services import COLUMNS, TEXT_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_AT = tuple(COLUMNS.index(name) for name in TEXT_COLUMNS)
FLUSH_ROWS = 500
FILE_CHUNK = 64 * 1024
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# The whole Content-Type header of each export, its charset said once: a response given a text/*
# mimetype that already carries one gets Werkzeug's second charset appended.
CONTENT_TYPES = {**MEDIA_TYPES, "csv": "text/csv; charset=utf-8"}
# Characters wide, per column; the body gets the most room.
WIDTHS = {"url": 40, "title": 40, "challenge": 30, "body": 80, "tags": 20, "created": 22, "last_status_change": 22}


def write_csv(rows):
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, start=1):
        # A text cell a spreadsheet would read as a formula gets a leading apostrophe. Only the
        # columns people wrote can start one; checking every cell was a sixth of an export's time.
        row = list(row)
        for at in TEXT_AT:
            if row[at].startswith(FORMULA_STARTS):
                row[at] = "'" + row[at]
        writer.writerow(row)
        if count % FLUSH_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_json(rows):
    """One JSON array, an object per solution, written as the rows come."""
    yield b"[\n"
    for count, row in enumerate(rows):
        prefix = ",\n" if count else ""
        yield (prefix + json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False)).encode("utf-8")
    yield b"\n]\n"


def write_xlsx(rows):
    """openpyxl's write-only mode keeps rows on disk, so memory stays flat; the finished file is
    then streamed and removed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Solutions")
    sheet.freeze_panes = "A2"
    for number, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = WIDTHS.get(name, 12)
    sheet.append([_cell(sheet, name) for name in COLUMNS])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as finished:
            while chunk := finished.read(FILE_CHUNK):
                yield chunk
    finally:
        os.remove(path)


def _cell(sheet, value):
    if isinstance(value, int | float):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not value.startswith("="):
        return value  # plain values are much cheaper for openpyxl than cell objects
    # A string starting with "=" would otherwise be written as a formula.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}
