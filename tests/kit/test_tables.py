"""Uploaded tables: CSV and XLSX read alike; hostile and broken files refused with reasons."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from opencbec.kit.tables import MAX_TABLE_BYTES, TableError, read_table


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_and_xlsx_read_alike() -> None:
    csv_table = read_table("\ufeffcode,name\n0302130000,鲑鱼\n\n1006300000,大米\n".encode())
    xlsx_table = read_table(
        xlsx([["code", "name"], [302130000, "鲑鱼"], [None, None], ["1006300000", "大米"]])
    )
    assert csv_table.header == xlsx_table.header == ["code", "name"]
    assert list(csv_table.rows) == [
        (2, {"code": "0302130000", "name": "鲑鱼"}),
        (4, {"code": "1006300000", "name": "大米"}),
    ]
    # A number cell loses its leading zero in the spreadsheet itself; it comes back as an integer text.
    assert [r[1]["code"] for r in xlsx_table.rows] == ["302130000", "1006300000"]


def test_short_rows_are_padded() -> None:
    assert list(read_table(b"a,b\n1\n").rows) == [(2, {"a": "1", "b": ""})]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\x00a", "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "XLSX"),
        (b"a,b\n1,2,3\n", "more cells"),
        (b"x" * (MAX_TABLE_BYTES + 1), "larger than"),
        (b'a,b\n1,2\n"' + b"y" * 140_000 + b'",2\n', "row 3 cannot be read"),
        (b'"' + b"h" * 140_000 + b'",b\n', "row 1 cannot be read"),
    ],
)
def test_refused(content: bytes, reason: str) -> None:
    with pytest.raises(TableError, match=reason) as exc:
        list(read_table(content).rows)
    assert exc.value.reason.zh
