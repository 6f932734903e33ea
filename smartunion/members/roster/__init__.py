"""Roster import and export, one module per stage; the public names are re-exported here."""

from smartunion.members.roster.checking import Checked, CheckedRow, check_roster
from smartunion.members.roster.export import RosterExport, roster_export
from smartunion.members.roster.format import (
    COLUMNS,
    EMPLOYMENT_FORM_NAMES,
    HEADER_VARIANTS,
    WAGE_BRACKET_NAMES,
    XLSX_CONTENT_TYPE,
    Column,
    roster_template,
)
from smartunion.members.roster.importing import (
    roster_import_commit,
    roster_import_get,
    roster_import_progress,
    roster_import_validate,
    roster_imports_expire,
    roster_imports_recent,
    roster_write_lock,
)
from smartunion.members.roster.lookups import database_check
from smartunion.members.roster.reading import Table, read_roster
from smartunion.members.roster.staging import stage_rows
from smartunion.members.roster.writing import WriteResult, _reserve_ids, cyclic_gc_paused, write_staged

__all__ = [
    "COLUMNS",
    "Checked",
    "CheckedRow",
    "Column",
    "EMPLOYMENT_FORM_NAMES",
    "HEADER_VARIANTS",
    "RosterExport",
    "Table",
    "WAGE_BRACKET_NAMES",
    "WriteResult",
    "XLSX_CONTENT_TYPE",
    "_reserve_ids",
    "check_roster",
    "cyclic_gc_paused",
    "database_check",
    "read_roster",
    "roster_export",
    "roster_import_commit",
    "roster_import_get",
    "roster_import_progress",
    "roster_import_validate",
    "roster_imports_expire",
    "roster_imports_recent",
    "roster_template",
    "roster_write_lock",
    "stage_rows",
    "write_staged",
]
