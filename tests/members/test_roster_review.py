"""Finding C1 of the membership review on the roster export: beside a masked ID number (which hides
exactly the eight birth-date digits) the export gives the birth year only; the unmasked export,
audited, gives the date."""

from __future__ import annotations

import csv
import io

import pytest
from python_calamine import CalamineWorkbook

from smartunion.members.roster import roster_export
from tests.conftest import as_staff
from tests.factories import make_id_number, make_person

pytestmark = pytest.mark.django_db


def _rows(export) -> list[list]:
    with export.file:
        content = export.file.read()
    if export.filename.endswith(".csv"):
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_masked_export_has_the_birth_year_only(tree, personas, file_format):
    person, _m = make_person(org=tree.union_a, real_name="王五", id_number=make_id_number(birth="19870415"))
    staff = personas["union_a_staff"]
    with as_staff(staff):
        rows = _rows(roster_export(actor=staff, org=tree.union_a, file_format=file_format))

    header, row = rows[0], rows[1]
    assert "出生年份" in header and "出生日期" not in header
    assert row[1] == person.id_number_masked
    assert str(row[header.index("出生年份")]) == "1987"
    flat = "".join(str(cell) for cell in row)
    assert "1987-04-15" not in flat and "1987-04" not in flat and "19870415" not in flat


def test_the_unmasked_export_has_the_birth_date(tree, personas):
    person, _m = make_person(org=tree.union_a, real_name="王五", id_number=make_id_number(birth="19870415"))
    admin = personas["fangshan_admin"]
    with as_staff(admin):
        rows = _rows(roster_export(actor=admin, org=tree.union_a, unmask=True))

    header, row = rows[0], rows[1]
    assert row[1] == person.id_number
    assert "出生日期" in header and row[header.index("出生日期")] == "1987-04-15"
