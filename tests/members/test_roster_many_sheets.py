"""A workbook of many sheets, each small on disk but declaring a large grid (issue 7, item 2):
looking through them for the roster's header reads a bounded number of cells in all, not one
full-size grid per sheet."""

from __future__ import annotations

import random

import pytest

from smartunion.core.errors import ValidationFailed
from smartunion.members.roster import files, xlsx
from tests.members import roster_bombs as bombs


def test_many_sheets_declaring_large_grids_are_read_within_one_budget(tmp_path):
    # Each sheet: a word in A1 and one in AN100000, so calamine builds 100,000 rows x 40 columns.
    far = bombs.sheet_xml(bombs.row_xml(1, ["x"]) + bombs.row_xml(100_000, [""] * 39 + ["y"]))
    path = tmp_path / "sheets.xlsx"
    path.write_bytes(bombs.workbook([(f"表{i}", far) for i in range(1, 13)]))

    read = cells = 0
    for sheet in xlsx.read_xlsx_sheets(path):
        read += 1
        cells += len(sheet.rows) * max(len(row) for row in sheet.rows)
        assert sheet.sheet_count == 12

    # Two full-size grids' worth (16,000,000 cells): 4 of the 12 sheets, not all 12.
    assert (read, cells) == (4, 16_000_000)


def test_a_row_of_unnumbered_cells_longer_than_a_read_chunk_is_measured_whole(tmp_path):
    # Cells without r="": calamine places them by counting. 41 rows of 200,000 cells each, every
    # row longer than one chunk the scan reads, is 8,200,000 cells: over the bound of one grid.
    # (Empty cells, half of them with a style, so that the part is not packed past the ratio.)
    bits = random.Random(7).getrandbits(200_000)
    cells = "".join('<c s="1"/>' if bits >> i & 1 else "<c/>" for i in range(199_999))
    assert len(cells) > files.CHUNK
    row = f"<row>{cells}<c><v>1</v></c></row>"
    path = tmp_path / "wide.xlsx"
    path.write_bytes(bombs.workbook([("名册", bombs.sheet_xml(row * 41))]))

    with pytest.raises(ValidationFailed) as refused:
        next(xlsx.read_xlsx_sheets(path))
    assert "41 行 × 200,000 列超出了名册的范围" in refused.value.message
