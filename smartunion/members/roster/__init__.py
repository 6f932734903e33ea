"""Roster import and export: a grassroots union loads its members from an .xlsx or .csv file, and
exports the members in its scope.

The file format (the downloadable template, ``roster_template``): one header row, then one member
a row. Columns are found by their header (or a common variant, HEADER_VARIANTS), in any order; the
columns not read are listed in the preview.

===========================  ========  ===============================================================
header                       required  content
===========================  ========  ===============================================================
姓名                          yes       real name, by the one rule for names (core.personal)
身份证号                       yes       18-character resident ID number (GB 11643); the birth date and
                                       sex are taken from it. Keep the column as text in Excel: a number
                                       loses its last digits (1.1010519491231e+17) and is refused
手机号                         yes       mainland mobile number, 11 digits
用工形式                       yes       全日制用工, 劳务派遣, 非全日制用工, 快递员, 外卖骑手, 网约车司机,
                                       货车司机, 家政服务员, 其他平台用工 (EMPLOYMENT_FORM_NAMES: synonyms)
用人单位统一社会信用代码         yes       18 characters (GB 32100); the employer must be in the enterprise
                                       register (a platform company is also recorded as the platform)
入会日期                       no        2024-03-01, 2024/3/1, 20240301 or 2024年3月1日 (default: today)
工资档次                       no        3000元以下, 3000-5000元, 5000-8000元, 8000-12000元, 12000元以上,
                                       or the monthly wage as a number
职业标签                       no        occupation tag names separated by commas (环卫工人,户外劳动者)
===========================  ========  ===============================================================

How an import runs:

1. ``roster_import_validate`` stores the upload under ``VAR_DIR/imports`` (files over
   ROSTER_MAX_UPLOAD_BYTES are refused before anything is read), reads it (python-calamine for
   .xlsx, the csv module for .csv in UTF-8 with or without BOM, else GB18030), checks every row and
   collects every problem as (line as Excel shows it, column header, reason). File-level problems
   (empty, corrupt, missing columns, too big) raise ValidationFailed on ``file`` and write nothing.
   A valid roster's checked rows are staged in a file encrypted as a whole (core.crypto), and the
   upload itself — ID numbers in plain text — is deleted: plain personal data lives on disk only
   while the request runs (PIPL 第十九条, 第五十一条).
2. ``roster_import_commit`` re-checks the staged rows against the database (someone may have
   joined elsewhere meanwhile) and writes people, memberships, their first history event and tags
   in ONE transaction, with one ``roster.import`` audit record; ID numbers and mobiles are
   encrypted field by field (AES-GCM or SM4-GCM, core.crypto) as the rows stream to the database. Rows of people already members of
   this union are skipped, so running the same file again creates nothing. Rosters of more than
   ROSTER_SYNC_ROWS rows are committed by a background task (members.tasks, queued by
   core.tasks.enqueue); progress goes to the cache, because the rows written so far are invisible
   to other connections until the single transaction commits.

The database stage writes through the database's bulk path (``core.bulk``: COPY on PostgreSQL,
executemany on SQLite) with primary keys reserved up front, not ``bulk_create``: at 100,000 rows ``bulk_create``
was five times slower than the raw load and missed the 0.4 × raw target (docs/decisions/0007).
Imported members get no password hash and no user account: they activate their worker account
later by one-time code sent to the mobile number.

The package, one module per stage (the public names are re-exported here):

- ``format``: the columns, their header variants and accepted names; the template.
- ``files`` and ``xlsx``: reading the file bounded whatever it declares (a CSV, an .xlsx's zip
  package and its sheets).
- ``reading``: the sheet, the header row and the member rows of a roster.
- ``checking``: every row checked (a cell's value read by ``cells``), then the rows against the
  register (``lookups``); ``report``: what the preview says beside the errors.
- ``staging``: the checked rows sealed on disk until the import.
- ``writing``: the database stage, in bulk.
- ``importing``: the services that validate and commit an import, its status and progress.
- ``export``: the roster export.
"""

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
    roster_import_heartbeat,
    roster_import_progress,
    roster_import_validate,
    roster_import_write,
    roster_imports_expire,
    roster_imports_fail_stalled,
    roster_imports_recent,
    roster_write_lock,
)
from smartunion.members.roster.lookups import database_check
from smartunion.members.roster.reading import Table, read_roster
from smartunion.members.roster.staging import stage_rows
from smartunion.members.roster.writing import WriteResult, write_staged

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
    "check_roster",
    "database_check",
    "read_roster",
    "roster_export",
    "roster_import_commit",
    "roster_import_get",
    "roster_import_heartbeat",
    "roster_import_progress",
    "roster_import_validate",
    "roster_import_write",
    "roster_imports_expire",
    "roster_imports_fail_stalled",
    "roster_imports_recent",
    "roster_template",
    "roster_write_lock",
    "stage_rows",
    "write_staged",
]
