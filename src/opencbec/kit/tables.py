"""Read an uploaded table, CSV (UTF-8) or XLSX, as a header and rows of text, with limits."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from openpyxl import load_workbook

from opencbec.kit.i18n import Bilingual

MAX_TABLE_BYTES: Final = 20 * 1024 * 1024
MAX_TABLE_ROWS: Final = 200_000
_XLSX_MAGIC: Final = b"PK\x03\x04"


class TableError(ValueError):
    """An uploaded table that cannot be read; `reason` says why in both languages."""

    def __init__(self, reason: Bilingual) -> None:
        super().__init__(reason.en)
        self.reason = reason


@dataclass
class Table:
    """A header and its rows (each a mapping of header name to text), numbered as in the file."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]


def read_table(content: bytes) -> Table:
    """Return the table in `content` (XLSX when it is a ZIP, otherwise UTF-8 CSV)."""
    if len(content) > MAX_TABLE_BYTES:
        raise TableError(
            Bilingual(f"larger than {MAX_TABLE_BYTES} bytes", f"文件超过 {MAX_TABLE_BYTES} 字节")
        )
    if content.startswith(_XLSX_MAGIC):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(
            Bilingual(f"not UTF-8 (byte {exc.start})", f"不是 UTF-8 编码（第 {exc.start} 字节）")
        ) from None
    reader = _csv_rows(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in next(reader, (1, []))[1]]
    return Table(header, _rows(header, reader))


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    # The csv module refuses some input as it reads (a field over its size limit, a NUL byte):
    # report it as a fault of the file and its row, not as a crash.
    line = 0
    try:
        for line, row in enumerate(reader, start=1):
            yield line, row
    except csv.Error as exc:
        raise TableError(
            Bilingual(f"row {line + 1} cannot be read: {exc}", f"第 {line + 1} 行无法读取：{exc}")
        ) from None


def _read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableError(
            Bilingual("not a readable XLSX workbook", "不是可读取的 XLSX 工作簿")
        ) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise TableError(Bilingual("the workbook has no sheet", "工作簿没有工作表"))
    values = sheet.iter_rows(values_only=True)
    header = [("" if v is None else str(v)).strip() for v in next(values, ())]
    cells = (
        (i, ["" if v is None else _text(v) for v in row]) for i, row in enumerate(values, start=2)
    )
    return Table(header, _rows(header, cells))


def _text(value: object) -> str:
    # Spreadsheets store codes such as 0302130000 as numbers; integers come back without ".0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(
    header: list[str], cells: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    for line, row in cells:
        if line - 1 > MAX_TABLE_ROWS:
            raise TableError(
                Bilingual(f"more than {MAX_TABLE_ROWS} rows", f"超过 {MAX_TABLE_ROWS} 行")
            )
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise TableError(
                Bilingual(
                    f"row {line} has more cells than the header", f"第 {line} 行的单元格多于表头"
                )
            )
        yield line, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
