"""Vacuum and analyze the organisation tree after every big change, not after 20 % of it.

Moving a subtree rewrites every row in it. Until VACUUM runs, PostgreSQL's visibility map is clear
for those rows, so the subtree count (an index-only scan on ``path``) has to visit the table for
each of them, and until ANALYZE runs the planner estimates one row for the new path range.
bench/org_tree.py at 3,000,331 nodes: counting a just-moved 100,011-node subtree took p50 20 ms /
p99 28 ms, against 11 ms / 15 ms for one that was never moved (2 cores, other work running).
With the default thresholds (20 % of the table for VACUUM, 10 % for ANALYZE),
a 3,000,000-node tree would wait for 600,000 changed rows. Here: 1 % plus 1,000 rows, so in a
3M-node tree a move of about 31,000 nodes or more is vacuumed and analysed at the next autovacuum
round (autovacuum must be on, as it is by default).
SQLite has no visibility map and needs nothing."""

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, "
    "autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000"
)
RESET = (
    "autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
    "autovacuum_analyze_scale_factor, autovacuum_analyze_threshold"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE orgs_org SET ({SETTINGS})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE orgs_org RESET ({RESET})")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_path_collation_treelock")]
    operations = [migrations.RunPython(forwards, backwards)]
