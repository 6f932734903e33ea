"""Demo members at scale: the generated personal data are valid and unique by construction, the
member count is what was asked for, progress is shown, and the million-member scale needs PostgreSQL.
(The 3,000-member small seed itself is checked in tests/test_seed.py; speed is measured by
bench/member_search.py, never timed here.)"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smartunion.core.models import AuditEvent
from smartunion.core.personal import id_number_error, is_mobile
from smartunion.core.scoping import scopes_disabled
from smartunion.members import demo
from smartunion.members.models import Membership, Person
from smartunion.orgs.models import Org


def test_the_permutation_hands_out_every_value_once():
    keys = demo._keys("test")
    for domain, bits in ((1000, 10), (777, 10), (5000, 14)):
        assert sorted(demo.permute(x, bits=bits, domain=domain, keys=keys) for x in range(domain)) == list(
            range(domain)
        )


def test_two_hundred_thousand_id_numbers_of_one_district_are_valid_and_distinct():
    keys = demo._keys("20260101:id:110105")
    numbers = set()
    for k in range(200_000):
        first17, birth, serial = demo._id_first17("110105", k, keys)
        numbers.add(first17)
        assert 1960 <= birth.year <= 2005
    assert len(numbers) == 200_000
    sample = [demo.id_number_for("110105", k, 20260101) for k in range(0, 200_000, 997)]
    assert all(id_number_error(n) is None and n.startswith("110105") for n in sample)


def test_mobiles_are_mainland_numbers_and_distinct():
    mobiles = [demo.mobile_for(i, 20260101) for i in range(0, 3_000_000, 7)]
    assert len(set(mobiles)) == len(mobiles)
    assert all(is_mobile(m) and not m.startswith("138") for m in mobiles)  # 138 0013 …: demo workers


def test_names_are_a_common_surname_and_one_or_two_given_characters():
    import random

    rng = random.Random(1)
    names = [demo.name_for(rng, male=n % 2 == 0) for n in range(2000)]
    assert all(name[0] in demo.SURNAMES and len(name) in (2, 3) for name in names)
    # The commonest surnames come first, as in the census.
    assert sum(name[0] == "王" for name in names) > sum(name[0] == "汤" for name in names)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_the_large_scale_is_refused_on_sqlite_before_anything_is_written():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_demo", "--scale", "large", stdout=StringIO(), stderr=StringIO())
    with scopes_disabled():
        assert not Org.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_a_chosen_number_of_members_with_progress_on_stderr(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "seed_demo", "--scale", "tiny", "--members", "12345", "-v", "2", stdout=stdout, stderr=stderr
    )
    with scopes_disabled():
        assert Person.objects.filter(user__isnull=True).count() == 12345
        assert Membership.objects.filter(person__user__isnull=True).count() == 12345
        assert AuditEvent.objects.filter(action="demo.members").count() == 1
        # The audit chain holds the run, not the people.
        # (the demo workers' own application, approval and application: 3 records)
        assert AuditEvent.objects.filter(object_type__startswith="members.").count() == 3
    assert "12,345 people" in stdout.getvalue()
    progress = stderr.getvalue()
    assert "members: 12,345/12,345 (100 %)" in progress and "rows/s" in progress and "ETA" in progress
    # A second run adds nobody.
    again = StringIO()
    call_command("seed_demo", "--scale", "tiny", "--members", "12345", stdout=again, stderr=StringIO())
    assert "Members already seeded" in again.getvalue()
    with scopes_disabled():
        assert Person.objects.count() == 12347


@pytest.mark.django_db
def test_a_database_seeded_before_members_existed_gets_them_on_the_next_run(settings, tmp_path):
    """`make run` on a demo database built by an earlier version adds the members once."""
    from smartunion.orgs import demo as orgs_demo

    settings.VAR_DIR = tmp_path
    orgs_demo.seed_demo(scale="tiny")
    with scopes_disabled():
        assert not Person.objects.exists()
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", stdout=out, stderr=StringIO())
    assert "already seeded" in out.getvalue() and "Members added" in out.getvalue()
    with scopes_disabled():
        assert Person.objects.filter(user__isnull=True).count() == demo.MEMBER_COUNTS["tiny"]
